import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Duration, createFileStore, type OadrReport, type ReportError, type VtnReportInterval } from '../src/index.js';
import { MAX_WITHDRAWN, createVtnRequestLedger } from '../src/reports/vtn-request-ledger.js';
import type { ReportObligations } from '../src/reports/report-obligations.js';
import type { VtnReports } from '../src/reports/vtn-reports.js';
import { T0, reportVenHooks, startVen, stopVen, type Running } from './report-helpers.js';

// The VEN's own requests for the VTN's reports (`requestVtnReport`, §5.4) are ledger records: a
// VTN that is down, answers HTTP errors, HTML or OpenADR 5xx gets the same oadrCreateReport again
// until it answers; a 4xx ends the stream; unsubscribing owes oadrCancelReport; after a restart a
// request nobody listens to any more is cancelled. Every EiReport document is XSD-checked (the hooks).
reportVenHooks();

const SEC = 1000;
const POLL = 10 * SEC;
const MIN = 60 * SEC;
const folder = mkdtempSync(join(tmpdir(), 'rxadr-vtn-requests-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const OPTIONS = { reportSpecifierID: 'vtn-prices', rIDs: ['price'], granularity: 'PT1H', reportBackDuration: 'PT1H' } as const;

/** Subscribes to one VTN report request and keeps what it emits and how it ended. */
function subscribe(r: Running, reportRequestID = 'vrr-1') {
  const got: VtnReportInterval[] = [];
  const state: { error?: ReportError; completed: boolean } = { completed: false };
  const subscription = r.reports.requestVtnReport({ ...OPTIONS, reportRequestID }).subscribe({
    next: (iv) => got.push(iv),
    error: (e: ReportError) => (state.error = e),
    complete: () => (state.completed = true),
  });
  return { got, state, subscription };
}

/** The oadrCreateReport / oadrCancelReport requests the VTN received, with whether each was answered normally. */
const sent = (r: Running, type: 'oadrCreateReport' | 'oadrCancelReport') =>
  r.vtn.recorder.requests.filter((q) => q.message?.type === type).map((q) => ({ requestID: q.message!.type === type ? q.message!.requestID : '', ok: q.fault === undefined && q.rejected === undefined }));

function priceReport(reportRequestID: string, value: number): OadrReport {
  return {
    dtstart: new Date(T0),
    duration: Duration.parse('PT1H')!,
    intervals: [{ dtstart: new Date(T0), duration: Duration.parse('PT1H')!, streamPayloadBase: [{ type: 'oadrReportPayload', rID: 'price', payloadBase: { type: 'payloadFloat', value } }] }],
    eiReportID: `vtn-rpt-${value}`,
    reportRequestID,
    reportSpecifierID: 'vtn-prices',
    reportName: 'x-prices',
    createdDateTime: new Date(T0),
  };
}

function sendPrice(r: Running, reportRequestID: string, value: number): void {
  r.side.sendData(r.venID, priceReport(reportRequestID, value));
  r.run(POLL);
}

describe('a request of the VEN survives a VTN that fails', () => {
  it('the VTN down: the same oadrCreateReport is retried with backoff, the stream stays open, data flows once it is back', () => {
    const r = startVen('vtn-request-down');
    r.vtn.faults.down();
    const { got, state } = subscribe(r);
    r.run(2 * MIN);
    const attempts = sent(r, 'oadrCreateReport');
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(attempts.map((a) => a.requestID)).size).toBe(1);
    expect(state).toEqual({ completed: false });
    r.vtn.faults.up();
    r.run(6 * MIN);
    expect(sent(r, 'oadrCreateReport').filter((a) => a.ok)).toEqual([{ requestID: attempts[0]!.requestID, ok: true }]);
    expect(r.side.venRequests.get('vrr-1')?.active).toBe(true);
    sendPrice(r, 'vrr-1', 0.25);
    expect(got.map((iv) => iv.values)).toEqual([[{ rID: 'price', value: 0.25 }]]);
    expect(state).toEqual({ completed: false });
  });

  it('HTTP 503, an HTML page and OpenADR 500 are each retried; the fourth attempt is taken', () => {
    const r = startVen('vtn-request-garbage');
    const scope = { service: 'EiReport', type: 'oadrCreateReport', times: 1 } as const;
    r.vtn.faults.inject({ kind: 'http-status', status: 503 }, scope);
    r.vtn.faults.inject({ kind: 'raw', body: '<html><body>Please log in</body></html>' }, { ...scope, from: r.clock.now() + 1 });
    r.vtn.faults.inject({ kind: 'openadr-code', code: '500' }, { ...scope, from: r.clock.now() + 2 });
    const { state } = subscribe(r);
    r.run(5 * MIN);
    const attempts = sent(r, 'oadrCreateReport');
    expect(attempts.map((a) => a.ok)).toEqual([false, false, false, true]);
    expect(new Set(attempts.map((a) => a.requestID)).size).toBe(1);
    expect(state).toEqual({ completed: false });
    expect(r.side.venRequests.get('vrr-1')?.active).toBe(true);
  });

  it('an OpenADR 4xx ends the stream with ReportError rejected and the code; it is not sent again, the VEN goes on', () => {
    const r = startVen('vtn-request-4xx');
    r.vtn.faults.inject({ kind: 'openadr-code', code: '453', description: 'not offered' }, { service: 'EiReport', type: 'oadrCreateReport', times: 1 });
    const { state } = subscribe(r);
    r.run(10 * MIN);
    expect(state.error).toMatchObject({ name: 'ReportError', code: 'rejected', responseCode: '453', reportRequestID: 'vrr-1' });
    expect(sent(r, 'oadrCreateReport')).toHaveLength(1);
    expect(sent(r, 'oadrCancelReport')).toEqual([]);
    expect(r.ven.ledger.pending()).toEqual([]);
    expect(r.vtn.recorder.messages('oadrPoll').length).toBeGreaterThan(50);
  });
});

describe('unsubscribing', () => {
  it('an accepted request: oadrCancelReport is owed, retried through HTTP 503, and taken', () => {
    const r = startVen('vtn-request-cancel');
    const { subscription } = subscribe(r);
    r.run(POLL);
    expect(r.side.venRequests.get('vrr-1')?.active).toBe(true);
    r.vtn.faults.inject({ kind: 'http-status', status: 503 }, { service: 'EiReport', type: 'oadrCancelReport', times: 2 });
    subscription.unsubscribe();
    r.run(2 * MIN);
    const cancels = sent(r, 'oadrCancelReport');
    expect(cancels.map((c) => c.ok)).toEqual([false, false, true]);
    expect(new Set(cancels.map((c) => c.requestID)).size).toBe(1);
    expect(r.vtn.recorder.messages('oadrCancelReport')[0]).toMatchObject({ reportRequestID: ['vrr-1'], reportToFollow: false, venID: r.venID });
    expect(r.side.venRequests.get('vrr-1')?.active).toBe(false);
    expect(r.ven.ledger.pending()).toEqual([]);
  });

  it('while the create is still failing: the cancel supersedes it, and only the cancel goes out once the VTN is back', () => {
    const r = startVen('vtn-request-cancel-failing');
    r.vtn.faults.down();
    const { subscription } = subscribe(r);
    r.run(MIN);
    const before = sent(r, 'oadrCreateReport').length;
    expect(before).toBeGreaterThanOrEqual(2);
    subscription.unsubscribe();
    expect(r.ven.ledger.pending().map((p) => [p.kind, p.key])).toEqual([['cancel-report', 'vtn-report:vrr-1']]);
    r.vtn.faults.up();
    r.run(6 * MIN);
    expect(sent(r, 'oadrCreateReport')).toHaveLength(before);
    expect(sent(r, 'oadrCancelReport').filter((c) => c.ok)).toHaveLength(1);
    expect(r.ven.ledger.pending()).toEqual([]);
  });

  it('before the create was ever tried (the exchange queue busy with a slow poll): nothing is sent at all', () => {
    const r = startVen('vtn-request-withdrawn');
    r.vtn.faults.inject({ kind: 'delay', ms: 5 * SEC }, { service: 'OadrPoll', times: 1 });
    r.run(POLL + SEC);
    const { subscription } = subscribe(r);
    expect(r.ven.ledger.pending().map((p) => [p.kind, p.attempts])).toEqual([['create-report', 0]]);
    subscription.unsubscribe();
    expect(r.ven.ledger.pending()).toEqual([]);
    r.run(2 * MIN);
    expect(sent(r, 'oadrCreateReport')).toEqual([]);
    expect(sent(r, 'oadrCancelReport')).toEqual([]);
  });

  it('withdrawn while it may have been in flight: data the VTN sends for it is answered 452, and the request is cancelled', () => {
    const r = startVen('vtn-request-withdrawn-in-flight');
    r.vtn.faults.inject({ kind: 'delay', ms: 5 * SEC }, { service: 'OadrPoll', times: 1 });
    r.run(POLL + SEC);
    subscribe(r).subscription.unsubscribe();
    r.run(POLL);
    // As if the create had reached the VTN before the withdrawal.
    sendPrice(r, 'vrr-1', 0.3);
    expect(r.vtn.recorder.messages('oadrUpdatedReport').at(-1)?.eiResponse).toMatchObject({ responseCode: '452' });
    r.run(POLL);
    expect(r.vtn.recorder.messages('oadrCancelReport').map((m) => m.reportRequestID)).toEqual([['vrr-1']]);
    // Only once: more data for it is answered 452 without another cancel.
    sendPrice(r, 'vrr-1', 0.35);
    r.run(MIN);
    expect(r.vtn.recorder.messages('oadrCancelReport')).toHaveLength(1);
    expect(r.ven.ledger.pending()).toEqual([]);
  });
});

describe('the registration', () => {
  it('cancelled by the VTN: the stream ends with ReportError request-ended, and no cancel is sent for it', () => {
    const r = startVen('vtn-request-registration-ended');
    const { state } = subscribe(r);
    r.run(POLL);
    r.vtn.model.cancelRegistration(r.venID);
    r.run(2 * POLL);
    expect(state.error).toMatchObject({ name: 'ReportError', code: 'request-ended', reportRequestID: 'vrr-1' });
    r.run(5 * MIN);
    expect(sent(r, 'oadrCancelReport')).toEqual([]);
  });

  it('the VTN forgets the VEN: under the fresh registration the request is made again and its data still reaches the stream', () => {
    const r = startVen('vtn-request-forgotten');
    const { got, state } = subscribe(r);
    r.run(POLL);
    r.vtn.model.forgetVen(r.venID);
    expect(r.side.venRequests.has('vrr-1')).toBe(false);
    r.run(5 * MIN);
    const venID = r.vtn.model.registered()[0]!.venID;
    expect(venID).not.toBe(r.venID);
    expect(r.side.venRequests.get('vrr-1')).toMatchObject({ active: true, venID });
    expect(r.vtn.recorder.messages('oadrCreateReport').map((m) => [m.venID, m.oadrReportRequest[0]?.reportRequestID])).toEqual([
      [r.venID, 'vrr-1'],
      [venID, 'vrr-1'],
    ]);
    r.side.sendData(venID, priceReport('vrr-1', 0.4));
    r.run(POLL);
    expect(got.map((iv) => iv.values[0]?.value)).toEqual([0.4]);
    expect(state).toEqual({ completed: false });
  });

  it('asked to re-register, the VEN makes the request again; a VTN that refuses the duplicate keeps the stream, the refusal is reported', () => {
    const r = startVen('vtn-request-reregistration');
    const { got, state } = subscribe(r);
    const errors: ReportError[] = [];
    r.reports.errors$.subscribe((e) => errors.push(e));
    r.run(POLL);
    r.vtn.faults.inject({ kind: 'openadr-code', code: '454', description: 'duplicate reportRequestID' }, { service: 'EiReport', type: 'oadrCreateReport', times: 1 });
    r.vtn.model.requestReregistration(r.venID);
    r.run(MIN);
    expect(r.vtn.model.registered()[0]?.venID).toBe(r.venID);
    expect(sent(r, 'oadrCreateReport').map((c) => c.ok)).toEqual([true, false]);
    expect(errors).toEqual([expect.objectContaining({ code: 'rejected', responseCode: '454' })]);
    expect(state).toEqual({ completed: false });
    sendPrice(r, 'vrr-1', 0.5);
    expect(got.map((iv) => iv.values[0]?.value)).toEqual([0.5]);
  });
});

describe('a restart on a real file store', () => {
  it('a request the VTN accepted, with nobody listening after the restart, is cancelled', async () => {
    const path = join(folder, 'accepted.json');
    const first = startVen('vtn-request-restart-accepted', { store: createFileStore(path) });
    subscribe(first);
    first.run(POLL);
    expect(first.side.venRequests.get('vrr-1')?.active).toBe(true);
    await stopVen(first);
    first.vtn.recorder.clear();

    const second = startVen('vtn-request-restart-accepted-2', { reuse: first, store: createFileStore(path) });
    second.run(POLL);
    expect(second.vtn.recorder.messages('oadrCancelReport').map((m) => m.reportRequestID)).toEqual([['vrr-1']]);
    expect(second.vtn.recorder.messages('oadrCreateReport')).toEqual([]);
    expect(second.side.venRequests.get('vrr-1')?.active).toBe(false);
    second.run(5 * MIN);
    expect(second.vtn.recorder.messages('oadrCancelReport')).toHaveLength(1);
    expect(second.ven.ledger.pending()).toEqual([]);
  });

  it('a create withdrawn while it may have been in flight is still cancelled after a restart when the VTN sends data for it', async () => {
    const path = join(folder, 'withdrawn.json');
    const first = startVen('vtn-request-restart-withdrawn', { store: createFileStore(path) });
    first.vtn.faults.inject({ kind: 'delay', ms: 5 * SEC }, { service: 'OadrPoll', times: 1 });
    first.run(POLL + SEC);
    subscribe(first).subscription.unsubscribe();
    expect(first.ven.ledger.pending()).toEqual([]);
    first.run(POLL);
    await stopVen(first);
    expect(JSON.stringify(createFileStore(path).load())).toContain('"vtnRequestsWithdrawn":["vrr-1"]');
    first.vtn.recorder.clear();

    const second = startVen('vtn-request-restart-withdrawn-2', { reuse: first, store: createFileStore(path) });
    second.run(POLL);
    expect(second.vtn.recorder.messages('oadrCancelReport')).toEqual([]);
    // As if the create had reached the VTN before the withdrawal.
    sendPrice(second, 'vrr-1', 0.3);
    expect(second.vtn.recorder.messages('oadrUpdatedReport').at(-1)?.eiResponse).toMatchObject({ responseCode: '452' });
    second.run(POLL);
    expect(second.vtn.recorder.messages('oadrCancelReport').map((m) => m.reportRequestID)).toEqual([['vrr-1']]);
    second.run(5 * MIN);
    expect(second.vtn.recorder.messages('oadrCancelReport')).toHaveLength(1);
    expect(second.ven.ledger.pending()).toEqual([]);
    // Cancelled once: the slot forgets it, so a later restart cancels nothing more.
    await stopVen(second);
    expect(JSON.stringify(createFileStore(path).load())).not.toContain('vtnRequestsWithdrawn');
  });

  it('a create owed and already tried at the stop becomes a cancel; one never tried is dropped', async () => {
    const path = join(folder, 'owed.json');
    const first = startVen('vtn-request-restart-owed', { store: createFileStore(path) });
    first.run(POLL);
    first.vtn.faults.inject({ kind: 'http-status', status: 503 }, { service: 'EiReport', type: 'oadrCreateReport', forMs: 60 * MIN });
    subscribe(first, 'vrr-tried');
    first.run(MIN);
    // A poll held longer than the poll interval: the next record waits behind it, untried.
    first.vtn.faults.inject({ kind: 'delay', ms: 15 * SEC }, { service: 'OadrPoll', times: 1 });
    first.run(POLL);
    subscribe(first, 'vrr-untried');
    expect(first.ven.ledger.pending().map((p) => [p.key, p.attempts > 0])).toEqual([
      ['vtn-report:vrr-tried', true],
      ['vtn-report:vrr-untried', false],
    ]);
    // Stopped while the poll is held: the untried create stays owed, untried, in the journal.
    const stopping = stopVen(first);
    first.run(20 * SEC);
    await stopping;
    first.vtn.faults.clear();
    first.vtn.recorder.clear();

    const second = startVen('vtn-request-restart-owed-2', { reuse: first, store: createFileStore(path) });
    second.run(5 * MIN);
    expect(second.vtn.recorder.messages('oadrCreateReport')).toEqual([]);
    expect(second.vtn.recorder.messages('oadrCancelReport').map((m) => m.reportRequestID)).toEqual([['vrr-tried']]);
    expect(second.ven.ledger.pending()).toEqual([]);
  });
});

describe('the withdrawn creates kept', () => {
  it('are bounded to the most recent ones, and a stored list longer than the bound keeps its newest entries', () => {
    const ledger = createVtnRequestLedger({
      obligations: {} as ReportObligations,
      nextId: (prefix) => `${prefix}-1`,
      attached: () => false,
      venID: () => undefined,
      streams: () => ({}) as VtnReports,
      changed: () => undefined,
      save: () => undefined,
    });
    const stored = Array.from({ length: MAX_WITHDRAWN + 44 }, (_, i) => `vrr-${i}`);
    ledger.load({ accepted: ['vrr-299'], owed: ['vrr-298'], withdrawn: stored });
    const kept = ledger.toJson().withdrawn!;
    // The accepted and the owed request are not withdrawn ones; of the rest, the newest MAX_WITHDRAWN.
    expect(kept).toEqual(stored.slice(0, -2).slice(-MAX_WITHDRAWN));
    expect(kept).toHaveLength(MAX_WITHDRAWN);
  });
});
