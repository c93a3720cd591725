import { afterAll, describe, expect, it } from 'vitest';
import { BehaviorSubject } from 'rxjs';
import { createVirtualClock } from '@rxadr/testing';
import {
  Duration,
  ReportError,
  TransportError,
  createReports,
  telemetryUsage,
  type DroppedDelivery,
  type Ledger,
  createLedger,
  createMemoryJournal,
  DEFAULT_RETRY_POLICY,
  type OadrMessage,
  type ReportError as ReportErrorType,
  type ReportsOptions,
} from '../src/index.js';
import { assertSchemaValid, createTestHost, okAnswer, requireSchema } from './report-helpers.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60_000;
const messages: OadrMessage[] = [];

afterAll(async () => {
  if (requireSchema) await assertSchemaValid(messages);
});

function setup(options: Omit<ReportsOptions, 'reports'> = {}, answer: (m: OadrMessage) => OadrMessage | undefined = okAnswer, lend: { readonly ledger?: Ledger } = {}) {
  const clock = createVirtualClock(T0);
  const power$ = new BehaviorSubject(5);
  const capabilities = () => [telemetryUsage({ resourceId: 'm', rID: 'p', reportSpecifierID: 'usage', measurement: 'powerReal', readings$: power$, samplingRate: { min: 'PT1S', max: 'PT1H' } })];
  const reports = createReports({ random: () => 0.5, ...options, reports: capabilities() });
  const host = createTestHost(clock, answer, 'VEN-1', lend);
  const errors: ReportErrorType[] = [];
  const dropped: DroppedDelivery[] = [];
  reports.errors$.subscribe((e) => errors.push(e));
  reports.dropped$.subscribe((d) => dropped.push(d));
  const attachment = reports.attach(host);
  const context = () => ({ venID: 'VEN-1', now: new Date(clock.now()) });
  const request = (id: string, back = 'PT1M') => {
    const out = reports.handle(
      {
        type: 'oadrCreateReport',
        requestID: `cr-${id}`,
        oadrReportRequest: [{ reportRequestID: id, reportSpecifier: { reportSpecifierID: 'usage', granularity: Duration.parse('PT1M')!, reportBackDuration: Duration.parse(back)!, specifierPayload: [{ rID: 'p', readingType: 'x-notApplicable' }] } }],
      },
      context(),
    );
    messages.push(...out);
    return out;
  };
  return { clock, reports, host, errors, dropped, attachment, context, request, capabilities, power$ };
}

describe('createReports options', () => {
  const table: Array<[ReportsOptions, RegExp]> = [
    [{ bufferLimit: 10 } as never, /obligations ledger, bounded by createVen/],
    [{ retry: { jitter: 2 } }, /retry.jitter/],
    [{ retry: { initialMs: 0 } }, /retry.initialMs/],
    [{ retry: { initialMs: 10_000, maxMs: 1_000 } }, /retry.maxMs/],
    [{ missingReading: { value: 0, quality: 'Quite bad' as never } }, /oadrDataQuality/],
    [{ reports: [{} as never] }, /reports\[0\] is not a report capability/],
  ];
  for (const [options, message] of table) {
    it(`refuses ${JSON.stringify(options)}`, () => {
      expect(() => createReports(options)).toThrow(ReportError);
      expect(() => createReports(options)).toThrow(message);
    });
  }
  it('one module per VEN', () => {
    const { reports, clock } = setup();
    expect(() => reports.attach(createTestHost(clock, okAnswer))).toThrow(/already attached/);
  });
});

describe('the module on its own host', () => {
  it('persists pending requests in its slot and the owed messages in the lent ledger; both resume on the next attach', () => {
    const down = { value: true };
    const journal = createMemoryJournal();
    const ledgerOn = (clock: Parameters<typeof createLedger>[0]['scheduler']) => createLedger({ scheduler: clock, policy: { ...DEFAULT_RETRY_POLICY, jitter: 0 }, random: () => 0.5, journal });
    const clock = createVirtualClock(T0);
    const first = setup({}, (m) => {
      if (down.value) throw new TransportError('connect', 'down');
      return okAnswer(m);
    }, { ledger: ledgerOn(clock) });
    expect(first.request('rr-1')).toEqual([]); // owed through the ledger, not handed back
    first.clock.advanceBy(3 * MIN);
    first.attachment.unsubscribe();
    const slot = first.host.slot as { requests: unknown[]; deliveries?: unknown[]; held?: unknown[] };
    expect(JSON.parse(JSON.stringify(slot))).toEqual(slot);
    expect(slot.requests).toHaveLength(1);
    // The owed messages are not in the slot: they are ledger records in its journal (oadrCreatedReport + 3 reports).
    expect(slot.deliveries).toBeUndefined();
    expect(slot.held).toBeUndefined();
    const records = [...journal.entries.values()].filter((v) => typeof v === 'object' && v !== null && 'kind' in v) as Array<{ kind: string }>;
    expect(records.map((r) => r.kind)).toEqual(['register-report', 'created-report', 'report-delivery', 'report-delivery', 'report-delivery']);

    const second = createReports({ random: () => 0.5, reports: first.capabilities() });
    down.value = false;
    const host = createTestHost(first.clock, okAnswer, 'VEN-1', { ledger: ledgerOn(first.clock) });
    host.slot = first.host.slot;
    const attachment = second.attach(host);
    expect(second.pending().map((p) => p.reportRequestID)).toEqual(['rr-1']);
    first.clock.advanceBy(0);
    // Everything owed goes out once, in order, with the same identities; METADATA is offered again on resuming (§5.3 step 1).
    const label = (m: OadrMessage) => (m.type === 'oadrUpdateReport' ? m.oadrReport?.[0]?.dtstart?.getTime() : m.type);
    expect(host.sent.map(label)).toEqual(['oadrCreatedReport', T0, T0 + MIN, T0 + 2 * MIN, 'oadrRegisterReport']);
    first.clock.advanceBy(MIN);
    expect(second.stats()).toMatchObject({ delivered: 4, pending: 1, buffered: 0 });
    messages.push(...host.sent);
    attachment.unsubscribe();
    expect(first.clock.pending).toBe(0);
  });

  it('an unreadable slot is reported and ignored, never half-applied', () => {
    const clock = createVirtualClock(T0);
    const reports = createReports({});
    const errors: ReportErrorType[] = [];
    reports.errors$.subscribe((e) => errors.push(e));
    const host = createTestHost(clock, okAnswer);
    host.slot = { version: 1, venID: 'VEN-1', seq: 3, requests: [{ reportRequestID: 'x' }], deliveries: [], counters: {} };
    reports.attach(host).unsubscribe();
    expect(errors.map((e) => [e.code, e.message])).toEqual([['state', expect.stringMatching(/requests\[0\]/)]]);
    expect(reports.pending()).toEqual([]);
  });

  it('a persisted request for a report no longer offered is dropped with an error', () => {
    const first = setup();
    first.request('rr-1');
    first.attachment.unsubscribe();
    const other = createReports({ reports: [telemetryUsage({ resourceId: 'm', rID: 'other', reportSpecifierID: 'usage', measurement: 'powerReal', readings$: first.power$, samplingRate: { min: 'PT1S', max: 'PT1H' } })] });
    const errors: ReportErrorType[] = [];
    other.errors$.subscribe((e) => errors.push(e));
    const host = createTestHost(first.clock, okAnswer);
    host.slot = first.host.slot;
    other.attach(host).unsubscribe();
    expect(errors.map((e) => e.code)).toEqual(['state']);
    expect(other.pending()).toEqual([]);
  });

  it('a registration under another venID, or its end, drops requests and waiting reports, counted', () => {
    const t = setup({}, () => {
      throw new TransportError('timeout', 'slow');
    });
    t.request('rr-1');
    t.clock.advanceBy(2 * MIN);
    // Attached, the module owes its METADATA through the ledger instead of handing it to the engine.
    expect(t.reports.registered({ venID: 'VEN-2', now: new Date(t.clock.now()) })).toEqual([]);
    expect(t.reports.pending()).toEqual([]);
    // A fresh registration starts with no requests: their waiting reports are not sent (counted droppedRequestEnded).
    expect(t.dropped.map((d) => d.reason)).toEqual(['request-ended', 'request-ended']);
    expect(t.reports.stats()).toMatchObject({ droppedRequestEnded: 2, buffered: 0, pending: 0 });
    t.request('rr-2');
    t.clock.advanceBy(MIN);
    t.reports.registrationEnded();
    expect(t.reports.pending()).toEqual([]);
    expect(t.reports.stats()).toMatchObject({ droppedRequestEnded: 2, droppedRegistrationEnded: 1, buffered: 0 });
    t.attachment.unsubscribe();
  });

  it('what is not delivered is kept and retried; an OpenADR 4xx refusal is terminal: counted rejected, on errors$ with its code', () => {
    let mode: 'http-400' | '5xx' | 'refuse' | 'ok' = 'http-400';
    const t = setup({ retry: { initialMs: 1000, maxMs: 1000, jitter: 0 } }, (m) => {
      if (mode === 'http-400') throw new TransportError('http-status', 'bad request', { status: 400 });
      if (m.type !== 'oadrUpdateReport' || mode === 'ok') return okAnswer(m);
      const code = mode === '5xx' ? '500' : '452';
      return { type: 'oadrUpdatedReport', eiResponse: { responseCode: code, responseDescription: 'no', requestID: m.requestID } };
    });
    t.request('rr-1');
    t.clock.advanceBy(MIN);
    expect(t.reports.stats()).toMatchObject({ rejected: 0, delivered: 0, buffered: 1 });
    mode = '5xx';
    t.clock.advanceBy(MIN);
    expect(t.reports.stats()).toMatchObject({ rejected: 0, delivered: 0, buffered: 2 });
    mode = 'refuse';
    t.clock.advanceBy(1000);
    expect(t.reports.stats()).toMatchObject({ rejected: 2, delivered: 0, buffered: 0 });
    expect(t.errors.map((e) => [e.code, e.responseCode, e.reportRequestID])).toEqual([
      ['rejected', '452', 'rr-1'],
      ['rejected', '452', 'rr-1'],
    ]);
    expect(t.dropped.map((d) => [d.reason, d.responseCode])).toEqual([
      ['rejected', '452'],
      ['rejected', '452'],
    ]);
    mode = 'ok';
    t.clock.advanceBy(MIN);
    expect(t.reports.stats()).toMatchObject({ rejected: 2, delivered: 1, buffered: 0 });
    t.attachment.unsubscribe();
  });

  it('the stats stream follows every change', () => {
    const t = setup();
    const seen: number[] = [];
    t.reports.stats$.subscribe((s) => seen.push(s.delivered));
    t.request('rr-1');
    t.clock.advanceBy(3 * MIN);
    expect(seen.at(-1)).toBe(3);
    expect(new Set(seen)).toEqual(new Set([0, 1, 2, 3]));
    messages.push(...t.host.sent);
    t.attachment.unsubscribe();
  });

  it('requesting a VTN report needs a running VEN', () => {
    const reports = createReports({});
    let failure: unknown;
    reports.requestVtnReport({ reportSpecifierID: 'x', rIDs: ['a'], granularity: 'PT1H', reportBackDuration: 'PT1H' }).subscribe({ error: (e: unknown) => (failure = e) });
    expect(failure).toMatchObject({ code: 'not-attached' });
    expect(() => reports.requestVtnReport({ reportSpecifierID: 'x', granularity: 'PT1H', reportBackDuration: 'PT1H' })).toThrow(/give rIDs/);
    expect(() => reports.requestVtnReport({ reportSpecifierID: 'x', rIDs: ['a'], granularity: 'hourly', reportBackDuration: 'PT1H' })).toThrow(/granularity/);
  });
});
