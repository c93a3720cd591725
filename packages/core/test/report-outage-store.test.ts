import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileStore, type VenStore } from '../src/index.js';
import { POWER, T0, reportVenHooks, startVen } from './report-helpers.js';

reportVenHooks();

const SEC = 1000;
const MIN = 60 * SEC;
const folder = mkdtempSync(join(tmpdir(), 'rxadr-report-outage-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const sizeOf = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/** A real file store that counts the bytes it writes: the state file on every save, the ledger journal on every append. */
function countingFileStore(path: string): { readonly store: VenStore; written(): number; onDisk(): number } {
  const inner = createFileStore(path);
  let written = 0;
  const journal = inner.journal!;
  const store: VenStore = {
    ...inner,
    save(state) {
      inner.save(state);
      written += sizeOf(path);
    },
    journal: {
      ...journal,
      load: () => journal.load(),
      append(ops) {
        const before = sizeOf(`${path}.ledger`);
        journal.append(ops);
        // A compaction rewrites the journal shorter: count what it wrote then, else what was appended.
        const after = sizeOf(`${path}.ledger`);
        written += after >= before ? after - before : after;
      },
      ...(journal.close ? { close: () => journal.close!() } : {}),
    },
  };
  return { store, written: () => written, onDisk: () => sizeOf(path) + sizeOf(`${path}.ledger`) };
}

describe('a one-hour VTN outage with 1 s readings (issue: durable and bounded)', () => {
  it('loses no interval and sends none twice; the state on disk and the bytes written grow linearly with what is buffered', () => {
    const path = join(folder, 'outage.json');
    const files = countingFileStore(path);
    const r = startVen('outage-1s', { store: files.store });
    // The meter reads i at T0 + i s + 0.5 s: the interval ending at T0 + k s carries k - 1.
    // (A plain loop of one-shot actions: a periodic virtual-time action nests its subscriptions 4,000 deep.)
    let reading = 0;
    let meter = r.clock.schedule(function tick() {
      r.site.power$.next(reading++);
      meter = r.clock.schedule(tick, SEC);
    }, 500);
    const start = T0 + MIN;
    r.side.requestReport(r.venID, { reportRequestID: 'rr-1s', reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1S', reportBackDuration: 'PT10S', start: new Date(start).toISOString() });
    r.run(2 * MIN);
    r.vtn.faults.down();
    const points: Array<{ buffered: number; onDisk: number; written: number }> = [];
    for (let quarter = 1; quarter <= 4; quarter++) {
      r.run(15 * MIN);
      points.push({ buffered: r.reports.stats().buffered, onDisk: files.onDisk(), written: files.written() });
    }
    r.vtn.faults.up();
    r.run(10 * MIN);
    meter.unsubscribe();

    // Linear: every quarter hour adds about the same number of reports, bytes on disk and bytes written.
    expect(points[0]!.buffered).toBeGreaterThanOrEqual(85);
    const steps = (key: 'buffered' | 'onDisk' | 'written') => points.slice(1).map((p, i) => p[key] - points[i]![key]);
    for (const key of ['buffered', 'onDisk', 'written'] as const) {
      const grown = steps(key);
      expect(Math.max(...grown) / Math.min(...grown), `${key} grows by ${grown.join(', ')} per quarter hour`).toBeLessThan(1.3);
    }
    // Bytes written per buffered report stay flat (a full rewrite per save would grow with the buffer).
    const perReport = points.map((p) => p.written / p.buffered);
    expect(perReport[3]! / perReport[0]!).toBeLessThan(1.3);

    // Nothing lost, nothing doubled: the accepted intervals are exactly the sampled seconds, each once, in order.
    const accepted = r.vtn.recorder.requests.filter((q) => !q.fault && q.message?.type === 'oadrUpdateReport');
    const intervals = accepted.flatMap((q) => (q.message?.type === 'oadrUpdateReport' ? q.message.oadrReport ?? [] : []).flatMap((rep) => rep.intervals ?? []));
    const starts = intervals.map((iv) => iv.dtstart!.getTime());
    expect(new Set(starts).size).toBe(starts.length);
    const last = starts.at(-1)!;
    expect(starts).toEqual(Array.from({ length: (last - start) / SEC + 1 }, (_, i) => start + i * SEC));
    expect(last).toBeGreaterThanOrEqual(start + 70 * MIN);
    const values = intervals.map((iv) => {
      const p = iv.streamPayloadBase[0];
      return p?.type === 'oadrReportPayload' && p.payloadBase.type === 'payloadFloat' ? p.payloadBase.value : NaN;
    });
    expect(values.every((v, i) => v === (starts[i]! - T0) / SEC)).toBe(true);
    expect(r.reports.stats()).toMatchObject({ buffered: 0, droppedOverflow: 0, droppedRequestEnded: 0, rejected: 0 });
  });
});
