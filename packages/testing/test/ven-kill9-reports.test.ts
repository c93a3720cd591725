import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { MessageOf, OadrMessage } from '@rxadr/core';
import { createHttpMockVtn, createVtnReportSide, type HttpMockVtn, type VtnReportSide } from '@rxadr/testing';
import { createKill9Harness, type Child, type Kill9Test } from './kill9-harness.js';

// A real VEN process with a report capability (the built packages, a real file store and journal)
// against the mock VTN's HTTP front door on loopback in this process. The VTN fails the one
// report message under test with HTTP 503 until the VEN is killed with SIGKILL; then the VEN is
// restarted on the same files and the VTN answers. The owed message must arrive again, once.
const script = fileURLToPath(new URL('./fixtures/ledger-reports-child.mjs', import.meta.url));
const harness = createKill9Harness('kill9-reports');
afterAll(() => harness.afterAll(20));

const SPECIFIER = 'telemetry-usage';
const POWER = 'meter-1/powerReal';
const HOUR = 3_600_000;
const { waitFor, journal } = harness;

async function setup(t: Kill9Test): Promise<{ vtn: HttpMockVtn; side: VtnReportSide; run: (statePath: string) => Child }> {
  const vtn = t.track(await createHttpMockVtn({ pollFrequency: 'PT1S' }));
  const side = createVtnReportSide();
  vtn.model.reports = side;
  return { vtn, side, run: (statePath) => t.runChild(script, [vtn.url, statePath]) };
}

const failing = (vtn: HttpMockVtn, type: OadrMessage['type']) => vtn.faults.inject({ kind: 'http-status', status: 503 }, { service: 'EiReport', type, forMs: HOUR });
/** Every message of `type` the VTN received (attempts it failed too). */
const received = <T extends OadrMessage['type']>(vtn: HttpMockVtn, type: T) => vtn.recorder.messages(type);
/** The messages of `type` the VTN took: received without an injected fault. */
const accepted = <T extends OadrMessage['type']>(vtn: HttpMockVtn, type: T) =>
  vtn.recorder.requests.filter((r) => r.message?.type === type && r.fault === undefined && r.rejected === undefined).map((r) => r.message as Extract<OadrMessage, { type: T }>);
/** Index of the first recorded request matching `match`, or -1. */
const indexOf = (vtn: HttpMockVtn, match: (m: OadrMessage) => boolean) => vtn.recorder.requests.findIndex((r) => r.message !== undefined && r.fault === undefined && match(r.message));
/** True once the VTN received a poll after the request at `index`: every record due before it was sent first (rule 64). */
const polledAfter = (vtn: HttpMockVtn, index: number) => index >= 0 && vtn.recorder.requests.slice(index + 1).some((r) => r.message?.type === 'oadrPoll');
const settledLines = (child: Child, kind: string) => child.lines.filter((l) => l['kind'] === kind && l['state'] === 'settled');
const lastCounters = (child: Child) => [...child.lines].reverse().find((l) => l['counters'] !== undefined)?.['counters'] as { pending: number } | undefined;
const polling = (child: Child) => child.lines.some((l) => l['status'] === 'polling');
const venIDOf = (vtn: HttpMockVtn): string => vtn.model.registered()[0]!.venID;

/** Waits for a poll the VTN receives from now on: anything still due was sent before it. */
async function aPollFromNow(vtn: HttpMockVtn, child: Child): Promise<void> {
  const mark = vtn.recorder.requests.length;
  await waitFor('a poll', () => vtn.recorder.requests.slice(mark).some((r) => r.message?.type === 'oadrPoll'), child);
}

/** Kills the child once its journal holds a record of `kind`; then the VTN answers again and keeps nothing from before. */
async function killOwing(child: Child, vtn: HttpMockVtn, statePath: string, kind: string): Promise<void> {
  await waitFor(`the ${kind} record in the journal`, () => journal(statePath).includes(`"kind":"${kind}"`), child);
  await child.kill();
  vtn.faults.clear();
  harness.collect(vtn);
  vtn.recorder.clear();
}

describe.concurrent('kill -9 while a report message is owed (real process, real files, loopback HTTP)', () => {
  it('register-report: the METADATA oadrRegisterReport owed at the kill is offered again after the restart and taken once', async ({ onTestFinished }) => {
    const { vtn, run } = await setup(harness.test(onTestFinished));
    const statePath = join(harness.dir, 'register-report.json');
    failing(vtn, 'oadrRegisterReport');
    const first = run(statePath);
    await waitFor('registration', () => polling(first), first);
    await waitFor('failed METADATA attempts', () => received(vtn, 'oadrRegisterReport').length >= 2, first);
    const owed = received(vtn, 'oadrRegisterReport')[0]!;
    expect(accepted(vtn, 'oadrRegisterReport')).toEqual([]);
    await killOwing(first, vtn, statePath, 'register-report');

    const second = run(statePath);
    await waitFor('the METADATA again, then a poll', () => polledAfter(vtn, indexOf(vtn, (m) => m.type === 'oadrRegisterReport')), second);
    await waitFor('nothing owed', () => lastCounters(second)?.pending === 0, second);
    await aPollFromNow(vtn, second);
    expect(second.lines.find((l) => l['started'])).toMatchObject({ pending: [{ kind: 'register-report', requestID: owed.requestID }] });
    const offers = accepted(vtn, 'oadrRegisterReport');
    expect(offers).toHaveLength(1);
    expect(offers[0]).toEqual(owed);
    expect(settledLines(second, 'register-report')).toHaveLength(1);
    await second.kill();
  });
  it('created-report: the oadrCreatedReport owed at the kill is sent again, the same, once; the request it answers survives', async ({ onTestFinished }) => {
    const { vtn, side, run } = await setup(harness.test(onTestFinished));
    const statePath = join(harness.dir, 'created-report.json');
    const first = run(statePath);
    await waitFor('registration and METADATA', () => polling(first) && settledLines(first, 'register-report').length >= 1, first);
    failing(vtn, 'oadrCreatedReport');
    // An hourly report: no data falls due during the test, so only the answer is owed.
    const requestID = side.requestReport(venIDOf(vtn), { reportRequestID: 'rr-created', reportSpecifierID: SPECIFIER, rIDs: [POWER], granularity: 'PT1H', reportBackDuration: 'PT1H' });
    await waitFor('failed attempts of the answer', () => received(vtn, 'oadrCreatedReport').length >= 2, first);
    const owed = received(vtn, 'oadrCreatedReport')[0]!;
    expect(owed).toMatchObject({ eiResponse: { requestID, responseCode: '200' }, oadrPendingReports: ['rr-created'] });
    await killOwing(first, vtn, statePath, 'created-report');

    const second = run(statePath);
    await waitFor('the answer again, then a poll', () => polledAfter(vtn, indexOf(vtn, (m) => m.type === 'oadrCreatedReport')), second);
    await waitFor('nothing owed', () => lastCounters(second)?.pending === 0, second);
    await aPollFromNow(vtn, second);
    expect(second.lines.find((l) => l['started'])).toMatchObject({ pending: [{ kind: 'created-report', requestID }], reportRequests: ['rr-created'] });
    expect(accepted(vtn, 'oadrCreatedReport')).toEqual([owed]);
    expect(received(vtn, 'oadrCreatedReport')).toEqual([owed]);
    expect(settledLines(second, 'created-report')).toHaveLength(1);
    await second.kill();
  });

  it('canceled-report: the oadrCanceledReport owed at the kill is sent again, the same, once; the cancelled request stays ended', async ({ onTestFinished }) => {
    const { vtn, side, run } = await setup(harness.test(onTestFinished));
    const statePath = join(harness.dir, 'canceled-report.json');
    const first = run(statePath);
    await waitFor('registration and METADATA', () => polling(first) && settledLines(first, 'register-report').length >= 1, first);
    side.requestReport(venIDOf(vtn), { reportRequestID: 'rr-cancel', reportSpecifierID: SPECIFIER, rIDs: [POWER], granularity: 'PT1H', reportBackDuration: 'PT1H' });
    await waitFor('the request answered', () => settledLines(first, 'created-report').length >= 1, first);
    failing(vtn, 'oadrCanceledReport');
    const requestID = side.cancelReport(venIDOf(vtn), ['rr-cancel'], false);
    await waitFor('failed attempts of the answer', () => received(vtn, 'oadrCanceledReport').length >= 2, first);
    const owed = received(vtn, 'oadrCanceledReport')[0]!;
    expect(owed).toMatchObject({ eiResponse: { requestID, responseCode: '200' } });
    expect(owed.oadrPendingReports ?? []).toEqual([]);
    await killOwing(first, vtn, statePath, 'canceled-report');

    const second = run(statePath);
    await waitFor('the answer again, then a poll', () => polledAfter(vtn, indexOf(vtn, (m) => m.type === 'oadrCanceledReport')), second);
    await waitFor('nothing owed', () => lastCounters(second)?.pending === 0, second);
    await aPollFromNow(vtn, second);
    expect(second.lines.find((l) => l['started'])).toMatchObject({ pending: [{ kind: 'canceled-report', requestID }], reportRequests: [] });
    expect(accepted(vtn, 'oadrCanceledReport')).toEqual([owed]);
    expect(received(vtn, 'oadrCanceledReport')).toEqual([owed]);
    expect(settledLines(second, 'canceled-report')).toHaveLength(1);
    expect(received(vtn, 'oadrCreatedReport')).toEqual([]);
    await second.kill();
  });

  it('report-delivery: every oadrUpdateReport owed at the kill is sent again, the same, once; no interval is lost or sent twice', async ({ onTestFinished }) => {
    const { vtn, side, run } = await setup(harness.test(onTestFinished));
    const statePath = join(harness.dir, 'report-delivery.json');
    const RR = 'rr-data';
    side.embedOnRegister({ reportRequestID: RR, reportSpecifierID: SPECIFIER, rIDs: [POWER], granularity: 'PT1S', reportBackDuration: 'PT1S' });
    const first = run(statePath);
    await waitFor('a delivery taken', () => settledLines(first, 'report-delivery').length >= 1, first);
    failing(vtn, 'oadrUpdateReport');
    const owedAtKill = () => unsettled(first);
    await waitFor('two deliveries owed', () => owedAtKill().length >= 2, first);
    await waitFor('the owed deliveries in the journal', () => owedAtKill().every((l) => journal(statePath).includes(`"id":"${String(l['id'])}"`)), first);
    await first.kill();
    const owed = owedAtKill();
    const settledBefore = settledLines(first, 'report-delivery').map((l) => String(l['requestID']));
    const takenBefore = intervalsTaken(vtn, RR);
    // What the VTN saw of each owed delivery: its failed attempts, all the same message.
    const attempts = new Map(owed.map((l) => [String(l['requestID']), received(vtn, 'oadrUpdateReport').filter((m) => m.requestID === l['requestID'])]));
    vtn.faults.clear();
    harness.collect(vtn);
    vtn.recorder.clear();

    const restartedAt = Date.now();
    const second = run(statePath);
    const fresh = (l: Record<string, unknown>) => ((l['intervals'] as Interval[] | undefined) ?? []).some((i) => Date.parse(i.start) >= restartedAt);
    await waitFor('the owed deliveries, then one sampled after the restart, taken', () => settledLines(second, 'report-delivery').some((s) => second.lines.some((l) => l['id'] === s['id'] && fresh(l))), second);
    await aPollFromNow(vtn, second);

    expect(second.lines.find((l) => l['started'])).toMatchObject({ pending: owed.map((l) => ({ kind: 'report-delivery', requestID: l['requestID'] })), reportRequests: [RR] });
    // Each owed oadrUpdateReport arrives again with the same identities and data, and is taken once. Deliveries
    // leave in order, so only the oldest was tried before the kill: every attempt of it was this same message.
    expect(attempts.get(String(owed[0]!['requestID']))!.length).toBeGreaterThanOrEqual(1);
    for (const l of owed) {
      const id = String(l['requestID']);
      const after = accepted(vtn, 'oadrUpdateReport').filter((m) => m.requestID === id);
      expect(after).toHaveLength(1);
      expect(intervalsIn(after[0]!, RR)).toEqual(l['intervals']);
      for (const attempt of attempts.get(id)!) expect(after[0]).toEqual(attempt);
    }
    // A delivery taken before the kill is not sent again.
    expect(received(vtn, 'oadrUpdateReport').filter((m) => settledBefore.includes(m.requestID))).toEqual([]);
    // The intervals the VTN took, before and after the kill, are exactly the ones the VEN sampled and owed
    // (each once, with its value), one a second. The only ones missing ended while no VEN ran: without any
    // sample they are not sent after the restart (no "No Value" backlog, §5.4).
    const taken = [...takenBefore, ...intervalsTaken(vtn, RR)];
    const sampled = new Map<string, Interval>();
    for (const l of [...first.lines, ...second.lines]) {
      for (const i of (l['intervals'] as Interval[] | undefined) ?? []) {
        expect(sampled.has(i.start), `interval ${i.start} owed twice`).toBe(false);
        sampled.set(i.start, i);
      }
    }
    const starts = taken.map((i) => i.start);
    expect(new Set(starts).size).toBe(starts.length);
    const lastBeforeKill = Math.max(...first.lines.flatMap((l) => ((l['intervals'] as Interval[] | undefined) ?? []).map((i) => Date.parse(i.start))));
    const secondStartedAt = Number(second.lines.find((l) => l['started'])!['at']);
    const missing = starts.slice(1).flatMap((s, k) => {
      const gap: number[] = [];
      for (let t = Date.parse(starts[k]!) + 1_000; t < Date.parse(s); t += 1_000) gap.push(t);
      return gap;
    });
    expect(missing.filter((t) => !(t > lastBeforeKill && t + 1_000 <= secondStartedAt)).map((t) => new Date(t).toISOString())).toEqual([]);
    expect(starts.every((s) => (Date.parse(s) - Date.parse(starts[0]!)) % 1_000 === 0)).toBe(true);
    expect(taken).toEqual(starts.map((s) => sampled.get(s)));
    const delivered = new Set([...settledLines(first, 'report-delivery'), ...settledLines(second, 'report-delivery')].map((l) => String(l['id'])));
    const owedIntervals = [...first.lines, ...second.lines].filter((l) => l['intervals'] !== undefined && delivered.has(String(l['id']))).flatMap((l) => l['intervals'] as Interval[]);
    expect(owedIntervals.map((i) => i.start).sort()).toEqual(starts);
    await second.kill();
  });
});

interface Interval {
  readonly reportRequestID: string;
  readonly start: string;
  readonly values: readonly (number | null)[];
}

/** Deliveries the child owed (a new record) and never saw settled. */
const unsettled = (child: Child) => {
  const settled = new Set(settledLines(child, 'report-delivery').map((l) => l['id']));
  return child.lines.filter((l) => l['kind'] === 'report-delivery' && l['previous'] === null && !settled.has(l['id']));
};

/** The intervals of `reportRequestID` in one oadrUpdateReport, as the child prints them. */
const intervalsIn = (message: MessageOf<'oadrUpdateReport'>, reportRequestID: string): Interval[] =>
  (message.oadrReport ?? [])
    .filter((r) => r.reportRequestID === reportRequestID)
    .flatMap((r) =>
      (r.intervals ?? []).map((i) => ({
        reportRequestID,
        start: (i.dtstart ?? r.dtstart)!.toISOString(),
        values: i.streamPayloadBase.map((p) => (p.type === 'oadrReportPayload' && p.payloadBase.type === 'payloadFloat' ? p.payloadBase.value : null)),
      })),
    );

/** The intervals of `reportRequestID` in the oadrUpdateReports the VTN took, in arrival order. */
const intervalsTaken = (vtn: HttpMockVtn, reportRequestID: string): Interval[] => accepted(vtn, 'oadrUpdateReport').flatMap((m) => intervalsIn(m, reportRequestID));
