import { describe, expect, it } from 'vitest';
import { EMPTY } from 'rxjs';
import { Duration, createVen, type VenOptions, VenError } from '@rxadr/core';
import { createMockVtn, createVirtualClock } from '@rxadr/testing';
import { collect, venTestBench } from './ven-test-bench.js';

const bench = venTestBench();

function setup(name: string, options: Partial<VenOptions> = {}, vtnOptions: { pollFrequency?: string } = {}) {
  const clock = createVirtualClock('2026-01-01T00:00:00Z');
  const vtn = createMockVtn({ scheduler: clock, ...vtnOptions });
  const ven = createVen({ pollPhase: 0, venName: 'ven-under-test', transport: vtn.transport(), scheduler: clock, random: () => 0.5, ...options });
  const statuses = collect(ven.status$);
  const { errors } = bench.track(name, clock, vtn, ven);
  return { clock, vtn, ven, statuses, errors };
}

describe('registration (§3.1)', () => {
  it('registers, syncs events and polls, in this order', () => {
    const { clock, vtn, ven, statuses } = setup('happy');
    ven.start();
    expect(vtn.recorder.types()).toEqual(['oadrQueryRegistration', 'oadrCreatePartyRegistration', 'oadrRequestEvent', 'oadrPoll']);
    const [create] = vtn.recorder.messages('oadrCreatePartyRegistration');
    expect(create).toMatchObject({ oadrProfileName: '2.0b', oadrTransportName: 'simpleHttp', oadrReportOnly: false, oadrXmlSignature: false, oadrVenName: 'ven-under-test', oadrHttpPullModel: true });
    expect(create?.venID).toBeUndefined();
    expect(create?.registrationID).toBeUndefined();
    expect(ven.registration).toEqual({ venID: 'VEN-1', registrationID: 'REG-2', vtnID: 'MOCK-VTN-1', pollFrequencyMs: 10_000 });
    expect(statuses.map((s) => s.state)).toEqual(['idle', 'registering', 'registered', 'polling']);
    clock.advanceBy(30_000);
    expect(vtn.recorder.types().filter((t) => t === 'oadrPoll')).toHaveLength(4);
  });
});

describe('registration failures and identity', () => {
  it('keeps retrying a refused registration with backoff, then registers', () => {
    const { clock, vtn, ven, statuses, errors } = setup('refused');
    vtn.model.refuseRegistration = '463';
    ven.start();
    expect(ven.registration).toBeUndefined();
    expect(ven.status).toMatchObject({ state: 'backoff', phase: 'registration', attempt: 1, delayMs: 5_000 });
    expect(errors[0]).toMatchObject({ code: 'registration-rejected', responseCode: '463' });
    vtn.model.refuseRegistration = undefined;
    clock.advanceBy(5_000);
    expect(ven.registration?.venID).toBe('VEN-1');
    expect(statuses.map((s) => s.state)).toEqual(['idle', 'registering', 'backoff', 'registering', 'registered', 'polling']);
  });

  it("replaces a pre-provisioned venID with the VTN's", () => {
    const { vtn, ven } = setup('pre-provisioned', { venId: 'PRE-PROVISIONED-7' });
    ven.start();
    expect(vtn.recorder.messages('oadrCreatePartyRegistration')[0]?.venID).toBe('PRE-PROVISIONED-7');
    expect(ven.registration?.venID).toBe('VEN-1');
    expect(vtn.recorder.messages('oadrPoll')[0]?.venID).toBe('VEN-1');
  });

  it('backs off exponentially while the VTN is unreachable, then registers', () => {
    const { clock, vtn, ven } = setup('unreachable');
    vtn.faults.down();
    ven.start();
    clock.advanceBy(5_000); // attempt 2 fails: next delay 10 s
    expect(ven.status).toMatchObject({ state: 'backoff', attempt: 2, delayMs: 10_000 });
    clock.advanceBy(10_000); // attempt 3 fails: 20 s
    expect(ven.status).toMatchObject({ state: 'backoff', attempt: 3, delayMs: 20_000 });
    vtn.faults.up();
    clock.advanceBy(20_000);
    expect(ven.status.state).toBe('polling');
    const queries = vtn.recorder.requests.filter((r) => r.message?.type === 'oadrQueryRegistration').map((r) => r.at.getTime() - clock.epoch);
    expect(queries).toEqual([0, 5_000, 15_000, 35_000]);
  });

  it('answers oadrRequestReregistration, re-registers with its IDs, uses the new poll frequency, one timer', () => {
    const { clock, vtn, ven } = setup('reregistration');
    ven.start();
    vtn.model.pollFrequency = 'PT1M';
    vtn.model.requestReregistration('VEN-1');
    vtn.recorder.clear();
    clock.advanceBy(10_000);
    expect(vtn.recorder.types()).toEqual(['oadrPoll', 'oadrResponse', 'oadrCreatePartyRegistration', 'oadrRequestEvent', 'oadrPoll']);
    expect(vtn.recorder.messages('oadrCreatePartyRegistration')[0]).toMatchObject({ venID: 'VEN-1', registrationID: 'REG-2' });
    expect(ven.registration?.pollFrequencyMs).toBe(60_000);
    expect(clock.pending).toBe(1);
    vtn.recorder.clear();
    clock.advanceBy(180_000);
    expect(vtn.recorder.types()).toEqual(['oadrPoll', 'oadrPoll', 'oadrPoll']);
  });

  it('reregister() from the user does the same without duplicating timers', () => {
    const { clock, vtn, ven } = setup('reregister-user');
    ven.start();
    ven.reregister();
    ven.reregister();
    expect(clock.pending).toBe(1);
    vtn.recorder.clear();
    clock.advanceBy(30_000);
    // One re-registration, paced by the retry policy (5 s after the first registration), then polls every 10 s.
    expect(vtn.recorder.types()).toEqual(['oadrCreatePartyRegistration', 'oadrRequestEvent', 'oadrPoll', 'oadrPoll', 'oadrPoll']);
    expect(vtn.recorder.requests[0]?.at.getTime()).toBe(clock.epoch + 5_000);
  });
});

describe('cancellation (§3.1)', () => {
  it('a VTN cancel with our registrationID: 200, state dropped, polling stops', () => {
    const { clock, vtn, ven } = setup('cancel-own');
    ven.start();
    vtn.model.cancelRegistration('VEN-1');
    clock.advanceBy(10_000);
    const [answer] = vtn.recorder.messages('oadrCanceledPartyRegistration');
    expect(answer).toMatchObject({ eiResponse: { responseCode: '200' }, registrationID: 'REG-2', venID: 'VEN-1' });
    expect(ven.status).toEqual({ state: 'cancelled', by: 'vtn' });
    expect(ven.registration).toBeUndefined();
    vtn.recorder.clear();
    clock.advanceBy(60_000);
    expect(vtn.recorder.types()).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('a VTN cancel with a foreign registrationID: 452, registration kept', () => {
    const { clock, vtn, ven } = setup('cancel-foreign');
    ven.start();
    vtn.model.cancelRegistration('VEN-1', 'REG-SOMEONE-ELSE');
    clock.advanceBy(10_000);
    expect(vtn.recorder.messages('oadrCanceledPartyRegistration')[0]?.eiResponse.responseCode).toBe('452');
    expect(ven.registration?.registrationID).toBe('REG-2');
    expect(ven.status.state).toBe('polling');
  });

  it('cancelRegistration() from the VEN', async () => {
    const { clock, vtn, ven } = setup('cancel-ven');
    ven.start();
    await ven.cancelRegistration();
    expect(vtn.recorder.messages('oadrCancelPartyRegistration')[0]).toMatchObject({ registrationID: 'REG-2', venID: 'VEN-1' });
    expect(ven.status).toEqual({ state: 'cancelled', by: 'ven' });
    vtn.recorder.clear();
    clock.advanceBy(60_000);
    expect(vtn.recorder.types()).toEqual([]);
  });
});

describe('polling (§1.6)', () => {
  it('polls every requested interval, capped at 24 h', () => {
    const { clock, vtn, ven } = setup('cap', {}, { pollFrequency: 'P2D' });
    ven.start();
    expect(ven.registration?.pollFrequencyMs).toBe(86_400_000);
    vtn.recorder.clear();
    clock.advanceBy(2 * 86_400_000);
    expect(vtn.recorder.requests.map((r) => r.at.toISOString())).toEqual(['2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z']);
  });

  it('drains: polls again at once until the VTN answers oadrResponse, answering report payloads', () => {
    const { clock, vtn, ven } = setup('drain');
    ven.start();
    const venID = 'VEN-1';
    vtn.model.enqueue(venID, { message: { type: 'oadrRegisterReport', requestID: 'rr-1', oadrReport: [], venID } });
    vtn.model.enqueue(venID, { message: { type: 'oadrCreateReport', requestID: 'cr-1', oadrReportRequest: [{ reportRequestID: 'rq-1', reportSpecifier: { reportSpecifierID: 'spec-1', granularity: Duration.parse('PT1M')!, reportBackDuration: Duration.parse('PT1M')!, specifierPayload: [{ rID: 'r1', readingType: 'Direct Read' }] } }], venID } });
    vtn.model.enqueue(venID, { message: { type: 'oadrCancelReport', requestID: 'cx-1', reportRequestID: ['rq-1'], reportToFollow: false, venID } });
    vtn.model.enqueue(venID, { message: { type: 'oadrUpdateReport', requestID: 'up-1', oadrReport: [], venID } });
    vtn.recorder.clear();
    clock.advanceBy(10_000);
    expect(vtn.recorder.types()).toEqual([
      'oadrPoll', 'oadrRegisteredReport', 'oadrPoll', 'oadrCreatedReport', 'oadrPoll', 'oadrCanceledReport', 'oadrPoll', 'oadrUpdatedReport', 'oadrPoll',
    ]);
    expect(new Set(vtn.recorder.requests.map((r) => r.at.getTime() - clock.epoch))).toEqual(new Set([10_000]));
    expect(vtn.recorder.messages('oadrCreatedReport')[0]).toMatchObject({ eiResponse: { responseCode: '452', requestID: 'cr-1' }, oadrPendingReports: [] });
    expect(vtn.recorder.messages('oadrCanceledReport')[0]?.eiResponse.responseCode).toBe('452');
    expect(vtn.recorder.messages('oadrRegisteredReport')[0]?.eiResponse).toMatchObject({ responseCode: '200', requestID: 'rr-1' });
    expect(vtn.recorder.messages('oadrUpdatedReport')[0]?.eiResponse).toMatchObject({ responseCode: '200', requestID: 'up-1' });
  });

  it('treats an empty 200 as nothing', () => {
    const { clock, vtn, ven, errors } = setup('empty');
    ven.start();
    vtn.faults.failNext('OadrPoll', 1, 'empty');
    vtn.recorder.clear();
    clock.advanceBy(20_000);
    expect(vtn.recorder.requests.map((r) => r.at.getTime() - clock.epoch)).toEqual([10_000, 20_000]);
    expect(errors).toEqual([]);
  });

  it('backs off after HTTP 500 and a timeout, then polls normally again', () => {
    const { clock, vtn, ven, statuses } = setup('http-500');
    ven.start();
    vtn.faults.failNext('OadrPoll', 1, 'http-500');
    vtn.faults.failNext('OadrPoll', 1, 'timeout');
    vtn.recorder.clear();
    clock.advanceBy(60_000);
    // 10 s: 500 → 5 s backoff; 15 s: timeout → 10 s; 25 s ok; then every 10 s.
    expect(vtn.recorder.requests.map((r) => r.at.getTime() - clock.epoch)).toEqual([10_000, 15_000, 25_000, 35_000, 45_000, 55_000]);
    expect(statuses.filter((s) => s.state === 'backoff')).toMatchObject([
      { phase: 'poll', attempt: 1, delayMs: 5_000 },
      { phase: 'poll', attempt: 2, delayMs: 10_000 },
    ]);
    expect(ven.status.state).toBe('polling');
  });

  it('reports an undecodable or unexpected poll answer and keeps polling', () => {
    const { clock, vtn, ven, errors } = setup('unknown-payload');
    ven.start();
    const raw = '<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07"><oadr:oadrSignedObject><oadr:oadrSurprise/></oadr:oadrSignedObject></oadr:oadrPayload>';
    vtn.model.enqueue('VEN-1', { raw });
    vtn.model.enqueue('VEN-1', { message: { type: 'oadrCreateOpt', optID: 'o', optType: 'optIn', optReason: 'economic', venID: 'VEN-1', createdDateTime: new Date(0), requestID: 'x', eiTarget: {} } });
    clock.advanceBy(10_000);
    expect(errors.map((e) => e.code)).toEqual(['decode']);
    vtn.recorder.clear();
    clock.advanceBy(10_000);
    // An answer a poll cannot carry is refused (451) and never re-polls at once: the next poll waits its turn.
    expect(vtn.recorder.types()).toEqual(['oadrPoll', 'oadrResponse']);
    expect(vtn.recorder.messages('oadrResponse')[0]?.eiResponse.responseCode).toBe('451');
    clock.advanceBy(10_000);
    expect(vtn.recorder.types()).toEqual(['oadrPoll', 'oadrResponse', 'oadrPoll']);
    expect(errors.map((e) => e.code)).toEqual(['decode', 'unexpected-message']);
    expect(ven.status.state).toBe('polling');
  });
});

describe('options', () => {
  it('refuses missing or contradictory settings at construction, saying what to do', () => {
    const vtn = createMockVtn();
    expect(() => createVen({ pollPhase: 0, venName: '', transport: vtn.transport() })).toThrow(/venName is required/);
    expect(() => createVen({ pollPhase: 0, venName: 'v', transport: vtn.transport(), pollJitter: 2 })).toThrow(/pollJitter/);
    expect(() => createVen({ pollPhase: 0, venName: 'v', transport: vtn.transport(), backoff: { initialMs: 10, maxMs: 5 } })).toThrow(/maxMs/);
    expect(() => createVen({ pollPhase: 0, venName: 'v', transport: { ...vtn.transport(), inbound$: EMPTY } })).toThrow(/pushAddress/);
    expect(() => createVen({ pollPhase: 0, venName: 'v', transport: vtn.transport(), marketContexts: [] })).toThrow(VenError);
  });
});
