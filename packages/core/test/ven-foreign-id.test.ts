import { BehaviorSubject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createReports, createVen, isVenError, telemetryUsage, type OadrMessage, type VenError } from '@rxadr/core';
import { createMockVtn, createVirtualClock, createVtnReportSide, reportRequest } from '@rxadr/testing';
import { venTestBench } from './ven-test-bench.js';

const bench = venTestBench();
const POWER = 'meter-1/powerReal';

function setup(name: string) {
  const clock = createVirtualClock('2026-01-01T00:00:00Z');
  const vtn = createMockVtn({ scheduler: clock });
  const side = createVtnReportSide();
  vtn.model.reports = side;
  const reports = createReports({ reports: [telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: new BehaviorSubject(1200), samplingRate: { min: 'PT1M', max: 'PT1H' } })] });
  const ven = createVen({ pollPhase: 0, venName: 'foreign-id', transport: vtn.transport(), scheduler: clock, reports, random: () => 0.5 });
  const { errors, poll } = bench.track(name, clock, vtn, ven);
  ven.start();
  const venID = ven.registration!.venID;
  vtn.recorder.clear();
  const queue = (message: OadrMessage): void => vtn.model.enqueue(venID, { message });
  return { clock, vtn, ven, venID, side, errors, queue, poll };
}

const foreignErrors = (errors: VenError[]) => errors.filter((e) => e.code === 'foreign-id').map((e) => e.responseCode);

describe('a VTN message naming another venID is answered 452 and not acted on (rule 21, §4.7)', () => {
  it('oadrCreateReport for another VEN: oadrCreatedReport 452, no request started; the same request for this VEN runs', () => {
    const { vtn, venID, errors, queue, poll } = setup('create-report');
    const request = reportRequest({ reportRequestID: 'rr-1', reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1M', reportBackDuration: 'PT1M' });
    queue({ type: 'oadrCreateReport', requestID: 'cr-foreign', oadrReportRequest: [request], venID: 'SOMEONE-ELSE' });
    poll();
    poll();
    const [refused] = vtn.recorder.messages('oadrCreatedReport');
    expect(refused).toMatchObject({ eiResponse: { responseCode: '452', requestID: 'cr-foreign' }, oadrPendingReports: [], venID });
    expect(refused?.eiResponse.responseDescription).toContain('SOMEONE-ELSE');
    vtn.model.enqueue(venID, { message: { type: 'oadrCreateReport', requestID: 'cr-own', oadrReportRequest: [request], venID } });
    poll();
    const created = vtn.recorder.messages('oadrCreatedReport');
    expect(created.map((c) => [c.eiResponse.requestID, c.eiResponse.responseCode, c.oadrPendingReports])).toEqual([
      ['cr-foreign', '452', []],
      ['cr-own', '200', ['rr-1']],
    ]);
    expect(foreignErrors(errors)).toEqual(['452']);
  });

  it('oadrCancelReport for another VEN: oadrCanceledReport 452; this VEN keeps reporting', () => {
    const { vtn, venID, side, errors, queue, poll, clock } = setup('cancel-report');
    side.requestReport(venID, { reportRequestID: 'rr-1', reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1M', reportBackDuration: 'PT1M' });
    poll();
    queue({ type: 'oadrCancelReport', requestID: 'cancel-foreign', reportRequestID: ['rr-1'], reportToFollow: false, venID: 'SOMEONE-ELSE' });
    poll();
    expect(vtn.recorder.messages('oadrCanceledReport').map((c) => [c.eiResponse.requestID, c.eiResponse.responseCode])).toEqual([['cancel-foreign', '452']]);
    const before = vtn.recorder.messages('oadrUpdateReport').length;
    clock.advanceBy(3 * 60_000);
    expect(vtn.recorder.messages('oadrUpdateReport').length).toBeGreaterThan(before);
    expect(foreignErrors(errors)).toEqual(['452']);
  });

  it('oadrCancelPartyRegistration with this registrationID but another venID: 452, still registered and polling', () => {
    const { vtn, ven, venID, errors, queue, poll } = setup('cancel-registration');
    const registrationID = ven.registration!.registrationID;
    queue({ type: 'oadrCancelPartyRegistration', requestID: 'cancel-reg', registrationID, venID: 'SOMEONE-ELSE' });
    poll();
    expect(vtn.recorder.messages('oadrCanceledPartyRegistration')).toEqual([
      expect.objectContaining({ eiResponse: expect.objectContaining({ responseCode: '452', requestID: 'cancel-reg' }), registrationID, venID }),
    ]);
    expect(ven.registration?.registrationID).toBe(registrationID);
    vtn.recorder.clear();
    poll();
    expect(vtn.recorder.types()).toContain('oadrPoll');
    expect(foreignErrors(errors)).toEqual(['452']);
  });

  it('oadrRequestReregistration for another VEN: oadrResponse 452, no registration sent', () => {
    const { vtn, errors, queue, poll } = setup('reregistration');
    queue({ type: 'oadrRequestReregistration', venID: 'SOMEONE-ELSE' });
    poll();
    poll();
    expect(vtn.recorder.types()).not.toContain('oadrCreatePartyRegistration');
    const answers = vtn.recorder.messages('oadrResponse');
    expect(answers.map((a) => a.eiResponse.responseCode)).toEqual(['452']);
    expect(foreignErrors(errors)).toEqual(['452']);
  });

  it('an oadrResponse poll answer naming another VEN is reported and otherwise ignored', () => {
    const { vtn, errors, queue, poll } = setup('poll-answer');
    queue({ type: 'oadrResponse', eiResponse: { responseCode: '200', responseDescription: 'OK', requestID: '' }, venID: 'SOMEONE-ELSE' });
    poll();
    expect(vtn.recorder.types().filter((t) => t !== 'oadrPoll')).toEqual([]);
    expect(errors.filter((e) => e.code === 'foreign-id').map((e) => e.message)).toEqual([expect.stringContaining('ignored')]);
  });

  it('an answer naming another venID settles nothing: oadrUpdatedReport for another VEN is not counted as delivered', () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const vtn = createMockVtn({ scheduler: clock });
    const side = createVtnReportSide();
    let foreign = false;
    vtn.model.reports = { ...side, handle: (message, context) => {
      const answer = side.handle(message, context);
      return foreign && 'type' in answer && answer.type === 'oadrUpdatedReport' ? { ...answer, venID: 'SOMEONE-ELSE' } : answer;
    } };
    const reports = createReports({ reports: [telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: new BehaviorSubject(1200), samplingRate: { min: 'PT1M', max: 'PT1H' } })] });
    const ven = createVen({ pollPhase: 0, venName: 'foreign-answer', transport: vtn.transport(), scheduler: clock, reports, random: () => 0.5 });
    // Where the failed exchange surfaces depends on the report module's retry policy: collect every channel.
    const seen: unknown[] = [];
    ven.errors$.subscribe((e) => seen.push(e, e.cause));
    reports.errors$.subscribe((e) => seen.push(e, e.cause));
    reports.dropped$.subscribe((d) => seen.push(d));
    bench.track('foreign-answer', clock, vtn, ven);
    ven.start();
    side.requestReport(ven.registration!.venID, { reportRequestID: 'rr-1', reportSpecifierID: 'telemetry-usage', rIDs: [POWER], granularity: 'PT1M', reportBackDuration: 'PT1M' });
    clock.advanceBy(70_000);
    expect(reports.stats().delivered).toBe(1);
    foreign = true;
    clock.advanceBy(60_000);
    expect(vtn.recorder.messages('oadrUpdateReport')).toHaveLength(2);
    expect(reports.stats().delivered).toBe(1);
    const foreignIds = seen.filter((e): e is VenError => isVenError(e) && e.code === 'foreign-id');
    expect(foreignIds.length).toBeGreaterThan(0);
    expect(foreignIds[0]?.message).toContain('oadrUpdatedReport is for venID SOMEONE-ELSE');
  });
});
