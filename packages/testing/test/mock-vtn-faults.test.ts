import { firstValueFrom } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, type OadrMessage, type OadrService } from '@rxadr/core';
import { fingerprint, verifyPayload } from '@rxadr/signing';
import { httpTransport } from '@rxadr/transport';
import { createHttpMockVtn, createMockVtn, createSchemaValidator, createTestCa, createVirtualClock, schemaAvailable } from '@rxadr/testing';

const registration: OadrMessage = { type: 'oadrCreatePartyRegistration', requestID: 'r1', oadrProfileName: '2.0b', oadrTransportName: 'simpleHttp', oadrReportOnly: false, oadrXmlSignature: false, oadrVenName: 'v', oadrHttpPullModel: true };
const poll: OadrMessage = { type: 'oadrPoll', venID: 'VEN-1' };

describe('mock VTN faults (memory front door)', () => {
  it('applies a fault for a window of scheduler time, per service', async () => {
    const clock = createVirtualClock();
    const vtn = createMockVtn({ scheduler: clock });
    const t = vtn.transport();
    const send = (service: OadrService, m: OadrMessage) => firstValueFrom(t.send({ service, body: encodeMessage(m) }));
    await send('EiRegisterParty', registration);
    vtn.faults.failFor('OadrPoll', 60_000, { kind: 'http-status', status: 503 });
    await expect(send('OadrPoll', poll)).rejects.toMatchObject({ code: 'http-status', status: 503, retryable: true });
    await expect(send('EiEvent', { type: 'oadrRequestEvent', eiRequestEvent: { requestID: 'q', venID: 'VEN-1' } })).resolves.toContain('oadrDistributeEvent');
    clock.advanceBy(60_000);
    await expect(send('OadrPoll', poll)).resolves.toContain('oadrResponse');
    expect(vtn.recorder.requests.map((r) => r.fault)).toEqual([undefined, 'http-503', undefined, undefined]);
  });

  it('delays answers on the scheduler; shapes answers: malformed, schema-invalid, replay', async () => {
    const clock = createVirtualClock();
    const vtn = createMockVtn({ scheduler: clock });
    const t = vtn.transport();
    const bodies: string[] = [];
    t.send({ service: 'EiRegisterParty', body: encodeMessage(registration) }).subscribe((b) => bodies.push(b));
    vtn.faults.failNext('OadrPoll', 1, { kind: 'delay', ms: 5_000 });
    t.send({ service: 'OadrPoll', body: encodeMessage(poll) }).subscribe((b) => bodies.push(b));
    expect(bodies).toHaveLength(1);
    clock.advanceBy(5_000);
    expect(bodies).toHaveLength(2);
    vtn.faults.failNext('OadrPoll', 1, 'malformed');
    vtn.faults.failNext('EiRegisterParty', 1, 'schema-invalid');
    vtn.faults.failNext('OadrPoll', 1, 'replay');
    const malformed = await firstValueFrom(t.send({ service: 'OadrPoll', body: encodeMessage(poll) }));
    expect(decodeMessage(malformed).ok).toBe(false);
    const invalid = await firstValueFrom(t.send({ service: 'EiRegisterParty', body: encodeMessage({ type: 'oadrQueryRegistration', requestID: 'q2' }) }));
    expect(invalid).toContain('<oadr:notInTheSchema>');
    if (schemaAvailable()) expect((await createSchemaValidator().validate({ invalid }))[0]?.valid).toBe(false);
    expect(await firstValueFrom(t.send({ service: 'OadrPoll', body: encodeMessage(poll) }))).toBe(bodies[1]);
  });

  it('answers a message sent to the wrong service with 459, an unknown venID with 463 or oadrRequestReregistration', async () => {
    const vtn = createMockVtn();
    const reregister = createMockVtn({ unknownVen: 'request-reregistration' });
    const answer = (v: typeof vtn, service: OadrService, m: OadrMessage) => firstValueFrom(v.transport().send({ service, body: encodeMessage(m) })).then((xml) => decodeMessage(xml));
    expect(await answer(vtn, 'EiEvent', registration)).toMatchObject({ ok: true, message: { type: 'oadrResponse', eiResponse: { responseCode: '459' } } });
    expect(await answer(vtn, 'OadrPoll', { type: 'oadrPoll', venID: 'NOBODY' })).toMatchObject({ message: { type: 'oadrResponse', eiResponse: { responseCode: '463' } } });
    expect(await answer(vtn, 'EiEvent', { type: 'oadrRequestEvent', eiRequestEvent: { requestID: 'q', venID: 'NOBODY' } })).toMatchObject({ message: { eiResponse: { responseCode: '463' } } });
    expect(await answer(reregister, 'OadrPoll', { type: 'oadrPoll', venID: 'NOBODY' })).toMatchObject({ message: { type: 'oadrRequestReregistration', venID: 'NOBODY' } });
  });
});

describe('mock VTN faults (HTTP front door)', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('resets connections, holds timeouts, answers 5xx and bad signatures', async () => {
    const ca = await createTestCa({ keyType: 'ec' });
    const signer = await ca.issue({ commonName: 'vtn-signer', keyType: 'ec' });
    const vtn = await createHttpMockVtn({ signing: { identity: signer } });
    const t = httpTransport({ vtnUrl: vtn.url, readTimeout: 300 });
    closers.push(async () => (await t.close?.(), await vtn.close()));
    const send = () => firstValueFrom(t.send({ service: 'EiRegisterParty', body: encodeMessage({ type: 'oadrQueryRegistration', requestID: 'q' }) }));
    vtn.faults.failNext('EiRegisterParty', 1, 'reset');
    vtn.faults.failNext('EiRegisterParty', 1, 'timeout');
    vtn.faults.failNext('EiRegisterParty', 1, 'http-500');
    vtn.faults.failNext('EiRegisterParty', 1, 'bad-signature');
    await expect(send()).rejects.toMatchObject({ name: 'TransportError', code: 'connect' });
    await expect(send()).rejects.toMatchObject({ code: 'timeout' });
    await expect(send()).rejects.toMatchObject({ code: 'http-status', status: 500 });
    const trust = { fingerprints: [fingerprint(signer.certPem)] };
    expect(verifyPayload(await send(), trust)).toMatchObject({ ok: false });
    expect(verifyPayload(await send(), trust)).toMatchObject({ ok: true });
    expect(vtn.recorder.requests.map((r) => r.fault)).toEqual(['reset', 'timeout', 'http-500', 'bad-signature', undefined]);
  });
});
