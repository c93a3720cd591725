import { describe, expect, it } from 'vitest';
import type { MessageOf } from '../src/index.js';
import { ENERGY, MIN, POWER, STATUS, T0, reportVenHooks, startVen, type Running } from './report-helpers.js';

reportVenHooks();

const POLL = 10_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const updates = (r: Running) => r.vtn.recorder.messages('oadrUpdateReport');
const reportsOf = (r: Running, id: string) => updates(r).flatMap((u) => (u.oadrReport ?? []).filter((rep) => rep.reportRequestID === id));
const created = (r: Running) => r.vtn.recorder.messages('oadrCreatedReport');
const canceled = (r: Running) => r.vtn.recorder.messages('oadrCanceledReport');
/** [start, end) of every interval of a request, in minutes from T0, in the order delivered. */
const spans = (r: Running, id: string) =>
  reportsOf(r, id).flatMap((rep) => (rep.intervals ?? []).map((iv) => [(iv.dtstart!.getTime() - T0) / MIN, (iv.dtstart!.getTime() + iv.duration!.toMillis() - T0) / MIN]));
const contiguous = (list: number[][]) => list.every((s, i) => i === 0 || s[0] === list[i - 1]![1]);

describe('registration of reports (§5.3, §10 item 5)', () => {
  it('sends METADATA of every report after registration, before the first poll, and again after re-registration', () => {
    const r = startVen('metadata');
    const types = r.vtn.recorder.types();
    // Owed through the ledger: sent right after the registration's own exchanges ([OL] sends it before the event sync, [EL] after, §1.6).
    expect(types.slice(0, 4)).toEqual(['oadrQueryRegistration', 'oadrCreatePartyRegistration', 'oadrRequestEvent', 'oadrRegisterReport']);
    const [first] = r.vtn.recorder.messages('oadrRegisterReport');
    expect(first?.venID).toBe(r.venID);
    expect(first?.reportRequestID).toBeUndefined();
    expect(first?.oadrReport?.map((rep) => [rep.reportName, rep.reportSpecifierID, rep.reportRequestID, rep.oadrReportDescription?.map((d) => d.rID)])).toEqual([
      ['METADATA_TELEMETRY_USAGE', 'telemetry-usage', '0', [POWER, ENERGY]],
      ['METADATA_TELEMETRY_STATUS', 'telemetry-status', '0', [STATUS]],
      ['METADATA_HISTORY_USAGE', 'history-usage', '0', [ENERGY]],
    ]);
    expect(first?.oadrReport?.[0]?.createdDateTime.getTime()).toBe(T0);

    r.vtn.model.requestReregistration(r.venID);
    r.run(POLL);
    const after = r.vtn.recorder.types().slice(types.length);
    expect(after).toEqual(['oadrPoll', 'oadrResponse', 'oadrCreatePartyRegistration', 'oadrRequestEvent', 'oadrRegisterReport', 'oadrPoll']);
    const [, second] = r.vtn.recorder.messages('oadrRegisterReport');
    expect(second?.requestID).not.toBe(first?.requestID);
    expect(second?.oadrReport?.map((rep) => rep.oadrReportDescription)).toEqual(first?.oadrReport?.map((rep) => rep.oadrReportDescription));
  });

  it('answers requests embedded in oadrRegisteredReport with oadrCreatedReport at once, then reports', () => {
    const r = startVen('embedded', {
      before: (side) => side.embedOnRegister({ reportRequestID: 'rr-emb', reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1M', reportBackDuration: 'PT1M' }),
    });
    const types = r.vtn.recorder.types();
    // The oadrCreatedReport is the next thing the VEN posts after the METADATA it answers (§5.3 step 2).
    expect(types.slice(types.indexOf('oadrRegisterReport') + 1).filter((t) => t !== 'oadrPoll')[0]).toBe('oadrCreatedReport');
    const [register] = r.vtn.recorder.messages('oadrRegisterReport');
    expect(created(r)[0]).toMatchObject({ eiResponse: { responseCode: '200', requestID: register?.requestID }, oadrPendingReports: ['rr-emb'], venID: r.venID });
    r.run(2 * MIN);
    expect(spans(r, 'rr-emb')).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('a METADATA request re-sends the metadata after oadrCreatedReport, carrying the request ID (rule 306)', () => {
    const r = startVen('metadata-request');
    r.side.requestReport(r.venID, { reportRequestID: 'rr-meta', reportSpecifierID: 'METADATA', rIDs: ['x'], granularity: 'PT0S', reportBackDuration: 'PT0S' });
    r.run(POLL);
    const tail = r.vtn.recorder.types().filter((t) => t !== 'oadrPoll').slice(-2);
    expect(tail).toEqual(['oadrCreatedReport', 'oadrRegisterReport']);
    const again = r.vtn.recorder.messages('oadrRegisterReport')[1];
    expect(again?.reportRequestID).toBe('rr-meta');
    expect(again?.oadrReport?.every((rep) => rep.reportRequestID === '0')).toBe(true);
    expect(created(r)[0]?.oadrPendingReports).toEqual([]);
  });
});

describe('report requests and deliveries (§5.4, §5.5)', () => {
  it('periodic PT2S/PT2S: one two-second interval every two seconds with the latest reading', () => {
    const r = startVen('periodic-2s');
    r.side.requestReport(r.venID, { reportRequestID: 'rr-2s', reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT2S', reportBackDuration: 'PT2S' });
    r.run(POLL); // the request arrives at 00:00:10
    for (let s = 1; s <= 20; s++) {
      r.site.power$.next(s);
      r.run(1000);
    }
    const reports = reportsOf(r, 'rr-2s');
    expect(reports).toHaveLength(10);
    expect(reports.every((rep) => rep.duration?.text === 'PT2S' && rep.intervals?.length === 1 && rep.intervals[0]?.duration?.text === 'PT2S')).toBe(true);
    expect(r.vtn.reportData(POWER, 'rr-2s').map((p) => [(p.start.getTime() - T0) / 1000, p.value])).toEqual(Array.from({ length: 10 }, (_, i) => [10 + 2 * i, 2 * i + 2]));
  });

  it('incremental PT1M/PT5M: every five minutes one oadrUpdateReport with five one-minute intervals per rID', () => {
    const r = startVen('incremental');
    const requestID = r.side.requestReport(r.venID, { reportRequestID: 'rr-5m', reportSpecifierID: 'telemetry-usage', rIDs: [POWER, ENERGY], granularity: 'PT1M', reportBackDuration: 'PT5M', start: iso(T0 + MIN), duration: 'PT1H' });
    r.run(POLL);
    expect(created(r)[0]).toMatchObject({ eiResponse: { responseCode: '200', requestID }, oadrPendingReports: ['rr-5m'] });
    r.run(16 * MIN - POLL);
    const reports = reportsOf(r, 'rr-5m');
    expect(reports).toHaveLength(3);
    for (const [i, rep] of reports.entries()) {
      expect(rep).toMatchObject({ reportSpecifierID: 'telemetry-usage', reportName: 'TELEMETRY_USAGE' });
      expect(rep.dtstart?.getTime()).toBe(T0 + MIN + 5 * MIN * i);
      expect(rep.duration?.text).toBe('PT5M');
      expect(rep.createdDateTime.getTime()).toBe(T0 + MIN + 5 * MIN * (i + 1));
      expect(rep.intervals?.map((iv) => iv.streamPayloadBase.map((p) => (p.type === 'oadrReportPayload' ? p.rID : '')))).toEqual(Array(5).fill([POWER, ENERGY]));
    }
    expect(new Set(reports.map((rep) => rep.eiReportID)).size).toBe(3);
    expect(new Set(updates(r).map((u) => u.requestID)).size).toBe(updates(r).length);
    expect(contiguous(spans(r, 'rr-5m'))).toBe(true);
  });

  it('one-shot: one report at once, listed as pending in oadrCreatedReport, then done', () => {
    const r = startVen('one-shot');
    r.site.status$.next({ online: true, capacity: { current: 0.8, min: 0, max: 1 } });
    r.side.requestReport(r.venID, { reportRequestID: 'rr-once', reportSpecifierID: 'telemetry-status', rIDs: [STATUS], granularity: 'PT0S', reportBackDuration: 'PT0S' });
    r.run(POLL);
    expect(r.vtn.recorder.types().filter((t) => t !== 'oadrPoll').slice(-2)).toEqual(['oadrCreatedReport', 'oadrUpdateReport']);
    expect(created(r)[0]?.oadrPendingReports).toEqual(['rr-once']);
    const [rep] = reportsOf(r, 'rr-once');
    expect(rep).toMatchObject({ reportName: 'TELEMETRY_STATUS', reportSpecifierID: 'telemetry-status' });
    expect(rep?.dtstart?.getTime()).toBe(T0 + POLL);
    expect(rep?.intervals?.[0]?.duration).toBeUndefined();
    expect(rep?.intervals?.[0]?.streamPayloadBase[0]).toMatchObject({
      rID: STATUS,
      payloadBase: { type: 'oadrPayloadResourceStatus', oadrOnline: true, oadrManualOverride: false, oadrLoadControlState: { oadrCapacity: { oadrCurrent: 0.8, oadrMin: 0, oadrMax: 1 } } },
    });
    r.run(10 * MIN);
    expect(reportsOf(r, 'rr-once')).toHaveLength(1);
    expect(r.reports.pending()).toEqual([]);
  });

  it('a reportInterval in the future: nothing before it starts, the last report at its end, then no longer pending', () => {
    const r = startVen('future');
    r.side.requestReport(r.venID, { reportRequestID: 'rr-later', reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1M', reportBackDuration: 'PT5M', start: iso(T0 + 60 * MIN), duration: 'PT10M' });
    r.run(65 * MIN - 1);
    expect(reportsOf(r, 'rr-later')).toHaveLength(0);
    r.run(60 * MIN);
    expect(reportsOf(r, 'rr-later').map((rep) => [rep.dtstart!.getTime(), rep.createdDateTime.getTime()])).toEqual([
      [T0 + 60 * MIN, T0 + 65 * MIN],
      [T0 + 65 * MIN, T0 + 70 * MIN],
    ]);
    expect(r.reports.pending()).toEqual([]);
  });

  it('historical: one report covering exactly the past window, from the range query, at the requested granularity', () => {
    const r = startVen('historical');
    r.side.requestReport(r.venID, { reportRequestID: 'rr-hist', reportSpecifierID: 'history-usage', rIDs: [ENERGY], granularity: 'PT15M', reportBackDuration: 'PT0S', start: iso(T0 - 120 * MIN), duration: 'PT1H' });
    r.run(POLL);
    expect(r.site.queries).toEqual([[iso(T0 - 120 * MIN), iso(T0 - 60 * MIN), 'PT15M']]);
    const [rep] = reportsOf(r, 'rr-hist');
    expect(rep).toMatchObject({ reportName: 'HISTORY_USAGE' });
    expect([rep?.dtstart?.getTime(), rep?.duration?.text]).toEqual([T0 - 120 * MIN, 'PT1H']);
    expect(spans(r, 'rr-hist')).toEqual([
      [-120, -105],
      [-105, -90],
      [-90, -75],
      [-75, -60],
    ]);
    expect(r.vtn.reportData(ENERGY, 'rr-hist').map((p) => p.value)).toEqual([-120, -105, -90, -75]);
  });

  it('two requests for two reports in one message keep their own rIDs', () => {
    const r = startVen('two-specifiers');
    r.site.status$.next({ online: true });
    r.side.requestReport(
      r.venID,
      { reportRequestID: 'rr-u', reportSpecifierID: 'telemetry-usage', rIDs: [ENERGY], granularity: 'PT1M', reportBackDuration: 'PT2M' },
      { reportRequestID: 'rr-s', reportSpecifierID: 'telemetry-status', rIDs: [STATUS], granularity: 'PT1M', reportBackDuration: 'PT2M' },
    );
    r.run(POLL + 4 * MIN);
    expect(created(r)[0]?.oadrPendingReports).toEqual(['rr-u', 'rr-s']);
    const rids = (id: string) => new Set(reportsOf(r, id).flatMap((rep) => (rep.intervals ?? []).flatMap((iv) => iv.streamPayloadBase.map((p) => (p.type === 'oadrReportPayload' ? p.rID : '?')))));
    expect([...rids('rr-u')]).toEqual([ENERGY]);
    expect([...rids('rr-s')]).toEqual([STATUS]);
    expect(reportsOf(r, 'rr-s')[0]?.reportName).toBe('TELEMETRY_STATUS');
  });

  it('unknown reportSpecifierID and unknown rID: 452, not pending, nothing delivered', () => {
    const r = startVen('unknown');
    r.side.requestReport(
      r.venID,
      { reportRequestID: 'rr-ok', reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1M', reportBackDuration: 'PT1M' },
      { reportRequestID: 'rr-nospec', reportSpecifierID: 'no-such-report', rIDs: [POWER], granularity: 'PT1M', reportBackDuration: 'PT1M' },
      { reportRequestID: 'rr-norid', reportSpecifierID: 'telemetry-usage', rIDs: [POWER, 'ghost'], granularity: 'PT1M', reportBackDuration: 'PT1M' },
    );
    r.run(POLL + 2 * MIN);
    const answer = created(r)[0]!;
    expect(answer.eiResponse.responseCode).toBe('452');
    expect(answer.eiResponse.responseDescription).toMatch(/rr-nospec.*no-such-report.*rr-norid.*ghost/);
    expect(answer.oadrPendingReports).toEqual(['rr-ok']);
    expect(reportsOf(r, 'rr-ok')).toHaveLength(2);
    expect(reportsOf(r, 'rr-nospec').length + reportsOf(r, 'rr-norid').length).toBe(0);
  });

  it('a granularity outside the offered sampling range refuses that rID with 454', () => {
    const r = startVen('granularity');
    r.side.requestReport(r.venID, { reportRequestID: 'rr-fast', reportSpecifierID: 'telemetry-usage', rIDs: [POWER, ENERGY], granularity: 'PT10S', reportBackDuration: 'PT1M' });
    r.run(POLL + MIN);
    const answer = created(r)[0]!;
    expect(answer.eiResponse.responseCode).toBe('454');
    expect(answer.eiResponse.responseDescription).toContain(`granularity outside PT1M..PT1H offered for rID '${ENERGY}'`);
    expect(answer.oadrPendingReports).toEqual(['rr-fast']);
    expect(new Set(reportsOf(r, 'rr-fast').flatMap((rep) => rep.intervals!.flatMap((iv) => iv.streamPayloadBase.map((p) => (p.type === 'oadrReportPayload' ? p.rID : '')))))).toEqual(new Set([POWER]));
  });

  it('TELEMETRY_STATUS with granularity 0: every change recorded, delivered every reportBackDuration', () => {
    const r = startVen('on-change');
    r.site.status$.next({ online: true });
    r.side.requestReport(r.venID, { reportRequestID: 'rr-change', reportSpecifierID: 'telemetry-status', rIDs: [STATUS], granularity: 'PT0S', reportBackDuration: 'PT1M' });
    r.run(POLL); // request at 00:00:10
    r.run(15_000);
    r.site.status$.next({ online: false }); // 00:00:25
    r.run(30_000);
    r.site.status$.next({ online: true, manualOverride: true }); // 00:00:55
    r.run(2 * MIN);
    const points = r.vtn.reportData(STATUS, 'rr-change').map((p) => [(p.start.getTime() - T0) / 1000, p.durationMs! / 1000, (p.value as { oadrOnline: boolean }).oadrOnline]);
    expect(points).toEqual([
      [10, 15, true],
      [25, 30, false],
      [55, 15, true],
      [70, 60, true],
    ]);
  });
});

describe('cancellation (§5.7)', () => {
  const start = (name: string, ids: string[]): Running => {
    const r = startVen(name);
    r.side.requestReport(r.venID, ...ids.map((id) => ({ reportRequestID: id, reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1M', reportBackDuration: 'PT5M' })));
    r.run(POLL);
    return r;
  };

  it('without reportToFollow: stops at once; oadrCanceledReport echoes the requestID and lists what is left', () => {
    const r = start('cancel-now', ['rr-a', 'rr-b']);
    r.run(7 * MIN);
    const requestID = r.side.cancelReport(r.venID, ['rr-a'], false);
    r.run(POLL);
    expect(canceled(r)[0]).toMatchObject({ eiResponse: { responseCode: '200', requestID }, oadrPendingReports: ['rr-b'] });
    const before = reportsOf(r, 'rr-a').length;
    r.run(20 * MIN);
    expect(reportsOf(r, 'rr-a')).toHaveLength(before);
    expect(reportsOf(r, 'rr-b').length).toBeGreaterThan(before);
  });

  it('with reportToFollow: exactly one final report with the data collected so far, then nothing', () => {
    const r = start('cancel-follow', ['rr-a']);
    r.run(7 * MIN); // 00:07:10
    r.side.cancelReport(r.venID, ['rr-a'], true);
    r.run(POLL); // the cancel arrives at 00:07:20
    expect(canceled(r)[0]?.oadrPendingReports).toEqual(['rr-a']);
    r.run(20 * MIN);
    const all = reportsOf(r, 'rr-a');
    expect(all).toHaveLength(2);
    expect(spans(r, 'rr-a').slice(-3)).toEqual([
      [5 + 10 / 60, 6 + 10 / 60],
      [6 + 10 / 60, 7 + 10 / 60],
      [7 + 10 / 60, 7 + 20 / 60],
    ]);
    expect(r.reports.pending()).toEqual([]);
  });

  it('several IDs in one cancel; unknown IDs are answered 452, not ignored', () => {
    const r = start('cancel-many', ['rr-a', 'rr-b', 'rr-c']);
    const requestID = r.side.cancelReport(r.venID, ['rr-a', 'rr-zz', 'rr-c'], false);
    r.run(POLL);
    expect(canceled(r)[0]).toMatchObject({ eiResponse: { responseCode: '452', requestID }, oadrPendingReports: ['rr-b'] });
    expect(canceled(r)[0]?.eiResponse.responseDescription).toContain("'rr-zz'");
  });

  it('an oadrCancelReport inside oadrUpdatedReport is processed and answered with oadrCanceledReport', () => {
    const r = start('cancel-piggy', ['rr-a', 'rr-b']);
    r.side.cancelOnNextUpdate(['rr-a'], false);
    r.run(5 * MIN);
    const answer = canceled(r)[0] as MessageOf<'oadrCanceledReport'>;
    expect(answer).toMatchObject({ eiResponse: { responseCode: '200', requestID: 'cx-upd-rr-a' }, oadrPendingReports: ['rr-b'] });
    const types = r.vtn.recorder.types();
    expect(types.indexOf('oadrCanceledReport')).toBeGreaterThan(types.indexOf('oadrUpdateReport'));
    r.run(20 * MIN);
    expect(reportsOf(r, 'rr-a')).toHaveLength(1);
    expect(reportsOf(r, 'rr-b').length).toBeGreaterThan(1);
  });
});
