import { describe, expect, it } from 'vitest';
import { timer } from 'rxjs';
import type { OadrReport } from '../src/index.js';
import { MIN, POWER, T0, reportVenHooks, startVen, type Running } from './report-helpers.js';

reportVenHooks();

const DAY = 24 * 60 * MIN;

function reportsFor(r: Running, id: string): OadrReport[] {
  return r.vtn.recorder.requests.flatMap((q) => (q.message?.type === 'oadrUpdateReport' ? (q.message.oadrReport ?? []).filter((rep) => rep.reportRequestID === id) : []));
}

describe('a periodic request whose dtstart is a day in the past (§5.4)', () => {
  it('sends no backlog of 1,440 empty intervals: every delivery carries at most one reportBackDuration, from data that exists', () => {
    const r = startVen('backlog-day');
    const meter = timer(0, 30_000, r.clock).subscribe((i) => r.site.power$.next(100 + i));
    r.side.requestReport(r.venID, { reportRequestID: 'rr-day', reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1M', reportBackDuration: 'PT1M', start: new Date(T0 - DAY).toISOString() });
    r.run(5 * MIN);
    meter.unsubscribe();
    const sent = reportsFor(r, 'rr-day');
    expect(sent.length).toBeGreaterThanOrEqual(4);
    expect(sent.length).toBeLessThanOrEqual(6);
    for (const report of sent) {
      expect(report.duration?.toMillis()).toBeLessThanOrEqual(MIN);
      expect(report.dtstart!.getTime()).toBeGreaterThanOrEqual(T0);
    }
    const payloads = sent.flatMap((rep) => (rep.intervals ?? []).flatMap((iv) => iv.streamPayloadBase));
    expect(payloads.some((p) => p.type === 'oadrReportPayload' && p.oadrDataQuality === 'No Quality - No Value')).toBe(false);
    expect(r.reports.stats()).toMatchObject({ delivered: sent.length, buffered: 0 });
  });

  it('a meter that goes quiet: its last value is sent flagged No New Value - Previous Value Used once older than the oadrMaxPeriod', () => {
    const r = startVen('stale');
    r.site.power$.next(42);
    r.side.requestReport(r.venID, { reportRequestID: 'rr-stale', reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT20M', reportBackDuration: 'PT20M', start: new Date(T0).toISOString() });
    r.run(2 * 60 * MIN + MIN);
    const qualities = reportsFor(r, 'rr-stale').flatMap((rep) => (rep.intervals ?? []).map((iv) => {
      const p = iv.streamPayloadBase[0];
      return p?.type === 'oadrReportPayload' ? [p.payloadBase.type === 'payloadFloat' ? p.payloadBase.value : NaN, p.oadrDataQuality] : [];
    }));
    // The meter's oadrMaxPeriod is PT1H: samples at 20 and 40 min are fresh, from 80 min on the value is stale.
    expect(qualities).toEqual([
      [42, undefined],
      [42, undefined],
      [42, undefined],
      [42, 'No New Value - Previous Value Used'],
      [42, 'No New Value - Previous Value Used'],
      [42, 'No New Value - Previous Value Used'],
    ]);
  });
});
