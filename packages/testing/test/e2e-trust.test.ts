import { filter, firstValueFrom, map } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVen, optIn, type Ven } from '@rxadr/core';
import { createTlsPeerBinding, fingerprint, xmlSignatures, type TrustOptions } from '@rxadr/signing';
import { httpTransport } from '@rxadr/transport';
import { createHttpMockVtn, createTestCa, type TestCa, type TestIdentity } from '@rxadr/testing';

/** Who the VTN is, end to end: real TLS on loopback, real signatures, the engine unchanged (findings 1 and the TLS binding). */

let ca: TestCa;
let vtnTls: TestIdentity; // the VTN's TLS certificate, also used to sign in the bound case
let vtnSigner: TestIdentity; // a separate signing certificate of the VTN
let venTls: TestIdentity;
let otherVen: TestIdentity; // another VEN's certificate under the same CA
let venSigner: TestIdentity;

beforeAll(async () => {
  ca = await createTestCa({ keyType: 'ec', commonName: 'e2e trust root' });
  [vtnTls, vtnSigner, venTls, otherVen, venSigner] = await Promise.all([
    ca.issue({ commonName: 'vtn.local', keyType: 'ec', hostnames: ['localhost'], ipAddresses: ['127.0.0.1'], usage: 'both' }),
    ca.issue({ commonName: 'vtn-signer', keyType: 'ec' }),
    ca.issue({ commonName: 'ven-tls', keyType: 'ec', usage: 'client' }),
    ca.issue({ commonName: 'ven-other', keyType: 'ec' }),
    ca.issue({ commonName: 'ven-signer', keyType: 'ec' }),
  ]);
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(vtnSignsWith: TestIdentity, trust: (peers: ReturnType<typeof createTlsPeerBinding>) => TrustOptions): Promise<Ven> {
  const vtn = await createHttpMockVtn({
    pollFrequency: 'PT1S',
    tls: { cert: vtnTls.certPem, key: vtnTls.keyPem, ca: ca.certPem },
    signing: { identity: vtnSignsWith, trust: { fingerprints: [fingerprint(venSigner.certPem)] } },
  });
  const peers = createTlsPeerBinding();
  const http = httpTransport({ vtnUrl: vtn.url, tls: { cert: venTls.certPem, key: venTls.keyPem, ca: ca.certPem, onPeerCertificate: peers.record } });
  const transport = xmlSignatures({ identity: venSigner, trust: trust(peers) })(http);
  const ven = createVen({ venName: 'e2e-trust', transport, xmlSignature: true, decide: (events$) => events$.pipe(map(optIn)), backoff: { initialMs: 200, maxMs: 400 } });
  cleanups.push(async () => {
    await ven.stop();
    await transport.close?.();
    await vtn.close();
  });
  return ven;
}

const registered = (ven: Ven): Promise<unknown> => firstValueFrom(ven.status$.pipe(filter((s) => s.state === 'registered' || s.state === 'polling')));
const refusedWith = (ven: Ven, pattern: RegExp): Promise<unknown> =>
  firstValueFrom(ven.errors$.pipe(filter((e) => pattern.test(`${e.message} ${String((e.cause as Error | undefined)?.message ?? '')}`))));

describe('the VTN is who the configuration says, over real TLS', () => {
  it('registers when the VTN signs with the certificate it presented in TLS (signerIsTlsPeer)', async () => {
    const ven = await start(vtnTls, (peers) => ({ ca: [ca.certPem], identity: { commonName: 'vtn.local' }, signerIsTlsPeer: peers }));
    ven.start();
    await registered(ven);
    expect(ven.registration?.venID).toBeTruthy();
  });

  it('refuses a signer that is not the TLS peer, though the CA issued it and its name is expected', async () => {
    const ven = await start(vtnSigner, (peers) => ({ ca: [ca.certPem], identity: { commonName: ['vtn.local', 'vtn-signer'] }, signerIsTlsPeer: peers }));
    ven.start();
    await refusedWith(ven, /identity-mismatch.*is not the TLS peer/);
    expect(ven.registration).toBeUndefined();
  });

  it('refuses another VEN certificate of the same CA as the VTN signer', async () => {
    const ven = await start(otherVen, () => ({ ca: [ca.certPem], identity: { commonName: 'vtn-signer' } }));
    ven.start();
    await refusedWith(ven, /identity-mismatch.*CN=ven-other is not the expected VTN/);
    expect(ven.registration).toBeUndefined();
  });
});
