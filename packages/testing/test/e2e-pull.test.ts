import { map } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVen, optIn, type Transport, type Ven, type VenError } from '@rxadr/core';
import { fingerprint, xmlSignatures } from '@rxadr/signing';
import { httpTransport } from '@rxadr/transport';
import { createHttpMockVtn, createSchemaValidator, createTestCa, schemaAvailable, type HttpMockVtn, type KeyType, type TestCa, type TestIdentity } from '@rxadr/testing';

/** The engine, unchanged, over the real pull transport against the HTTP mock VTN (OPENADR.md §1.6, §7). */

interface Pki {
  readonly ca: TestCa;
  readonly vtnTls: TestIdentity;
  readonly venTls: TestIdentity;
  readonly vtnSign: TestIdentity;
  readonly venSign: TestIdentity;
}
const pki = new Map<KeyType, Pki>();

beforeAll(async () => {
  for (const keyType of ['rsa', 'ec'] as const) {
    const ca = await createTestCa({ keyType, commonName: `e2e ${keyType} root` });
    const [vtnTls, venTls, vtnSign, venSign] = await Promise.all([
      ca.issue({ commonName: 'vtn.local', keyType, hostnames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'server' }),
      ca.issue({ commonName: 'ven-tls', keyType, usage: 'client' }),
      ca.issue({ commonName: 'vtn-signer', keyType }),
      ca.issue({ commonName: 'ven-signer', keyType }),
    ]);
    pki.set(keyType, { ca, vtnTls, venTls, vtnSign, venSign });
  }
});

const cleanups: Array<() => Promise<void>> = [];
const sentByVtn = new Map<string, string>();
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  if (!schemaAvailable()) return;
  await createSchemaValidator().assertValid(Object.fromEntries([...sentByVtn].map(([xml, name]) => [name, xml])));
});

interface PairOptions {
  readonly keyType?: KeyType;
  readonly tls?: boolean;
  readonly signing?: boolean;
  /** Sign the VEN's requests with a key the VTN does not trust. */
  readonly wrongVenKey?: boolean;
}

async function startPair(name: string, options: PairOptions) {
  const p = pki.get(options.keyType ?? 'rsa')!;
  const vtn: HttpMockVtn = await createHttpMockVtn({
    pollFrequency: 'PT1S',
    ...(options.tls ? { tls: { cert: p.vtnTls.certPem, key: p.vtnTls.keyPem, ca: p.ca.certPem } } : {}),
    ...(options.signing ? { signing: { identity: p.vtnSign, trust: { fingerprints: [fingerprint(p.venSign.certPem)] } } } : {}),
  });
  const http = httpTransport({ vtnUrl: vtn.url, ...(options.tls ? { tls: { cert: p.venTls.certPem, key: p.venTls.keyPem, ca: p.ca.certPem } } : {}) });
  const venSigner = options.wrongVenKey ? p.vtnTls : p.venSign;
  const transport: Transport = options.signing ? xmlSignatures({ identity: venSigner, trust: { fingerprints: [fingerprint(p.vtnSign.certPem)] } })(http) : http;
  const ven: Ven = createVen({ venName: `e2e-${name}`, transport, xmlSignature: options.signing ?? false, decide: (events$) => events$.pipe(map(optIn)), backoff: { initialMs: 200, maxMs: 400 } });
  const errors: VenError[] = [];
  ven.errors$.subscribe((e) => errors.push(e));
  cleanups.push(async () => {
    await ven.stop();
    await transport.close?.();
    await vtn.close();
    for (const doc of vtn.recorder.sent) if (doc.xml !== '') sentByVtn.set(doc.xml, `${name}:${doc.service}`);
  });
  return { vtn, ven, errors };
}

async function registerAndAnswerAnEvent(vtn: HttpMockVtn, ven: Ven): Promise<void> {
  const registered = vtn.expect.registration({ within: 5_000 });
  const firstPoll = vtn.expect.message('oadrPoll', { within: 5_000 });
  ven.start();
  await registered;
  await firstPoll;
  const eventID = vtn.model.createEvent({ start: new Date(Date.now() + 60_000), duration: 'PT10M', intervals: [{ duration: 'PT5M', value: 1 }, { duration: 'PT5M', value: 2 }], rampUp: 'PT1M' });
  const created = await vtn.expect.createdEvent({ eventID, optType: 'optIn', responseCode: '200', within: 5_000 });
  expect(created.eiCreatedEvent.venID).toBe(ven.registration?.venID);
  vtn.assertNoPendingExpectations();
}

describe('e2e pull over HTTP(S) (OPENADR.md §1.6)', () => {
  it('plain HTTP, no signatures: registers, polls and answers a distributed event', async () => {
    const { vtn, ven } = await startPair('plain', {});
    await registerAndAnswerAnEvent(vtn, ven);
    expect(vtn.recorder.types().slice(0, 3)).toEqual(['oadrQueryRegistration', 'oadrCreatePartyRegistration', 'oadrRequestEvent']);
    expect(vtn.recorder.requests.some((r) => /<ds:Signature[\s>]/.test(r.xml))).toBe(false);
  });

  it('HTTPS with mutual TLS, no signatures', async () => {
    const { vtn, ven } = await startPair('mtls', { tls: true });
    expect(vtn.url).toMatch(/^https:/);
    await registerAndAnswerAnEvent(vtn, ven);
  });

  for (const keyType of ['rsa', 'ec'] as const) {
    it(`HTTPS with mutual TLS and XML signatures both ways (${keyType})`, async () => {
      const { vtn, ven, errors } = await startPair(`signed-${keyType}`, { tls: true, signing: true, keyType });
      await registerAndAnswerAnEvent(vtn, ven);
      expect(vtn.recorder.requests.every((r) => r.rejected === undefined && /<ds:Signature[\s>]/.test(r.xml))).toBe(true);
      expect(vtn.recorder.sent.filter((d) => d.xml !== '').every((d) => /<ds:Signature[\s>]/.test(d.xml))).toBe(true);
      expect(errors.filter((e) => e.code !== 'transport')).toEqual([]);
    });
  }

  it('answers HTTP 403 to a VEN whose signing key it does not trust, and records why', async () => {
    const { vtn, ven, errors } = await startPair('untrusted', { tls: true, signing: true, wrongVenKey: true });
    const refused = new Promise<void>((resolve) => ven.errors$.subscribe(() => resolve()));
    ven.start();
    await refused;
    expect(vtn.recorder.requests[0]?.rejected).toMatch(/fingerprint|untrusted/);
    expect(vtn.recorder.requests[0]?.message).toBeUndefined();
    expect(errors[0]?.message).toMatch(/403/);
  });
});
