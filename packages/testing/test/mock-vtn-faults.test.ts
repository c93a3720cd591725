import { request as httpRequest } from 'node:http';
import { firstValueFrom } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeMessage, Duration, encodeMessage, serviceOfMessage, type OadrMessage, type OadrService } from '@rxadr/core';
import { fingerprint, verifyPayload } from '@rxadr/signing';
import { httpTransport } from '@rxadr/transport';
import {
  createHttpMockVtn,
  createMockVtn,
  createSchemaCheck,
  createSchemaValidator,
  createTestCa,
  createVirtualClock,
  createVtnReportSide,
  schemaAvailable,
  type MockVtn,
} from '@rxadr/testing';

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

/** Every answer the coded-answer fault produced, checked against the XSD at the end of the file. */
const coded = createSchemaCheck();
afterAll(async () => {
  expect(coded.size).toBeGreaterThanOrEqual(16);
  await coded.assertAllValid();
});

const at = new Date('2026-01-01T00:00:00Z');
/** One request of every type a VEN sends, with the reply type an injected code must come back in. */
function requests(venID: string): Array<[OadrMessage, string]> {
  const ack = { responseCode: '200', responseDescription: 'OK', requestID: 'q-ack' };
  return [
    [registration, 'oadrCreatedPartyRegistration'],
    [{ type: 'oadrQueryRegistration', requestID: 'q-query' }, 'oadrCreatedPartyRegistration'],
    [{ type: 'oadrCancelPartyRegistration', requestID: 'q-cancel', registrationID: 'REG-2', venID }, 'oadrCanceledPartyRegistration'],
    [{ type: 'oadrCanceledPartyRegistration', eiResponse: ack, registrationID: 'REG-2', venID }, 'oadrResponse'],
    [{ type: 'oadrPoll', venID }, 'oadrResponse'],
    [{ type: 'oadrRequestEvent', eiRequestEvent: { requestID: 'q-event', venID } }, 'oadrDistributeEvent'],
    [{ type: 'oadrCreatedEvent', eiCreatedEvent: { eiResponse: ack, eventResponses: [{ responseCode: '200', requestID: 'd-1', qualifiedEventID: { eventID: 'e-1', modificationNumber: 0 }, optType: 'optIn' }], venID } }, 'oadrResponse'],
    [{ type: 'oadrCreateOpt', optID: 'opt-1', optType: 'optOut', optReason: 'economic', venID, createdDateTime: at, requestID: 'q-opt', eiTarget: {} }, 'oadrCreatedOpt'],
    [{ type: 'oadrCancelOpt', requestID: 'q-cancel-opt', optID: 'opt-1', venID }, 'oadrCanceledOpt'],
    [{ type: 'oadrRegisterReport', requestID: 'q-register-report', oadrReport: [], venID }, 'oadrRegisteredReport'],
    [{ type: 'oadrRegisteredReport', eiResponse: ack, oadrReportRequest: [], venID }, 'oadrResponse'],
    [{ type: 'oadrCreateReport', requestID: 'q-create-report', oadrReportRequest: [{ reportRequestID: 'rr-1', reportSpecifier: { reportSpecifierID: 'rs-1', granularity: duration('PT1M'), reportBackDuration: duration('PT1M'), specifierPayload: [{ rID: 'r1', readingType: 'x-notApplicable' }] } }], venID }, 'oadrCreatedReport'],
    [{ type: 'oadrCreatedReport', eiResponse: ack, oadrPendingReports: [], venID }, 'oadrResponse'],
    [{ type: 'oadrUpdateReport', requestID: 'q-update', oadrReport: [], venID }, 'oadrUpdatedReport'],
    [{ type: 'oadrCancelReport', requestID: 'q-cancel-report', reportRequestID: ['rr-1'], reportToFollow: false, venID }, 'oadrCanceledReport'],
    [{ type: 'oadrCanceledReport', eiResponse: ack, oadrPendingReports: [], venID }, 'oadrResponse'],
    [{ type: 'oadrResponse', eiResponse: ack, venID }, 'oadrResponse'],
  ];
}

function duration(text: string): Duration {
  const parsed = Duration.parse(text);
  if (!parsed) throw new RangeError(text);
  return parsed;
}

const sendTo = (vtn: MockVtn, m: OadrMessage) => firstValueFrom(vtn.transport().send({ service: serviceOfMessage(m.type), body: encodeMessage(m) }));
const answerOf = async (pending: Promise<string>): Promise<OadrMessage> => {
  const decoded = decodeMessage(await pending);
  if (!decoded.ok) throw decoded.error;
  return decoded.message;
};

describe('mock VTN: openadr-code, raw, trickle, forget and count (memory front door)', () => {
  it('answers an injected OpenADR code in the reply type of every request, schema-valid, without touching the model', async () => {
    const vtn = createMockVtn();
    const side = createVtnReportSide();
    vtn.model.reports = side;
    const venID = (await answerOf(sendTo(vtn, registration))) as Extract<OadrMessage, { type: 'oadrCreatedPartyRegistration' }>;
    const id = venID.venID!;
    for (const [request, replyType] of requests(id)) {
      vtn.faults.inject({ kind: 'openadr-code', code: '463', description: 'not registered' }, { type: request.type, times: 1 });
      const xml = await sendTo(vtn, request);
      coded.add(`memory ${request.type}`, xml);
      const answer = await answerOf(Promise.resolve(xml));
      expect(answer.type, request.type).toBe(replyType);
      const eiResponse = answer.type === 'oadrDistributeEvent' ? answer.eiResponse : 'eiResponse' in answer ? answer.eiResponse : undefined;
      expect(eiResponse, request.type).toMatchObject({ responseCode: '463', responseDescription: 'not registered' });
    }
    // The model saw none of it: one VEN (the first registration), no opt, no event answer, no report request.
    expect(vtn.model.registered()).toHaveLength(1);
    expect(vtn.model.opts.size).toBe(0);
    expect(vtn.model.createdEvents).toHaveLength(0);
    expect(side.venRequests.size).toBe(0);
    expect(vtn.recorder.requests.slice(1).map((r) => r.fault)).toEqual(requests(id).map(() => 'openadr-463'));
    // Scoped by type: the fault for oadrUpdateReport leaves oadrRegisterReport on the same service alone.
    vtn.faults.inject({ kind: 'openadr-code', code: '500' }, { type: 'oadrUpdateReport', times: 1 });
    expect(await answerOf(sendTo(vtn, { type: 'oadrRegisterReport', requestID: 'r2', oadrReport: [], venID: id }))).toMatchObject({ type: 'oadrRegisteredReport', eiResponse: { responseCode: '200' } });
    expect(await answerOf(sendTo(vtn, { type: 'oadrUpdateReport', requestID: 'u2', oadrReport: [], venID: id }))).toMatchObject({ type: 'oadrUpdatedReport', eiResponse: { responseCode: '500', requestID: 'u2' } });
    // asResponse: oadrResponse whatever the request.
    vtn.faults.inject({ kind: 'openadr-code', code: '452', asResponse: true }, { service: 'EiOpt', times: 1 });
    const [optRequest] = requests(id).filter(([m]) => m.type === 'oadrCreateOpt').map(([m]) => m);
    const asResponse = await sendTo(vtn, optRequest!);
    coded.add('memory asResponse', asResponse);
    expect(await answerOf(Promise.resolve(asResponse))).toMatchObject({ type: 'oadrResponse', eiResponse: { responseCode: '452', requestID: 'q-opt' } });
  });

  it('answers a raw body: 200 as it is, another status as TransportError(http-status) with the body', async () => {
    const vtn = createMockVtn();
    const html = '<!doctype html><html><body><form>login</form></body></html>';
    vtn.faults.failNext('OadrPoll', 1, { kind: 'raw', body: html });
    vtn.faults.failNext('OadrPoll', 1, { kind: 'raw', status: 502, body: html });
    expect(await sendTo(vtn, poll)).toBe(html);
    await expect(sendTo(vtn, poll)).rejects.toMatchObject({ code: 'http-status', status: 502, body: html, retryable: true });
    expect(vtn.recorder.requests.map((r) => r.fault)).toEqual(['raw-200', 'raw-502']);
    expect(() => vtn.faults.failNext('OadrPoll', 1, { kind: 'raw', status: 42, body: '' })).toThrow(RangeError);
  });

  it('holds a trickled answer for as long as the trickle takes, on the scheduler', async () => {
    const clock = createVirtualClock();
    const vtn = createMockVtn({ scheduler: clock });
    await sendTo(vtn, registration);
    vtn.faults.failNext('EiRegisterParty', 1, { kind: 'trickle', bytesPerChunk: 100, everyMs: 1_000 });
    const bodies: string[] = [];
    vtn.transport().send({ service: 'EiRegisterParty', body: encodeMessage({ type: 'oadrQueryRegistration', requestID: 'q' }) }).subscribe((b) => bodies.push(b));
    const expected = vtn.recorder.sent.at(-1)!.xml;
    const ms = Math.ceil(Buffer.byteLength(expected) / 100) * 1_000;
    clock.advanceBy(ms - 1);
    expect(bodies).toEqual([]);
    clock.advanceBy(1);
    expect(bodies).toEqual([expected]);
    expect(() => vtn.faults.failNext('OadrPoll', 1, { kind: 'trickle', bytesPerChunk: 0, everyMs: 1 })).toThrow(RangeError);
  });

  it('forgets a VEN: registration, queue, opts, event answers and report requests gone; the old venID is unknown', async () => {
    for (const unknownVen of ['answer-463', 'request-reregistration'] as const) {
      const vtn = createMockVtn({ unknownVen });
      const side = createVtnReportSide();
      vtn.model.reports = side;
      const created = (await answerOf(sendTo(vtn, registration))) as Extract<OadrMessage, { type: 'oadrCreatedPartyRegistration' }>;
      const other = (await answerOf(sendTo(vtn, { ...registration, requestID: 'r-other', oadrVenName: 'other' }))) as typeof created;
      const id = created.venID!;
      const all = requests(id);
      for (const type of ['oadrCreatedEvent', 'oadrCreateOpt', 'oadrCreateReport'] as const) await sendTo(vtn, all.find(([m]) => m.type === type)![0]);
      vtn.model.createEvent({ start: '2026-01-01T01:00:00Z', duration: 'PT1H' });
      expect([vtn.model.opts.size, vtn.model.createdEvents.length, side.venRequests.size, vtn.model.vens.get(id)?.queue.length]).toEqual([1, 1, 1, 1]);

      expect(vtn.model.forgetVen(id)).toBe(true);
      expect(vtn.model.forgetVen(id)).toBe(false);
      expect(vtn.model.registered().map((v) => v.venID)).toEqual([other.venID]);
      expect([vtn.model.opts.size, vtn.model.createdEvents.length, side.venRequests.size]).toEqual([0, 0, 0]);
      expect(vtn.model.events.size).toBe(1); // the program stays
      const polled = await answerOf(sendTo(vtn, { type: 'oadrPoll', venID: id }));
      if (unknownVen === 'answer-463') expect(polled).toMatchObject({ type: 'oadrResponse', eiResponse: { responseCode: '463' } });
      else expect(polled).toEqual({ type: 'oadrRequestReregistration', venID: id });
      // Reports naming the forgotten venID are refused too, not accepted.
      expect(await answerOf(sendTo(vtn, { type: 'oadrUpdateReport', requestID: 'u', oadrReport: [], venID: id }))).toMatchObject({ type: 'oadrResponse', eiResponse: { responseCode: '463' } });
      expect(await answerOf(sendTo(vtn, { type: 'oadrPoll', venID: other.venID! }))).toMatchObject({ type: 'oadrDistributeEvent' });

      vtn.model.forgetAll();
      expect(vtn.model.registered()).toEqual([]);
    }
  });

  it('registers a VEN that names forgotten IDs fresh, or answers 463 with unknownRegistration: answer-463', async () => {
    for (const unknownRegistration of ['fresh', 'answer-463'] as const) {
      const vtn = createMockVtn({ unknownRegistration });
      const first = (await answerOf(sendTo(vtn, registration))) as Extract<OadrMessage, { type: 'oadrCreatedPartyRegistration' }>;
      vtn.model.forgetAll();
      const again = (await answerOf(sendTo(vtn, { ...registration, venID: first.venID!, registrationID: first.registrationID! }))) as typeof first;
      if (unknownRegistration === 'fresh') {
        expect(again).toMatchObject({ eiResponse: { responseCode: '200' } });
        expect(again.venID).not.toBe(first.venID);
      } else {
        expect(again).toMatchObject({ eiResponse: { responseCode: '463' } });
        expect(again.venID).toBeUndefined();
        expect(vtn.model.registered()).toEqual([]);
        expect(await answerOf(sendTo(vtn, registration))).toMatchObject({ eiResponse: { responseCode: '200' } });
      }
    }
  });

  it('counts what it received, by type and by service (faulted requests too)', async () => {
    const vtn = createMockVtn();
    await sendTo(vtn, registration);
    vtn.faults.failNext('OadrPoll', 1, 'http-500');
    await sendTo(vtn, poll).catch(() => undefined);
    await sendTo(vtn, poll);
    await sendTo(vtn, { type: 'oadrQueryRegistration', requestID: 'q' });
    expect(vtn.recorder.count()).toBe(4);
    expect(vtn.recorder.count('oadrPoll')).toBe(2);
    expect(vtn.recorder.count(undefined, 'EiRegisterParty')).toBe(2);
    expect(vtn.recorder.count('oadrQueryRegistration', 'EiRegisterParty')).toBe(1);
    expect(vtn.recorder.count('oadrQueryRegistration', 'OadrPoll')).toBe(0);
  });
});

describe('mock VTN: openadr-code, raw, trickle, forget and count (HTTP front door)', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('answers injected codes and raw bodies over HTTP; forgets VENs; counts', async () => {
    const vtn = await createHttpMockVtn();
    const t = httpTransport({ vtnUrl: vtn.url });
    closers.push(async () => (await t.close?.(), await vtn.close()));
    const send = (m: OadrMessage) => firstValueFrom(t.send({ service: serviceOfMessage(m.type), body: encodeMessage(m) }));
    const created = (await answerOf(send(registration))) as Extract<OadrMessage, { type: 'oadrCreatedPartyRegistration' }>;
    const id = created.venID!;
    for (const [request, replyType] of requests(id)) {
      vtn.faults.inject({ kind: 'openadr-code', code: '503' }, { type: request.type, times: 1 });
      const xml = await send(request);
      coded.add(`http ${request.type}`, xml);
      expect((await answerOf(Promise.resolve(xml))).type, request.type).toBe(replyType);
      expect(xml).toContain('<ei:responseCode>503</ei:responseCode>');
    }
    const html = '<html><body>Please log in</body></html>';
    vtn.faults.failNext('OadrPoll', 1, { kind: 'raw', body: html });
    vtn.faults.failNext('OadrPoll', 1, { kind: 'raw', status: 503, body: html });
    expect(await send({ type: 'oadrPoll', venID: id })).toBe(html);
    await expect(send({ type: 'oadrPoll', venID: id })).rejects.toMatchObject({ code: 'http-status', status: 503, body: html, retryable: true });
    vtn.model.forgetVen(id);
    expect(await answerOf(send({ type: 'oadrPoll', venID: id }))).toMatchObject({ eiResponse: { responseCode: '463' } });
    expect(vtn.recorder.count('oadrPoll')).toBe(4);
    expect(vtn.model.registered()).toEqual([]);
  });

  it('trickles the real answer a few bytes at a time with its full Content-Length', async () => {
    const vtn = await createHttpMockVtn();
    closers.push(() => vtn.close());
    vtn.faults.failNext('EiRegisterParty', 1, { kind: 'trickle', bytesPerChunk: 64, everyMs: 2 });
    const body = encodeMessage(registration);
    const { chunks, text, length } = await new Promise<{ chunks: number; text: string; length: string | undefined }>((resolve, reject) => {
      const req = httpRequest(`${vtn.url}/OpenADR2/Simple/2.0b/EiRegisterParty`, { method: 'POST', headers: { 'content-type': 'application/xml' } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.once('end', () => resolve({ chunks: parts.length, text: Buffer.concat(parts).toString('utf8'), length: res.headers['content-length'] }));
        res.once('error', reject);
      });
      req.once('error', reject);
      req.end(body);
    });
    expect(text).toBe(vtn.recorder.sent.at(-1)!.xml);
    expect(await answerOf(Promise.resolve(text))).toMatchObject({ type: 'oadrCreatedPartyRegistration', eiResponse: { responseCode: '200' } });
    expect(Number(length)).toBe(Buffer.byteLength(text));
    // Each chunk is written on its own scheduler tick, so the client sees the body in pieces.
    expect(chunks).toBeGreaterThan(1);
    expect(vtn.recorder.requests.map((r) => r.fault)).toEqual(['trickle-64B/2ms']);
  });

  it("a trickled answer trips the pull client's deadline (a retryable timeout); the next exchange is answered", async () => {
    const vtn = await createHttpMockVtn();
    const t = httpTransport({ vtnUrl: vtn.url, deadlineMs: 250 });
    closers.push(async () => (await t.close?.(), await vtn.close()));
    vtn.faults.failNext('EiRegisterParty', 1, { kind: 'trickle', bytesPerChunk: 8, everyMs: 20 });
    const send = () => firstValueFrom(t.send({ service: 'EiRegisterParty', body: encodeMessage(registration) }));
    await expect(send()).rejects.toMatchObject({ name: 'TransportError', code: 'timeout', retryable: true });
    expect(await answerOf(send())).toMatchObject({ type: 'oadrCreatedPartyRegistration', eiResponse: { responseCode: '200' } });
  });
});
