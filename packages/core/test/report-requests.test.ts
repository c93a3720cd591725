import { describe, expect, it } from 'vitest';
import { of } from 'rxjs';
import { Duration, historyUsage, telemetryStatus, telemetryUsage, type ReportRequest } from '../src/index.js';
import { applyCancel, applyCreate, applyDelivered, createReportCatalog, pendingIDs, validateRequest, type RequestRecord } from '../src/engine.js';
import { canceledReport, createdReport } from '../src/reports/report-answers.js';

const T0 = Date.parse('2026-01-01T12:00:00Z');
const catalog = createReportCatalog([
  telemetryUsage({ resourceId: 'm1', rID: 'power', reportSpecifierID: 'usage', measurement: 'powerReal', readings$: of(1), samplingRate: { min: 'PT10S', max: 'PT1H' } }),
  telemetryUsage({ resourceId: 'm1', rID: 'energy', reportSpecifierID: 'usage', measurement: 'energyReal', readings$: of(1), samplingRate: { min: 'PT1M', max: 'PT1H' } }),
  telemetryStatus({ resourceId: 'c1', rID: 'status', reportSpecifierID: 'status', status$: of({ online: true }) }),
  historyUsage({ resourceId: 'm1', rID: 'kwh', reportSpecifierID: 'history', measurement: 'energyReal', samplingRate: { min: 'PT15M', max: 'P1D' }, query: () => [] }),
]);

const d = (text: string) => Duration.parse(text)!;
function request(id: string, spec: string, rIDs: string[], g: string, back: string, interval?: { start: string; duration: string }): ReportRequest {
  return {
    reportRequestID: id,
    reportSpecifier: {
      reportSpecifierID: spec,
      granularity: d(g),
      reportBackDuration: d(back),
      ...(interval ? { reportInterval: { dtstart: new Date(interval.start), duration: d(interval.duration) } } : {}),
      specifierPayload: rIDs.map((rID) => ({ rID, readingType: 'x-notApplicable' as const })),
    },
  };
}

describe('validateRequest (§5.3 step 5, §5.4)', () => {
  const table: Array<[string, ReportRequest, Partial<RequestRecord> | undefined, Array<[string, string]>]> = [
    ['periodic until cancelled', request('r1', 'usage', ['power'], 'PT1M', 'PT5M'), { shape: 'periodic', rIDs: ['power'], granularityMs: 60_000, reportBackMs: 300_000, startMs: T0, endMs: null }, []],
    [
      'periodic with a window',
      request('r2', 'usage', ['power', 'energy'], 'PT1M', 'PT5M', { start: '2026-01-01T13:00:00Z', duration: 'PT1H' }),
      { shape: 'periodic', startMs: T0 + 3_600_000, endMs: T0 + 7_200_000, cursorMs: T0 + 3_600_000 },
      [],
    ],
    ['one-shot ignores granularity', request('r3', 'usage', ['power'], 'PT0S', 'PT0S'), { shape: 'one-shot', granularityMs: 0, endMs: null }, []],
    [
      'historical window',
      request('r4', 'history', ['kwh'], 'PT15M', 'PT0S', { start: '2026-01-01T00:00:00Z', duration: 'PT2H' }),
      { shape: 'historical', startMs: T0 - 12 * 3_600_000, endMs: T0 - 10 * 3_600_000, granularityMs: 900_000 },
      [],
    ],
    [
      'historical duration 0 = everything up to now, granularity 0 = coarsest minPeriod',
      request('r5', 'history', ['kwh'], 'PT0S', 'PT0S', { start: '2026-01-01T00:00:00Z', duration: 'PT0S' }),
      { shape: 'historical', endMs: T0, granularityMs: 900_000 },
      [],
    ],
    ['status on change', request('r6', 'status', ['status'], 'PT0S', 'PT1M'), { shape: 'periodic', granularityMs: 0 }, []],
    ['unknown specifier', request('r7', 'nope', ['power'], 'PT1M', 'PT5M'), undefined, [['unknown-specifier', '452']]],
    ['unknown rID refuses the request', request('r8', 'usage', ['power', 'ghost'], 'PT1M', 'PT5M'), undefined, [['unknown-rid', '452']]],
    ['rID of another report is unknown', request('r9', 'usage', ['status'], 'PT1M', 'PT5M'), undefined, [['unknown-rid', '452']]],
    ['granularity below one rID drops that rID', request('r10', 'usage', ['power', 'energy'], 'PT30S', 'PT5M'), { rIDs: ['power'] }, [['granularity-out-of-range', '454']]],
    [
      'granularity outside every rID refuses the request',
      request('r11', 'usage', ['power'], 'PT2H', 'PT2H'),
      undefined,
      [
        ['granularity-out-of-range', '454'],
        ['no-rids', '454'],
      ],
    ],
    [
      'on change for a point that does not record changes',
      request('r12', 'usage', ['power'], 'PT0S', 'PT5M'),
      undefined,
      [
        ['on-change-not-supported', '454'],
        ['no-rids', '454'],
      ],
    ],
    ['METADATA one-shot', request('r13', 'METADATA', ['x'], 'PT0S', 'PT0S'), { metadata: true, shape: 'one-shot', rIDs: [] }, []],
    ['METADATA periodic', request('r14', 'METADATA', ['x'], 'PT0S', 'PT1M', { start: '2026-01-01T12:00:00Z', duration: 'PT10M' }), { metadata: true, shape: 'periodic', reportBackMs: 60_000 }, []],
    ['duplicate rIDs count once', request('r15', 'usage', ['power', 'power'], 'PT1M', 'PT5M'), { rIDs: ['power'] }, []],
  ];
  for (const [name, input, record, problems] of table) {
    it(name, () => {
      const result = validateRequest(input, catalog, T0);
      expect(result.problems.map((p) => [p.code, p.responseCode])).toEqual(problems);
      if (record) expect(result.record).toMatchObject({ reportRequestID: input.reportRequestID, receivedMs: T0, toFollow: false, ...record });
      else expect(result.record).toBeUndefined();
      for (const p of result.problems) expect(p.description).toContain(input.reportRequestID);
    });
  }
});

describe('the pending list (§5.4, §5.7)', () => {
  const base = applyCreate([], [request('a', 'usage', ['power'], 'PT1M', 'PT5M'), request('b', 'status', ['status'], 'PT0S', 'PT0S')], catalog, T0);

  it('keeps each request with its own rIDs and lists old and new in arrival order', () => {
    const next = applyCreate(base.requests, [request('c', 'usage', ['energy'], 'PT1M', 'PT5M'), request('bad', 'usage', ['ghost'], 'PT1M', 'PT5M')], catalog, T0);
    expect(pendingIDs(next.requests)).toEqual(['a', 'b', 'c']);
    expect(next.requests.map((r) => r.rIDs)).toEqual([['power'], ['status'], ['energy']]);
    expect(next.accepted.map((r) => r.reportRequestID)).toEqual(['c']);
    const answer = createdReport('cr-9', next.problems, pendingIDs(next.requests), 'VEN-1');
    expect(answer.eiResponse).toMatchObject({ responseCode: '452', requestID: 'cr-9' });
    expect(answer.eiResponse.responseDescription).toContain("no rID 'ghost'");
    expect(answer.oadrPendingReports).toEqual(['a', 'b', 'c']);
  });

  it('a request with a pending ID replaces it in place', () => {
    const next = applyCreate(base.requests, [request('a', 'usage', ['energy'], 'PT2M', 'PT10M')], catalog, T0 + 1000);
    expect(pendingIDs(next.requests)).toEqual(['a', 'b']);
    expect(next.replaced).toEqual(['a']);
    expect(next.requests[0]).toMatchObject({ rIDs: ['energy'], granularityMs: 120_000 });
  });

  it('all accepted → 200 OK', () => {
    expect(createdReport('cr-1', base.problems, pendingIDs(base.requests), 'VEN-1').eiResponse).toMatchObject({ responseCode: '200', requestID: 'cr-1' });
  });

  it('finished one-shots drop out; periodic ones advance their cursor', () => {
    let requests = applyDelivered(base.requests, 'b', T0, true);
    expect(pendingIDs(requests)).toEqual(['a']);
    requests = applyDelivered(requests, 'a', T0 + 300_000, false);
    expect(requests[0]?.cursorMs).toBe(T0 + 300_000);
  });

  const cancels: Array<[string, string[], boolean, { stopped: string[]; following: string[]; unknown: string[]; pending: string[] }]> = [
    ['stop now', ['a'], false, { stopped: ['a'], following: [], unknown: [], pending: ['b'] }],
    ['report to follow keeps it pending, ending now', ['a'], true, { stopped: [], following: ['a'], unknown: [], pending: ['a', 'b'] }],
    ['several IDs at once', ['a', 'b'], false, { stopped: ['a', 'b'], following: [], unknown: [], pending: [] }],
    ['unknown IDs are named, known ones still cancelled', ['zz', 'a'], false, { stopped: ['a'], following: [], unknown: ['zz'], pending: ['b'] }],
  ];
  for (const [name, ids, follow, expected] of cancels) {
    it(`cancel: ${name}`, () => {
      const out = applyCancel(base.requests, ids, follow, T0 + 90_000);
      expect({ stopped: out.stopped, following: out.following, unknown: out.unknown, pending: pendingIDs(out.requests) }).toEqual(expected);
      if (follow) expect(out.requests[0]).toMatchObject({ toFollow: true, endMs: T0 + 90_000 });
      const answer = canceledReport('cx-1', out.unknown, pendingIDs(out.requests), 'VEN-1');
      expect(answer.eiResponse.requestID).toBe('cx-1');
      expect(answer.eiResponse.responseCode).toBe(out.unknown.length > 0 ? '452' : '200');
      expect(answer.oadrPendingReports).toEqual(expected.pending);
    });
  }

  it('a later end is not extended by a cancel', () => {
    const windowed = applyCreate([], [request('w', 'usage', ['power'], 'PT1M', 'PT5M', { start: '2026-01-01T12:00:00Z', duration: 'PT10M' })], catalog, T0).requests;
    expect(applyCancel(windowed, ['w'], true, T0 + 3_600_000).requests[0]?.endMs).toBe(T0 + 600_000);
  });
});
