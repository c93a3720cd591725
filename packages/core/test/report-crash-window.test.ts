import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { timer } from 'rxjs';
import { createFileStore, createMemoryStore, type VenStore } from '../src/index.js';
import { MIN, POWER, T0, reportVenHooks, startVen, stopVen, type Running } from './report-helpers.js';

reportVenHooks();

const folder = mkdtempSync(join(tmpdir(), 'rxadr-crash-window-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/**
 * A store that can be frozen as a kill -9 would leave it: nothing written after the freeze
 * reaches it (neither the state file nor the ledger journal).
 */
function freezableStore(inner: VenStore = createMemoryStore()): { readonly store: VenStore; freeze(): void; thaw(): void } {
  let frozen = false;
  const journal = inner.journal!;
  return {
    store: {
      load: () => inner.load(),
      save: (state) => void (frozen || inner.save(state)),
      journal: { load: () => journal.load(), append: (ops) => void (frozen || journal.append(ops)), close: () => journal.close?.() },
    },
    freeze: () => void (frozen = true),
    thaw: () => void (frozen = false),
  };
}

/** Interval starts (minutes from T0) of a request's data the VTN took, in arrival order. */
const startsTaken = (r: Running, id: string): number[] =>
  r.vtn.recorder.requests.flatMap((q) =>
    !q.fault && q.message?.type === 'oadrUpdateReport' ? (q.message.oadrReport ?? []).filter((rep) => rep.reportRequestID === id).flatMap((rep) => (rep.intervals ?? []).map((iv) => (iv.dtstart!.getTime() - T0) / MIN)) : [],
  );

describe('killed between owing a report and saving its request (the ledger journal is written first)', () => {
  it('after the restart the owed report goes out once, and its intervals are not sampled and sent a second time', async () => {
    const disk = freezableStore();
    const first = startVen('crash-window', { store: disk.store });
    const meter = timer(30_000, MIN, first.clock).subscribe((i) => first.site.power$.next(i));
    const start = new Date(T0 + MIN).toISOString();
    // rr-5m reports five minutes at a time; rr-1m's window every minute saves the report slot, so rr-5m's samples are on disk.
    first.side.requestReport(first.venID, { reportRequestID: 'rr-5m', reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1M', reportBackDuration: 'PT5M', start });
    first.side.requestReport(first.venID, { reportRequestID: 'rr-1m', reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1M', reportBackDuration: 'PT1M', start });
    first.run(10_000);
    let owed = 0;
    first.ven.obligations$.subscribe(({ record, previous }) => {
      if (previous !== undefined || record.kind !== 'report-delivery' || record.subject.reportRequestID !== 'rr-5m') return;
      owed += 1;
      // The second five minutes are owed (journaled): the VEN dies before anything else is written or sent.
      if (owed === 2) {
        disk.freeze();
        first.vtn.faults.down();
      }
    });
    first.run(12 * MIN);
    expect(owed).toBeGreaterThanOrEqual(2);
    await stopVen(first);
    meter.unsubscribe();
    disk.thaw();
    first.vtn.faults.up();

    const second = startVen('crash-window-2', { reuse: first });
    second.run(15 * MIN);
    const starts = startsTaken(second, 'rr-5m');
    // Every minute once, in order: [6, 11) in the report owed at the kill (sent again after the restart), then on.
    expect(starts).toEqual(Array.from({ length: starts.length }, (_, i) => i + 1));
    expect(starts.length).toBeGreaterThanOrEqual(20);
    expect(second.ven.ledger.pending()).toEqual([]);
  });
});

describe('killed between the VTN accepting a request of the VEN and saving the report slot (real files)', () => {
  it('after the restart the VEN still knows the request, and cancels it', async () => {
    const path = join(folder, 'vtn-request-accepted.json');
    const disk = freezableStore(createFileStore(path));
    const first = startVen('crash-window-vtn-request', { store: disk.store });
    first.ven.obligations$.subscribe(({ record }) => {
      // The journal has just dropped the settled create; the VEN dies before the report slot is saved.
      if (record.kind === 'create-report' && record.state === 'settled') disk.freeze();
    });
    first.reports.requestVtnReport({ reportSpecifierID: 'vtn-prices', rIDs: ['price'], granularity: 'PT1H', reportBackDuration: 'PT1H', reportRequestID: 'vrr-1' }).subscribe();
    first.run(10_000);
    expect(first.side.venRequests.get('vrr-1')?.active).toBe(true);
    await stopVen(first);
    disk.thaw();
    first.vtn.recorder.clear();

    const second = startVen('crash-window-vtn-request-2', { reuse: first, store: createFileStore(path) });
    second.run(5 * MIN);
    expect(second.vtn.recorder.messages('oadrCancelReport').map((m) => m.reportRequestID)).toEqual([['vrr-1']]);
    expect(second.vtn.recorder.messages('oadrCreateReport')).toEqual([]);
    expect(second.side.venRequests.get('vrr-1')?.active).toBe(false);
    expect(second.ven.ledger.pending()).toEqual([]);
  });
});
