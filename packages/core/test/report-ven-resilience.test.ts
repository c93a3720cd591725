import { describe, expect, it } from 'vitest';
import { timer } from 'rxjs';
import { Duration, type OadrReport, type VtnReportInterval, type VtnReportOffer } from '../src/index.js';
import { MIN, POWER, T0, reportVenHooks, startVen, stopVen, type Running } from './report-helpers.js';

reportVenHooks();

const POLL = 10_000;

/** The data reports the VTN accepted (failed attempts during an outage are recorded with their fault and left out). */
function accepted(r: Running, id: string): OadrReport[] {
  return r.vtn.recorder.requests.flatMap((q) => (!q.fault && q.message?.type === 'oadrUpdateReport' ? (q.message.oadrReport ?? []).filter((rep) => rep.reportRequestID === id) : []));
}

/** Every delivered interval of a request as [start, end, value, quality], minutes from T0, in delivery order. */
function intervals(r: Running, id: string): Array<[number, number, number, string | undefined]> {
  return accepted(r, id).flatMap((rep) =>
    (rep.intervals ?? []).map((iv) => {
      const p = iv.streamPayloadBase[0]!;
      const value = p.type === 'oadrReportPayload' && p.payloadBase.type === 'payloadFloat' ? p.payloadBase.value : NaN;
      const start = (iv.dtstart!.getTime() - T0) / MIN;
      const quality: string | undefined = p.type === 'oadrReportPayload' ? p.oadrDataQuality : undefined;
      return [start, start + iv.duration!.toMillis() / MIN, value, quality] as [number, number, number, string | undefined];
    }),
  );
}

const inOrderWithoutGaps = (list: Array<[number, number, ...unknown[]]>) => list.every((s, i) => i === 0 || Math.abs(s[0] - list[i - 1]![1]) < 1e-9);

/** A meter whose reading is the minute number, updated half-way through each minute. */
function driveMeter(r: Running) {
  return timer(30_000, MIN, r.clock).subscribe((i) => r.site.power$.next(i));
}

function requestEveryMinute(r: Running, id = 'rr-min'): void {
  r.side.requestReport(r.venID, { reportRequestID: id, reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1M', reportBackDuration: 'PT1M', start: new Date(T0 + MIN).toISOString() });
  r.run(POLL);
}

describe('nothing is lost in an outage', () => {
  it('the VTN down for an hour while sampling every minute: every interval delivered after recovery, in order', () => {
    const r = startVen('outage');
    const meter = driveMeter(r);
    requestEveryMinute(r);
    r.run(5 * MIN);
    r.vtn.faults.down();
    r.run(60 * MIN);
    expect(r.reports.stats().buffered).toBeGreaterThanOrEqual(59);
    r.vtn.faults.up();
    r.run(5 * MIN);
    meter.unsubscribe();
    const got = intervals(r, 'rr-min');
    const last = got[got.length - 1]!;
    expect(got[0]?.slice(0, 2)).toEqual([1, 2]);
    expect(got).toHaveLength(last[1] - 1);
    expect(inOrderWithoutGaps(got)).toBe(true);
    // Each interval carries the reading taken at its end (the minute number set half a minute earlier).
    expect(got.every(([, end, value, quality]) => value === end - 1 && quality === undefined)).toBe(true);
    expect(r.reports.stats()).toMatchObject({ buffered: 0, droppedOverflow: 0, droppedRequestEnded: 0, rejected: 0, delivered: got.length });
  });

  it('a restart mid-request resumes reporting from the store: no overlap; periods missed without any data are not sent, a period with some data flags what is missing', async () => {
    const first = startVen('restart-1');
    const meter = driveMeter(first);
    requestEveryMinute(first, 'rr-keep');
    first.side.requestReport(first.venID, { reportRequestID: 'rr-5m', reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1M', reportBackDuration: 'PT5M' });
    first.run(7 * MIN);
    await stopVen(first);
    first.run(3 * MIN); // ten minutes down
    const second = startVen('restart-2', { reuse: first });
    expect(second.vtn.recorder.messages('oadrCreatePartyRegistration')).toHaveLength(1); // resumed, not registered again
    expect(second.reports.pending().map((p) => p.reportRequestID)).toEqual(['rr-keep', 'rr-5m']);
    second.run(10 * MIN);
    meter.unsubscribe();
    const got = intervals(second, 'rr-keep');
    // [7,8), [8,9), [9,10) ended while the VEN was down and hold no sample: not sent (no "No Value" backlog, §5.4).
    expect(got.map(([start]) => start)).toEqual([1, 2, 3, 4, 5, 6, ...Array.from({ length: got.length - 6 }, (_, i) => i + 10)]);
    expect(got.some(([, , , quality]) => quality === 'No Quality - No Value')).toBe(false);
    // Samples taken before the stop are kept in the store: [0:05:20, 0:06:20) survives; what ended while down is missing.
    const fiveMinutes = intervals(second, 'rr-5m');
    expect(inOrderWithoutGaps(fiveMinutes)).toBe(true);
    expect(fiveMinutes.slice(5, 10).map(([, , value, quality]) => quality ?? value)).toEqual([5, 'No Quality - No Value', 'No Quality - No Value', 'No Quality - No Value', 9]);
  });
});

describe("the VTN's own reports (§5.3 step 3)", () => {
  const offer: OadrReport = {
    oadrReportDescription: [
      {
        rID: 'price',
        reportType: 'price',
        itemBase: { type: 'currencyPerKWh', itemDescription: 'currencyPerKWh', itemUnits: 'USD', siScaleCode: 'none' },
        readingType: 'Direct Read',
        oadrSamplingRate: { oadrMinPeriod: Duration.parse('PT1H')!, oadrMaxPeriod: Duration.parse('PT1H')!, oadrOnChange: false },
      },
    ],
    reportRequestID: '0',
    reportSpecifierID: 'vtn-prices',
    reportName: 'x-prices',
    createdDateTime: new Date(T0),
  };

  it('are surfaced as a stream; the user requests one, receives typed intervals, and cancels', () => {
    const r = startVen('vtn-reports', { before: (side) => side.offer([offer]) });
    const offers: Array<readonly VtnReportOffer[]> = [];
    r.reports.vtnReports$.subscribe((o) => offers.push(o));
    r.run(POLL);
    expect(r.vtn.recorder.messages('oadrRegisteredReport')[0]).toMatchObject({ eiResponse: { responseCode: '200' }, venID: r.venID });
    expect(offers.at(-1)?.map((o) => [o.reportSpecifierID, o.descriptions.map((d) => d.rID)])).toEqual([['vtn-prices', ['price']]]);

    const received: VtnReportInterval[] = [];
    const subscription = r.reports.requestVtnReport({ reportSpecifierID: 'vtn-prices', granularity: 'PT1H', reportBackDuration: 'PT1H' }).subscribe((iv) => received.push(iv));
    const [create] = r.vtn.recorder.messages('oadrCreateReport');
    const request = create?.oadrReportRequest[0];
    expect(request?.reportSpecifier).toMatchObject({ reportSpecifierID: 'vtn-prices', specifierPayload: [{ rID: 'price', readingType: 'x-notApplicable' }] });
    const id = request!.reportRequestID;
    expect(r.side.venRequests.get(id)?.active).toBe(true);

    r.side.sendData(r.venID, {
      dtstart: new Date(T0),
      duration: Duration.parse('PT2H')!,
      intervals: [
        { dtstart: new Date(T0), duration: Duration.parse('PT1H')!, streamPayloadBase: [{ type: 'oadrReportPayload', rID: 'price', payloadBase: { type: 'payloadFloat', value: 0.25 } }] },
        { duration: Duration.parse('PT1H')!, streamPayloadBase: [{ type: 'oadrReportPayload', rID: 'price', payloadBase: { type: 'payloadFloat', value: 0.31 }, oadrDataQuality: 'Quality Good - Non Specific' }] },
      ],
      eiReportID: 'vtn-rpt-1',
      reportRequestID: id,
      reportSpecifierID: 'vtn-prices',
      reportName: 'x-prices',
      createdDateTime: new Date(T0),
    });
    r.run(POLL);
    expect(received.map((iv) => [iv.reportRequestID, iv.start?.toISOString(), iv.duration?.text, iv.values])).toEqual([
      [id, '2026-01-01T00:00:00.000Z', 'PT1H', [{ rID: 'price', value: 0.25 }]],
      [id, '2026-01-01T00:00:00.000Z', 'PT1H', [{ rID: 'price', value: 0.31, quality: 'Quality Good - Non Specific' }]],
    ]);
    expect(r.vtn.recorder.messages('oadrUpdatedReport').at(-1)?.eiResponse.responseCode).toBe('200');

    subscription.unsubscribe();
    expect(r.vtn.recorder.messages('oadrCancelReport')[0]).toMatchObject({ reportRequestID: [id], reportToFollow: false });
    expect(r.side.venRequests.get(id)?.active).toBe(false);
  });

  it('data for a request the VEN never made is answered 452', () => {
    const r = startVen('vtn-unknown-data');
    r.side.sendData(r.venID, { ...offer, oadrReportDescription: [], reportRequestID: 'rr-nobody' });
    r.run(POLL);
    expect(r.vtn.recorder.messages('oadrUpdatedReport')[0]?.eiResponse).toMatchObject({ responseCode: '452' });
  });

  it('a refused request errors the stream with the VTN code', () => {
    const r = startVen('vtn-refused');
    const original = r.side.handle.bind(r.side);
    r.side.handle = (message, ctx) => (message.type === 'oadrCreateReport' ? { type: 'oadrCreatedReport', eiResponse: { responseCode: '452', requestID: message.requestID }, oadrPendingReports: [] } : original(message, ctx));
    let failure: unknown;
    r.reports.requestVtnReport({ reportSpecifierID: 'nope', rIDs: ['x'], granularity: 'PT1H', reportBackDuration: 'PT1H' }).subscribe({ error: (e: unknown) => (failure = e) });
    expect(failure).toMatchObject({ code: 'rejected', responseCode: '452' });
  });
});
