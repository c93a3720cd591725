import { firstValueFrom, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, type OadrMessage, type Transport } from '@rxadr/core';
import { createMockVtn, createVirtualClock } from '@rxadr/testing';

const call = (transport: Transport, message: OadrMessage, service: Parameters<Transport['send']>[0]['service'] = 'EiRegisterParty'): string => {
  let body: string | undefined;
  transport.send({ service, body: encodeMessage(message) }).subscribe({ next: (b) => (body = b), error: (e: unknown) => { throw e; } });
  if (body === undefined) throw new Error('not answered synchronously');
  return body;
};
const decoded = (xml: string): OadrMessage => {
  const result = decodeMessage(xml);
  if (!result.ok) throw result.error;
  return result.message;
};

describe('virtual clock', () => {
  it('reports realistic instants and runs due actions on advance', () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const fired: string[] = [];
    timer(90_000, clock).subscribe(() => fired.push(clock.date.toISOString()));
    clock.advanceBy(60_000);
    expect(fired).toEqual([]);
    clock.advanceTo('2026-01-01T00:02:00Z');
    expect(fired).toEqual(['2026-01-01T00:01:30.000Z']);
    expect(clock.date.toISOString()).toBe('2026-01-01T00:02:00.000Z');
    expect(clock.pending).toBe(0);
  });
});

describe('in-memory mock VTN', () => {
  it('answers synchronously, registers with upper-case IDs and queues distributions listing every current event', () => {
    const clock = createVirtualClock();
    const vtn = createMockVtn({ scheduler: clock, pollFrequency: 'PT30S' });
    const t = vtn.transport();
    const reg = decoded(call(t, { type: 'oadrCreatePartyRegistration', requestID: 'r1', oadrProfileName: '2.0b', oadrTransportName: 'simpleHttp', oadrReportOnly: false, oadrXmlSignature: false, oadrVenName: 'v', oadrHttpPullModel: true }));
    expect(reg).toMatchObject({ type: 'oadrCreatedPartyRegistration', venID: 'VEN-1', registrationID: 'REG-2', vtnID: 'MOCK-VTN-1' });
    vtn.model.createEvent({ eventID: 'a', start: '2026-01-01T01:00:00Z' });
    vtn.model.createEvent({ eventID: 'b', start: '2026-01-01T01:00:00Z' });
    const polls = [1, 2, 3].map(() => decoded(call(t, { type: 'oadrPoll', venID: 'VEN-1' }, 'OadrPoll')));
    expect(polls.map((m) => (m.type === 'oadrDistributeEvent' ? m.oadrEvent?.map((e) => e.eiEvent.eventDescriptor.eventID).join(',') : m.type))).toEqual(['a', 'a,b', 'oadrResponse']);
    expect(vtn.recorder.types()).toEqual(['oadrCreatePartyRegistration', 'oadrPoll', 'oadrPoll', 'oadrPoll']);
    expect(vtn.recorder.requests[0]?.at).toEqual(new Date('2026-01-01T00:00:00Z'));
  });

  it('injects faults: HTTP 500, timeout, empty body, down until up', async () => {
    const vtn = createMockVtn();
    const t = vtn.transport();
    const poll = () => firstValueFrom(t.send({ service: 'OadrPoll', body: encodeMessage({ type: 'oadrPoll', venID: 'x' }) }), { defaultValue: 'none' });
    vtn.faults.failNext('OadrPoll', 1, 'http-500');
    vtn.faults.failNext('*', 1, 'timeout');
    vtn.faults.failNext('OadrPoll', 1, 'empty');
    await expect(poll()).rejects.toMatchObject({ code: 'http-status', status: 500 });
    await expect(poll()).rejects.toMatchObject({ code: 'timeout' });
    await expect(poll()).resolves.toBe('');
    vtn.faults.down();
    await expect(poll()).rejects.toMatchObject({ code: 'connect' });
    vtn.faults.up();
    await expect(poll()).resolves.toContain('oadrResponse');
    expect(vtn.recorder.requests.map((r) => r.fault)).toEqual(['http-500', 'timeout', 'empty', 'down', undefined]);
  });

  it('answers an undecodable request with HTTP 400 and records it', async () => {
    const vtn = createMockVtn();
    await expect(firstValueFrom(vtn.transport().send({ service: 'EiEvent', body: '<nope/>' }))).rejects.toMatchObject({ status: 400 });
    expect(vtn.recorder.types()).toEqual(['(undecodable)']);
  });
});
