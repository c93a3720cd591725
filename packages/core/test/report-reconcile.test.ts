import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileStore, type DroppedDelivery, type MessageOf, type OadrMessage, type OadrReport } from '../src/index.js';
import { MIN, POWER, T0, reportVenHooks, startVen, stopVen, type Running } from './report-helpers.js';

reportVenHooks();

const POLL = 10_000;
const folder = mkdtempSync(join(tmpdir(), 'rxadr-report-reconcile-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Reports the VEN sent for `id` (every attempt), with when they were sent. */
function sentFor(r: Running, id: string): Array<{ readonly at: number; readonly report: OadrReport }> {
  return r.vtn.recorder.requests.flatMap((q) =>
    q.message?.type === 'oadrUpdateReport' ? (q.message.oadrReport ?? []).filter((rep) => rep.reportRequestID === id).map((report) => ({ at: q.at.getTime(), report })) : [],
  );
}

const minuteSpec = (id: string) => ({ reportRequestID: id, reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1M', reportBackDuration: 'PT1M', start: new Date(T0 + MIN).toISOString() });

/** The VTN answers every oadrUpdateReport with an OpenADR 500 while `failing.on` (not delivered: kept and retried). */
function failUpdates(r: Running): { on: boolean } {
  const failing = { on: false };
  const original = r.side.handle.bind(r.side);
  r.side.handle = (message, ctx) => {
    if (failing.on && message.type === 'oadrUpdateReport') return { type: 'oadrUpdatedReport', eiResponse: { responseCode: '500', responseDescription: 'busy', requestID: message.requestID } };
    return original(message, ctx);
  };
  return failing;
}

function droppedOf(r: Running): DroppedDelivery[] {
  const dropped: DroppedDelivery[] = [];
  r.reports.dropped$.subscribe((d) => dropped.push(d));
  return dropped;
}

const created = (r: Running): MessageOf<'oadrCreatedReport'>[] => r.vtn.recorder.messages('oadrCreatedReport');

describe('re-registration ends every report request the VTN does not request again (§5.3)', () => {
  it('asked to re-register, the VTN embeds only a new request: no data under the old ID afterwards, its waiting reports counted, oadrCreatedReport lists only the new one', () => {
    const r = startVen('reregister-new');
    const dropped = droppedOf(r);
    const failing = failUpdates(r);
    r.side.requestReport(r.venID, minuteSpec('rr-old'));
    r.run(5 * MIN);
    failing.on = true;
    r.run(4 * MIN);
    const waiting = r.reports.stats().buffered;
    expect(waiting).toBeGreaterThanOrEqual(3);
    const metadataBefore = r.vtn.recorder.messages('oadrRegisterReport').length;
    r.side.embedOnRegister(minuteSpec('rr-new'));
    r.vtn.model.requestReregistration(r.venID);
    r.run(POLL);
    const reregisteredAt = r.vtn.recorder.requests.findLast((q) => q.message?.type === 'oadrCreatePartyRegistration')!.at.getTime();
    expect(r.vtn.recorder.messages('oadrRegisterReport')).toHaveLength(metadataBefore + 1);
    failing.on = false;
    r.run(5 * MIN);

    expect(created(r).at(-1)?.oadrPendingReports).toEqual(['rr-new']);
    expect(r.reports.pending().map((p) => p.reportRequestID)).toEqual(['rr-new']);
    expect(sentFor(r, 'rr-old').filter((s) => s.at >= reregisteredAt)).toEqual([]);
    expect(sentFor(r, 'rr-new').length).toBeGreaterThanOrEqual(4);
    expect(r.reports.stats()).toMatchObject({ droppedRequestEnded: waiting, buffered: 0, rejected: 0 });
    expect(dropped.every((d) => d.reason === 'request-ended' && d.reportRequestID === 'rr-old')).toBe(true);
    expect(dropped).toHaveLength(waiting);
    // Taken back at the re-registration (superseded in the ledger), then dropped by the report module: counted once.
    expect(r.ven.ledger.counters).toMatchObject({ droppedRequestEnded: 0, superseded: waiting, pending: 0 });
  });

  it('requested again unchanged in the answer to METADATA: it goes on where it was, its waiting reports delivered, nothing lost or sent twice', () => {
    const r = startVen('reregister-same');
    const failing = failUpdates(r);
    r.side.requestReport(r.venID, minuteSpec('rr-keep'));
    r.run(3 * MIN);
    failing.on = true;
    r.run(3 * MIN);
    r.side.embedOnRegister(minuteSpec('rr-keep'));
    r.vtn.model.requestReregistration(r.venID);
    r.run(POLL);
    failing.on = false;
    r.run(6 * MIN);
    expect(created(r).at(-1)?.oadrPendingReports).toEqual(['rr-keep']);
    expect(r.reports.stats()).toMatchObject({ droppedRequestEnded: 0, rejected: 0, buffered: 0 });
    // Every minute from 1 on delivered exactly once (the failed attempts were answered 500 and are not counted).
    expect(r.reports.stats().delivered).toBe(Math.floor((r.clock.now() - T0 - MIN) / MIN));
    // Taken back while the renewal was pending and owed again: nothing counted as dropped anywhere.
    expect(r.ven.ledger.counters).toMatchObject({ droppedRequestEnded: 0, droppedOverflow: 0, pending: 0 });
  });

  it('the VTN forgets the VEN and asks it to register: a fresh venID, every old request ends, oadrCreatedReport lists only the new one', () => {
    const r = startVen('reregister-create');
    r.side.requestReport(r.venID, minuteSpec('rr-old'));
    r.run(3 * MIN);
    // The VTN forgets the VEN and asks it to register again: the VEN gets a fresh venID, so every old request ends.
    r.vtn.model.unknownVen = 'request-reregistration';
    const oldVenID = r.venID;
    r.vtn.model.vens.clear();
    r.run(POLL);
    const venID = r.ven.registration?.venID;
    expect(venID).toBeDefined();
    expect(venID).not.toBe(oldVenID);
    const at = r.clock.now();
    r.side.requestReport(venID!, minuteSpec('rr-fresh'));
    r.run(3 * MIN);
    expect(created(r).at(-1)?.oadrPendingReports).toEqual(['rr-fresh']);
    expect(sentFor(r, 'rr-old').filter((s) => s.at >= at)).toEqual([]);
    expect(r.vtn.recorder.messages('oadrRegisterReport').at(-1)?.venID).toBe(venID);
    expect(sentFor(r, 'rr-fresh').length).toBeGreaterThanOrEqual(2);
    expect(r.reports.stats().droppedRequestEnded).toBe(0);
  });
});

describe('a VTN restarted without its database answers 463 (issue item 1)', () => {
  it('from a state file: the VEN registers afresh, no data under the dead reportRequestID, its waiting reports counted, METADATA offered again, oadrCreatedReport lists only the new request', async () => {
    const path = join(folder, 'forgotten-463.json');
    const first = startVen('forgotten-463-1', { store: createFileStore(path) });
    const failing = failUpdates(first);
    first.side.requestReport(first.venID, minuteSpec('rr-dead'));
    first.run(3 * MIN);
    failing.on = true;
    first.run(3 * MIN);
    const waiting = first.reports.stats().buffered;
    expect(waiting).toBeGreaterThanOrEqual(2);
    await stopVen(first);
    // The VTN restarts without its database while the VEN is down; it answers 463 to the unknown venID.
    first.vtn.model.forgetAll();
    failing.on = false;
    first.side.embedOnRegister(minuteSpec('rr-live'));
    // (The in-memory VTN answers at once: the 463, the fresh registration and the end of rr-dead all happen inside start.)
    const second = startVen('forgotten-463-2', { reuse: first, store: createFileStore(path) });
    const restartedAt = second.clock.now();
    second.run(5 * MIN);
    const venID = second.ven.registration?.venID;
    expect(venID).toBeDefined();
    expect(venID).not.toBe(first.venID);
    const sentAfter = second.vtn.recorder.requests.filter((q) => q.at.getTime() >= restartedAt);
    expect(sentAfter.some((q) => q.message?.type === 'oadrPoll' && q.message.venID === first.venID)).toBe(true); // answered 463
    expect(sentAfter.filter((q) => q.message?.type === 'oadrRegisterReport' && q.message.venID === venID)).not.toHaveLength(0);
    const oldData = sentFor(second, 'rr-dead').filter((x) => x.at >= restartedAt);
    // Until the VTN said 463 the VEN may have tried its owed reports once; nothing under the dead ID after the fresh registration.
    const registeredAt = second.vtn.recorder.requests.find((q) => q.at.getTime() >= restartedAt && q.message?.type === 'oadrCreatePartyRegistration')!.at.getTime();
    expect(oldData.filter((x) => x.at > registeredAt)).toEqual([]);
    expect(created(second).at(-1)?.oadrPendingReports).toEqual(['rr-live']);
    expect(second.reports.pending().map((p) => p.reportRequestID)).toEqual(['rr-live']);
    expect(sentFor(second, 'rr-live').length).toBeGreaterThanOrEqual(3);
    expect(second.reports.stats().droppedRequestEnded).toBeGreaterThanOrEqual(waiting);
  });
});

describe('METADATA after a restart from the state file (§5.3 step 1)', () => {
  it('a VEN resumed from a real state file offers its reports again, before its waiting data', async () => {
    const path = join(folder, 'metadata-restart.json');
    const first = startVen('restart-file-1', { store: createFileStore(path) });
    first.side.requestReport(first.venID, minuteSpec('rr-1'));
    first.run(3 * MIN);
    const offered = first.vtn.recorder.messages('oadrRegisterReport').length;
    await stopVen(first);
    first.run(2 * MIN);
    const second = startVen('restart-file-2', { reuse: first, store: createFileStore(path) });
    second.run(POLL);
    const after: OadrMessage[] = second.vtn.recorder.requests.slice(-20).flatMap((q) => (q.message ? [q.message] : []));
    expect(second.vtn.recorder.messages('oadrCreatePartyRegistration')).toHaveLength(1);
    expect(second.vtn.recorder.messages('oadrRegisterReport')).toHaveLength(offered + 1);
    expect(second.vtn.recorder.messages('oadrRegisterReport').at(-1)?.venID).toBe(first.venID);
    expect(after.length).toBeGreaterThan(0);
    expect(second.reports.pending().map((p) => p.reportRequestID)).toEqual(['rr-1']);
  });
});
