import { describe, expect, it } from 'vitest';
import { NEVER, Subject, of, throwError, type Observable } from 'rxjs';
import { createVirtualClock } from '@rxadr/testing';
import { historyUsage, message, telemetryStatus, telemetryUsage, type HistoryPoint, type Reading, type ReportCapability, type ReportError, type StatusReading } from '../src/index.js';
import { createReportCatalog, dataReport, sampleRequest, type RequestRecord, type SampledWindow } from '../src/engine.js';
import { createLiveReadings } from '../src/reports/live-readings.js';
import { assertSchemaValid, requireSchema } from './report-helpers.js';
import { requestRecord } from './request-record.js';

const S = Date.parse('2026-01-01T12:00:00Z');
const MIN = 60_000;

const record = (fields: Partial<RequestRecord>): RequestRecord =>
  requestRecord(S, { reportRequestID: 'rr-1', reportSpecifierID: 'usage', rIDs: ['power', 'energy'], ...fields });

/** Runs a sampler for the points on a fresh clock at S; returns the clock, the windows and errors. */
function run(points: ReportCapability[], r: RequestRecord, end$: Observable<number> = NEVER, start = S) {
  const clock = createVirtualClock(start);
  const errors: ReportError[] = [];
  const live = createLiveReadings(points, (e) => errors.push(e));
  const connection = live.connect();
  const windows: SampledWindow[] = [];
  let completed = false;
  const sub = sampleRequest(r, { scheduler: clock, points, live, end$, onError: (e) => errors.push(e) }).subscribe({ next: (w) => windows.push(w), complete: () => (completed = true) });
  return {
    clock,
    windows,
    errors,
    get completed() {
      return completed;
    },
    stop: () => (sub.unsubscribe(), connection.unsubscribe()),
  };
}

const values = (w: SampledWindow | undefined) => w?.intervals.map((iv) => iv.readings);
const spans = (w: SampledWindow | undefined) => w?.intervals.map((iv) => [(iv.startMs - S) / MIN, iv.endMs === undefined ? undefined : (iv.endMs - S) / MIN]);

function usagePoints(power$: Observable<Reading>, energy$: Observable<Reading>): ReportCapability[] {
  return [
    telemetryUsage({ resourceId: 'm', rID: 'power', reportSpecifierID: 'usage', measurement: 'powerReal', readings$: power$, samplingRate: { min: 'PT1S', max: 'PT1H' } }),
    telemetryUsage({ resourceId: 'm', rID: 'energy', reportSpecifierID: 'usage', measurement: 'energyReal', readings$: energy$, samplingRate: { min: 'PT1S', max: 'PT1H' } }),
  ];
}

describe('sampleRequest on virtual time (§5.4, §5.5)', () => {
  it('PT1M/PT5M: every 5 minutes five one-minute intervals, each the latest reading at its end; missing before the first', () => {
    const power$ = new Subject<Reading>();
    const energy$ = new Subject<Reading>();
    const t = run(usagePoints(power$, energy$), record({}));
    t.clock.advanceBy(90_000); // 12:01:30
    power$.next(40);
    t.clock.advanceBy(60_000); // 12:02:30
    power$.next(41);
    energy$.next({ value: 1000, quality: 'Quality Good - Non Specific', confidence: 90 });
    t.clock.advanceTo(S + 5 * MIN - 1);
    expect(t.windows).toHaveLength(0);
    t.clock.advanceTo(S + 5 * MIN);
    expect(t.windows).toHaveLength(1);
    expect(spans(t.windows[0])).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
    const e = { value: 1000, quality: 'Quality Good - Non Specific', confidence: 90 };
    expect(values(t.windows[0])).toEqual([
      [undefined, undefined],
      [40, undefined], // the latest reading at 12:02, the end of [12:01, 12:02)
      [41, e],
      [41, e],
      [41, e],
    ]);
    expect(t.windows[0]).toMatchObject({ fromMs: S, toMs: S + 5 * MIN, atMs: S + 5 * MIN, final: false });
    t.clock.advanceTo(S + 60 * MIN);
    expect(t.windows).toHaveLength(12);
    expect(t.windows.every((w, i) => w.fromMs === S + 5 * MIN * i && w.toMs === w.fromMs + 5 * MIN && w.intervals.length === 5)).toBe(true);
    t.stop();
    expect(t.clock.pending).toBe(0);
  });

  it('PT2S/PT2S: one interval every two seconds', () => {
    const power$ = new Subject<Reading>();
    const t = run(usagePoints(power$, of(7)), record({ granularityMs: 2000, reportBackMs: 2000 }));
    power$.next(1);
    t.clock.advanceBy(2000);
    power$.next(2);
    t.clock.advanceBy(4000);
    expect(t.windows.map((w) => [(w.fromMs - S) / 1000, (w.toMs - S) / 1000, w.intervals.length])).toEqual([
      [0, 2, 1],
      [2, 4, 1],
      [4, 6, 1],
    ]);
    expect(t.windows.map(values)).toEqual([[[1, 7]], [[2, 7]], [[2, 7]]]);
    t.stop();
  });

  it('a future reportInterval: nothing before the start, the last report at the end, then complete', () => {
    const t = run(usagePoints(of(5), of(6)), record({ startMs: S + 30 * MIN, endMs: S + 40 * MIN }));
    t.clock.advanceTo(S + 35 * MIN - 1);
    expect(t.windows).toHaveLength(0);
    t.clock.advanceTo(S + 2 * 60 * MIN);
    expect(t.windows.map((w) => [(w.fromMs - S) / MIN, (w.toMs - S) / MIN, w.final])).toEqual([
      [30, 35, false],
      [35, 40, true],
    ]);
    expect(t.completed).toBe(true);
    expect(t.clock.pending).toBe(0);
  });

  it('one-shot: one point-in-time report with the current values, then complete', () => {
    const t = run(usagePoints(of(5), NEVER), record({ shape: 'one-shot', granularityMs: 0, reportBackMs: 0 }));
    t.clock.advanceBy(0);
    expect(t.windows).toHaveLength(1);
    expect(t.windows[0]).toMatchObject({ fromMs: S, toMs: S, final: true });
    expect(spans(t.windows[0])).toEqual([[0, undefined]]);
    expect(values(t.windows[0])).toEqual([[5, undefined]]);
    expect(t.completed).toBe(true);
  });

  it('reportToFollow: the final report carries the data so far, its last interval cut at the cancel', () => {
    const end$ = new Subject<number>();
    const t = run(usagePoints(of(5), of(6)), record({}), end$);
    t.clock.advanceTo(S + 7.5 * MIN);
    end$.next(S + 7.5 * MIN);
    t.clock.advanceBy(0);
    expect(t.windows.map((w) => [(w.fromMs - S) / MIN, (w.toMs - S) / MIN, w.final])).toEqual([
      [0, 5, false],
      [5, 7.5, true],
    ]);
    expect(spans(t.windows[1])).toEqual([[5, 6], [6, 7], [7, 7.5]]);
    expect(values(t.windows[1])?.[2]).toEqual([5, 6]);
    expect(t.completed).toBe(true);
  });

  it('after a restart the missed windows without any data are not sent; the next one carries what exists, the missed interval flagged', () => {
    const t = run(usagePoints(of(5), of(6)), record({ cursorMs: S }), NEVER, S + 12 * MIN);
    t.clock.advanceBy(0);
    // [0,5) and [5,10) fell due while stopped and hold no sample: no "No Value" flood (§5.4 backlog).
    expect(t.windows).toEqual([]);
    t.clock.advanceTo(S + 15 * MIN);
    // [10,11) ended while stopped; [11,12) ends at the restart instant and is sampled then.
    expect(t.windows.map((w) => [(w.fromMs - S) / MIN, (w.toMs - S) / MIN])).toEqual([[10, 15]]);
    expect(values(t.windows[0])).toEqual([[undefined, undefined], [5, 6], [5, 6], [5, 6], [5, 6]]);
    t.stop();
  });

  it('a periodic request whose dtstart is a day in the past: no backlog of empty intervals, the first delivery is the current period', () => {
    const dayAgo = S - 24 * 60 * MIN;
    const t = run(usagePoints(of(5), of(6)), record({ startMs: dayAgo, cursorMs: dayAgo, receivedMs: S, granularityMs: MIN, reportBackMs: MIN }));
    t.clock.advanceBy(0);
    // 1,439 overdue periods hold no sample and are not sent; the one ending now is sampled now and goes out.
    expect(t.windows.map((w) => [(w.fromMs - S) / MIN, (w.toMs - S) / MIN])).toEqual([[-1, 0]]);
    expect(values(t.windows[0])).toEqual([[5, 6]]);
    t.clock.advanceTo(S + 3 * MIN);
    expect(t.windows.map((w) => [(w.fromMs - S) / MIN, (w.toMs - S) / MIN])).toEqual([
      [-1, 0],
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    t.stop();
  });

  it('a backlog the history source can fill goes out one reportBackDuration per delivery beside the current one, in order, without gap', () => {
    const points = [
      historyUsage({ resourceId: 'm', rID: 'kwh', reportSpecifierID: 'history', measurement: 'energyReal', samplingRate: { min: 'PT15M', max: 'P1D' }, query: (from: Date) => [{ at: from, value: (from.getTime() - S) / MIN }] }),
    ];
    const start = S - 60 * MIN;
    const t = run(points, record({ reportSpecifierID: 'history', rIDs: ['kwh'], startMs: start, cursorMs: start, receivedMs: S, granularityMs: 15 * MIN, reportBackMs: 15 * MIN }));
    t.clock.advanceBy(0);
    // Four periods are overdue: two go out now, then two per period until caught up.
    expect(t.windows.map((w) => (w.fromMs - S) / MIN)).toEqual([-60, -45]);
    t.clock.advanceTo(S + 15 * MIN);
    expect(t.windows.map((w) => (w.fromMs - S) / MIN)).toEqual([-60, -45, -30, -15]);
    t.clock.advanceTo(S + 30 * MIN);
    expect(t.windows.map((w) => (w.fromMs - S) / MIN)).toEqual([-60, -45, -30, -15, 0, 15]);
    expect(t.windows.every((w, i) => i === 0 || w.fromMs === t.windows[i - 1]!.toMs)).toBe(true);
    expect(t.windows.map((w) => values(w)?.[0]?.[0])).toEqual([{ at: new Date(S - 60 * MIN), value: -60 }, { at: new Date(S - 45 * MIN), value: -45 }, { at: new Date(S - 30 * MIN), value: -30 }, { at: new Date(S - 15 * MIN), value: -15 }, { at: new Date(S), value: 0 }, { at: new Date(S + 15 * MIN), value: 15 }]);
    t.stop();
  });

  it('a live reading older than the oadrMaxPeriod when sampled is flagged stale (No New Value - Previous Value Used)', () => {
    const power$ = new Subject<Reading>();
    const points = [telemetryUsage({ resourceId: 'm', rID: 'power', reportSpecifierID: 'usage', measurement: 'powerReal', readings$: power$, samplingRate: { min: 'PT1M', max: 'PT2M' } })];
    const clock = createVirtualClock(S);
    const live = createLiveReadings(points, () => undefined);
    const connection = live.connect(() => clock.now());
    const windows: SampledWindow[] = [];
    const sub = sampleRequest(record({ rIDs: ['power'] }), { scheduler: clock, points, live, end$: NEVER, onError: () => undefined }).subscribe((w) => windows.push(w));
    power$.next(7);
    clock.advanceTo(S + 5 * MIN);
    expect(values(windows[0])?.map((row) => row[0])).toEqual([7, 7, { value: 7, quality: 'No New Value - Previous Value Used' }, { value: 7, quality: 'No New Value - Previous Value Used' }, { value: 7, quality: 'No New Value - Previous Value Used' }]);
    const report = dataReport(windows[0]!, { eiReportID: 'r', reportSpecifierID: 'usage', reportName: 'TELEMETRY_USAGE' });
    const payload = report.intervals?.[4]?.streamPayloadBase[0];
    expect(payload).toMatchObject({ oadrDataQuality: 'No New Value - Previous Value Used', payloadBase: { value: 7 } });
    sub.unsubscribe();
    connection.unsubscribe();
  });

  it('a failing source is reported once and its values are missing afterwards', () => {
    const power$ = new Subject<Reading>();
    const t = run(usagePoints(power$, of(1)), record({}));
    power$.next(3);
    t.clock.advanceBy(2 * MIN);
    power$.error(new Error('meter unplugged'));
    t.clock.advanceTo(S + 5 * MIN);
    expect(values(t.windows[0])?.map((row) => row[0])).toEqual([3, 3, undefined, undefined, undefined]);
    expect(t.errors.map((e) => e.code)).toEqual(['source']);
    t.stop();
  });
});

describe('on change (TELEMETRY_STATUS, granularity 0)', () => {
  it('records each change not faster than oadrMinPeriod and delivers contiguous stretches every reportBackDuration', () => {
    const status$ = new Subject<StatusReading>();
    const points = [telemetryStatus({ resourceId: 'c', rID: 'status', reportSpecifierID: 'status', status$, samplingRate: { min: 'PT10S', max: 'PT1H' } })];
    status$.next({ online: true });
    const t = run(points, record({ reportSpecifierID: 'status', rIDs: ['status'], granularityMs: 0, reportBackMs: MIN }));
    status$.next({ online: true }); // no change
    t.clock.advanceBy(20_000);
    status$.next({ online: false }); // 12:00:20
    t.clock.advanceBy(1000);
    status$.next({ online: true }); // 12:00:21, within 10 s: held back
    status$.next({ online: true, manualOverride: true }); // the last one of the throttle window wins, at 12:00:30
    t.clock.advanceTo(S + MIN);
    expect(t.windows).toHaveLength(1);
    const w = t.windows[0]!;
    expect(w.intervals.map((iv) => [(iv.startMs - S) / 1000, (iv.endMs! - S) / 1000, (iv.readings[0] as { oadrOnline: boolean; oadrManualOverride: boolean }).oadrOnline])).toEqual([
      [0, 20, true],
      [20, 30, false],
      [30, 60, true],
    ]);
    t.clock.advanceTo(S + 2 * MIN);
    expect(t.windows[1]?.intervals.map((iv) => [(iv.startMs - S) / 1000, (iv.endMs! - S) / 1000, iv.readings[0]])).toEqual([[60, 120, { oadrOnline: true, oadrManualOverride: true }]]);
    t.stop();
  });

  it('a point without any known status is delivered as missing', () => {
    const points = [telemetryStatus({ resourceId: 'c', rID: 'status', reportSpecifierID: 'status', status$: NEVER })];
    const t = run(points, record({ reportSpecifierID: 'status', rIDs: ['status'], granularityMs: 0, reportBackMs: MIN }));
    t.clock.advanceTo(S + MIN);
    expect(values(t.windows[0])).toEqual([[undefined]]);
    t.stop();
  });
});

describe('stored data (HISTORY_USAGE)', () => {
  const query = (from: Date, to: Date): HistoryPoint[] => {
    const out: HistoryPoint[] = [];
    for (let t = from.getTime(); t < to.getTime(); t += 15 * MIN) if (t !== S - 90 * MIN) out.push({ at: new Date(t + 1000), value: (t - from.getTime()) / MIN });
    return out;
  };
  const history = (q: (from: Date, to: Date) => unknown) => [
    historyUsage({ resourceId: 'm', rID: 'kwh', reportSpecifierID: 'history', measurement: 'energyReal', samplingRate: { min: 'PT15M', max: 'P1D' }, query: q as never }),
  ];

  it('covers exactly the window at the requested granularity; an interval without data is missing', async () => {
    const calls: string[] = [];
    const points = history((from, to) => (calls.push(`${from.toISOString()} ${to.toISOString()}`), Promise.resolve(query(from, to))));
    const t = run(points, record({ shape: 'historical', reportSpecifierID: 'history', rIDs: ['kwh'], granularityMs: 15 * MIN, reportBackMs: 0, startMs: S - 120 * MIN, endMs: S - 60 * MIN }));
    t.clock.advanceBy(0);
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toEqual(['2026-01-01T10:00:00.000Z 2026-01-01T11:00:00.000Z']);
    expect(t.windows).toHaveLength(1);
    expect(spans(t.windows[0])).toEqual([[-120, -105], [-105, -90], [-90, -75], [-75, -60]]);
    expect(values(t.windows[0])?.map((row) => (row[0] as HistoryPoint | undefined)?.value)).toEqual([0, 15, undefined, 45]);
    expect(t.completed).toBe(true);
  });

  it('a failing query is reported and its intervals are missing', () => {
    const points = history(() => throwError(() => new Error('db down')));
    const t = run(points, record({ shape: 'historical', reportSpecifierID: 'history', rIDs: ['kwh'], granularityMs: 15 * MIN, reportBackMs: 0, startMs: S - 30 * MIN, endMs: S }));
    t.clock.advanceBy(0);
    expect(values(t.windows[0])).toEqual([[undefined], [undefined]]);
    expect(t.errors.map((e) => e.code)).toEqual(['source']);
  });
});

describe('dataReport (§5.5)', () => {
  const catalog = createReportCatalog(usagePoints(of(1), of(2)));
  const window: SampledWindow = {
    reportRequestID: 'rr-1',
    fromMs: S,
    toMs: S + 2 * MIN,
    atMs: S + 2 * MIN,
    final: false,
    intervals: [
      { startMs: S, endMs: S + MIN, rIDs: ['power', 'energy'], readings: [41.5, { value: 7, quality: 'Quality Good - Non Specific', confidence: 80, accuracy: 0.5 }] },
      { startMs: S + MIN, endMs: S + 2 * MIN, rIDs: ['power', 'energy'], readings: [undefined, { oadrOnline: true, oadrManualOverride: false }] },
    ],
  };
  const report = dataReport(window, { eiReportID: 'rpt-1', reportSpecifierID: 'usage', reportName: 'TELEMETRY_USAGE' });

  it('carries dtstart, duration, intervals with uid and payloads, IDs, the data name and createdDateTime', () => {
    expect(report).toMatchObject({ eiReportID: 'rpt-1', reportRequestID: 'rr-1', reportSpecifierID: 'usage', reportName: 'TELEMETRY_USAGE' });
    expect(report.dtstart?.toISOString()).toBe('2026-01-01T12:00:00.000Z');
    expect(report.duration?.text).toBe('PT2M');
    expect(report.createdDateTime.toISOString()).toBe('2026-01-01T12:02:00.000Z');
    expect(report.intervals?.map((iv) => [iv.uid, iv.duration?.text, iv.streamPayloadBase.length])).toEqual([
      ['0', 'PT1M', 2],
      ['1', 'PT1M', 2],
    ]);
    expect(report.intervals?.[1]?.streamPayloadBase[0]).toEqual({ type: 'oadrReportPayload', rID: 'power', payloadBase: { type: 'payloadFloat', value: 0 }, oadrDataQuality: 'No Quality - No Value' });
    expect(report.intervals?.[0]?.streamPayloadBase[1]).toMatchObject({ confidence: 80, accuracy: 0.5, oadrDataQuality: 'Quality Good - Non Specific' });
    expect(catalog.reports).toHaveLength(1);
  });

  it.runIf(requireSchema)('is schema-valid inside oadrUpdateReport, with a point-in-time snapshot too', async () => {
    const snapshot = dataReport({ ...window, toMs: S, intervals: [{ startMs: S, endMs: undefined, rIDs: ['status'], readings: [{ oadrOnline: false, oadrManualOverride: true }] }] }, { eiReportID: 'rpt-2', reportSpecifierID: 'status', reportName: 'TELEMETRY_STATUS' });
    await assertSchemaValid([message('oadrUpdateReport', { requestID: 'upd-1', oadrReport: [report, snapshot], venID: 'VEN-1' })]);
  });
});
