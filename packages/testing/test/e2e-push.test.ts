import { map } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVen, optIn, type Transport, type Ven } from '@rxadr/core';
import { fingerprint, xmlSignatures } from '@rxadr/signing';
import { httpPushServer, httpTransport, pushTransport } from '@rxadr/transport';
import { createHttpMockVtn, createTestCa, type HttpMockVtn, type TestCa, type TestIdentity } from '@rxadr/testing';

/** Push mode end to end (OPENADR.md §1.7): the VTN POSTs to the VEN's push server. */

let ca: TestCa;
let vtnId: TestIdentity;
let venId: TestIdentity;

beforeAll(async () => {
  ca = await createTestCa({ keyType: 'ec', commonName: 'e2e push root' });
  // Each side is both a TLS server and a TLS client here.
  [vtnId, venId] = await Promise.all([
    ca.issue({ commonName: 'vtn.local', keyType: 'ec', hostnames: ['localhost'], ipAddresses: ['127.0.0.1'] }),
    ca.issue({ commonName: 'ven.local', keyType: 'ec', hostnames: ['localhost'], ipAddresses: ['127.0.0.1'] }),
  ]);
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startPushPair(signing: boolean): Promise<{ vtn: HttpMockVtn; ven: Ven }> {
  const tls = { cert: vtnId.certPem, key: vtnId.keyPem, ca: ca.certPem };
  const vtn = await createHttpMockVtn({
    tls,
    pollFrequency: 'PT1S',
    ...(signing ? { signing: { identity: vtnId, trust: { fingerprints: [fingerprint(venId.certPem)] } } } : {}),
  });
  const server = await httpPushServer({ tls: { cert: venId.certPem, key: venId.keyPem, ca: ca.certPem, pinnedFingerprints: [fingerprint(vtnId.certPem)] } });
  const raw = pushTransport(httpTransport({ vtnUrl: vtn.url, tls: { cert: venId.certPem, key: venId.keyPem, ca: ca.certPem } }), server);
  const transport: Transport = signing ? xmlSignatures({ identity: venId, trust: { fingerprints: [fingerprint(vtnId.certPem)] } })(raw) : raw;
  const ven = createVen({ venName: 'e2e-push', transport, xmlSignature: signing, decide: (events$) => events$.pipe(map(optIn)) });
  cleanups.push(async () => {
    await ven.stop();
    await transport.close?.();
    await vtn.close();
  });
  return { vtn, ven };
}

describe('e2e push over HTTPS (OPENADR.md §1.7)', () => {
  for (const signing of [false, true]) {
    it(`registers with its push address; the VTN pushes an event, gets oadrResponse in the HTTP answer and oadrCreatedEvent as a separate POST${signing ? ' (signed both ways)' : ''}`, async () => {
      const { vtn, ven } = await startPushPair(signing);
      const registered = vtn.expect.registration({ within: 5_000 });
      ven.start();
      const registration = await registered;
      expect(registration).toMatchObject({ oadrHttpPullModel: false, oadrTransportAddress: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/) });
      await vtn.expect.message('oadrPoll', { within: 5_000 });
      const venID = ven.registration!.venID;
      expect(vtn.model.vens.get(venID)).toMatchObject({ pull: false, transportAddress: registration.oadrTransportAddress });

      const acknowledged = vtn.expect.message('oadrResponse', { within: 5_000 });
      const eventID = vtn.model.createEvent({ start: new Date(Date.now() + 60_000), duration: 'PT30M' });
      const created = vtn.expect.createdEvent({ eventID, optType: 'optIn', within: 5_000 });
      await acknowledged;
      await created;

      const pushAnswer = vtn.recorder.requests.find((r) => r.via === 'push-answer');
      expect(pushAnswer).toMatchObject({ service: 'EiEvent', message: { type: 'oadrResponse', eiResponse: { responseCode: '200' } } });
      const createdRequest = vtn.recorder.requests.find((r) => r.message?.type === 'oadrCreatedEvent');
      expect(createdRequest).toMatchObject({ service: 'EiEvent' });
      expect(createdRequest?.via).toBeUndefined();
      expect(vtn.recorder.sent.filter((d) => d.via === 'push')).toHaveLength(1);
      expect(vtn.model.vens.get(venID)?.queue).toEqual([]);
      expect(vtn.pushFailures).toEqual([]);
      if (signing) expect(vtn.recorder.requests.every((r) => r.rejected === undefined && /<ds:Signature[\s>]/.test(r.xml))).toBe(true);
      vtn.assertNoPendingExpectations();
    });
  }
});
