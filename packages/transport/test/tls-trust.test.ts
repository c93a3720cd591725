import { createHash, X509Certificate } from 'node:crypto';
import { request as httpsRequest, type ServerOptions } from 'node:https';
import { type Subscription } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  certificateFingerprint,
  httpPushServer,
  httpTransport,
  TransportConfigError,
  type HttpPushServerOptions,
  type HttpTransportOptions,
  type PushServer,
} from '../src/index.js';
import type { TestIdentity } from '../../testing/src/pki/pki.js';
import { startLoopbackVtn, type LoopbackVtn } from './support/loopback-vtn.js';
import { createPki, type Pki } from './support/pki-fixtures.js';
import { testScope, transportFailure } from './support/test-scope.js';

const DAY = 86_400_000;
let pki: Pki; // the CA, a VTN server certificate for 127.0.0.1 and a VTN client certificate
let otherVen: TestIdentity; // another party's certificate under the same CA
let expiredVtn: TestIdentity;
let revokedVtn: TestIdentity;
let weakVtn: TestIdentity;
let crl: string;

beforeAll(async () => {
  pki = await createPki('ec', 'trust');
  const loopback = { hostnames: ['localhost'], ipAddresses: ['127.0.0.1'] };
  const now = Date.now();
  [otherVen, expiredVtn, revokedVtn, weakVtn] = await Promise.all([
    pki.ca.issue({ commonName: 'ven-other', keyType: 'ec', usage: 'both', ...loopback }),
    pki.ca.issue({ commonName: 'vtn-expired', keyType: 'ec', notBefore: new Date(now - 10 * DAY), notAfter: new Date(now - DAY), ...loopback }),
    pki.ca.issue({ commonName: 'vtn-revoked', keyType: 'ec', ...loopback }),
    pki.ca.issue({ commonName: 'vtn-weak', weakKey: 'rsa-1024', ...loopback }),
  ]);
  crl = await pki.ca.crl([revokedVtn.certPem]);
});

const { cleanups, exchange } = testScope();

async function vtnWith(identity: TestIdentity, extra: ServerOptions = {}): Promise<LoopbackVtn> {
  const server = await startLoopbackVtn({ cert: identity.certPem, key: identity.keyPem, ...extra });
  cleanups.push(server.close);
  server.vtn.answerNext('EiEvent', '<ok/>');
  return server;
}

const send = (options: HttpTransportOptions): Promise<string> => exchange(options);

const failureOf = transportFailure;

function configError(run: () => unknown): TransportConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof TransportConfigError) return error;
    throw error;
  }
  throw new Error('expected a TransportConfigError');
}

const spkiSha256 = (identity: TestIdentity, encoding: 'hex' | 'base64'): string =>
  createHash('sha256').update(new X509Certificate(identity.certPem).publicKey.export({ type: 'spki', format: 'der' })).digest(encoding);

describe('pull client: who the VTN is (finding 2)', () => {
  it('refuses to start over https with neither ca nor pin, unless trustSystemRoots is set', async () => {
    const error = configError(() => httpTransport({ vtnUrl: 'https://127.0.0.1:1' }));
    expect(error).toMatchObject({ code: 'no-vtn-trust', option: 'tls.ca' });
    expect(error.message).toMatch(/tls\.trustSystemRoots: true/);
    expect(() => httpTransport({ vtnUrl: 'https://127.0.0.1:1', tls: { trustSystemRoots: true } })).not.toThrow();
    expect(configError(() => httpTransport({ vtnUrl: 'https://127.0.0.1:1', tls: { trustSystemRoots: true, ca: pki.ca.certPem } })).option).toBe(
      'tls.trustSystemRoots',
    );
    // With system roots, the test CA is unknown: the handshake fails.
    const server = await vtnWith(pki.server);
    expect(await failureOf(send({ vtnUrl: server.url, tls: { trustSystemRoots: true } }))).toMatchObject({ code: 'tls' });
  });

  it('connects to a VTN by certificate pin alone, without any CA', async () => {
    const server = await vtnWith(pki.server);
    await expect(send({ vtnUrl: server.url, tls: { pinnedFingerprints: [certificateFingerprint(pki.server.certPem)] } })).resolves.toBe('<ok/>');
  });

  it('connects by public-key pin (hex or base64), and refuses a VTN that matches no pin', async () => {
    const server = await vtnWith(pki.server);
    await expect(send({ vtnUrl: server.url, tls: { pinnedPublicKeys: [spkiSha256(pki.server, 'hex')] } })).resolves.toBe('<ok/>');
    server.vtn.answerNext('EiEvent', '<ok/>');
    await expect(send({ vtnUrl: server.url, tls: { pinnedPublicKeys: [`sha256/${spkiSha256(pki.server, 'base64')}`] } })).resolves.toBe('<ok/>');
    const impostor = await vtnWith(otherVen);
    const error = await failureOf(send({ vtnUrl: impostor.url, tls: { pinnedFingerprints: [certificateFingerprint(pki.server.certPem)] } }));
    expect(error).toMatchObject({ code: 'tls', retryable: true });
    expect(error.message).toMatch(/VTN certificate refused: certificate "CN=ven-other" \(fingerprint [0-9A-F:]+\) is not pinned/);
    expect(impostor.requests).toHaveLength(0);
  });

  it('with ca and a pin, a certificate from the same CA that is not the pinned VTN is refused', async () => {
    const impostor = await vtnWith(otherVen);
    const error = await failureOf(
      send({ vtnUrl: impostor.url, tls: { ca: pki.ca.certPem, pinnedFingerprints: [certificateFingerprint(pki.server.certPem)] } }),
    );
    expect(error.message).toContain('is not pinned');
  });

  it('refuses an expired VTN certificate even when it is pinned', async () => {
    const server = await vtnWith(expiredVtn);
    const error = await failureOf(send({ vtnUrl: server.url, tls: { pinnedFingerprints: [certificateFingerprint(expiredVtn.certPem)] } }));
    expect(error).toMatchObject({ code: 'tls' });
    expect(error.message).toMatch(/certificate "CN=vtn-expired" expired on/);
  });

  it('refuses a pinned VTN certificate that is not valid yet', async () => {
    const future = await pki.ca.issue({ commonName: 'vtn-future', keyType: 'ec', notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 90 * DAY), ipAddresses: ['127.0.0.1'] });
    const server = await vtnWith(future);
    const error = await failureOf(send({ vtnUrl: server.url, tls: { pinnedFingerprints: [certificateFingerprint(future.certPem)] } }));
    expect(error.message).toMatch(/certificate "CN=vtn-future" is not valid before/);
  });

  it('refuses a VTN whose certificate the CA revoked (tls.crl), and accepts a good one with the same CRL', async () => {
    const revoked = await vtnWith(revokedVtn);
    expect(await failureOf(send({ vtnUrl: revoked.url, tls: { ca: pki.ca.certPem, crl } }))).toMatchObject({ code: 'tls' });
    expect(revoked.requests).toHaveLength(0);
    const good = await vtnWith(pki.server);
    await expect(send({ vtnUrl: good.url, tls: { ca: pki.ca.certPem, crl } })).resolves.toBe('<ok/>');
    expect(configError(() => httpTransport({ vtnUrl: good.url, tls: { pinnedFingerprints: [certificateFingerprint(pki.server.certPem)], crl } }))).toMatchObject({
      option: 'tls.crl',
    });
  });

  it('refuses a VTN with an RSA-1024 key, and an own RSA-1024 client identity at configuration', async () => {
    const server = await vtnWith(weakVtn);
    const error = await failureOf(send({ vtnUrl: server.url, tls: { pinnedFingerprints: [certificateFingerprint(weakVtn.certPem)], relaxOpenAdrSuites: true } }));
    expect(error.message).toContain('an RSA key of 1024 bits is below the minimum of 2048');
    expect(configError(() => httpTransport({ vtnUrl: server.url, tls: { cert: weakVtn.certPem, key: weakVtn.keyPem, ca: pki.ca.certPem } }))).toMatchObject({
      code: 'weak-key',
      option: 'tls.key',
    });
  });

  it('reports each authenticated VTN certificate through onPeerCertificate', async () => {
    const server = await vtnWith(pki.server);
    const seen: string[] = [];
    await send({ vtnUrl: server.url, tls: { ca: pki.ca.certPem, onPeerCertificate: (certificate) => seen.push(certificate.subject) } });
    expect(seen).toEqual(['CN=vtn-trust']);
  });
});

describe('push server: the same identity check for every client (findings 1, 3)', () => {
  async function pushServer(tls: NonNullable<HttpPushServerOptions['tls']>): Promise<PushServer> {
    const server = await httpPushServer({ tls: { cert: pki.server.certPem, key: pki.server.keyPem, ...tls } });
    cleanups.push(() => server.close());
    const subscription: Subscription = server.inbound$.subscribe((exchange) => exchange.respond('<pushed/>'));
    cleanups.push(async () => subscription.unsubscribe());
    return server;
  }
  const pushAs = (server: PushServer, client: TestIdentity): Promise<string> =>
    send({ vtnUrl: server.address, tls: { cert: client.certPem, key: client.keyPem, ca: pki.ca.certPem } });

  it('refuses CA-only trust without an expected VTN identity at configuration', async () => {
    await expect(httpPushServer({ tls: { cert: pki.server.certPem, key: pki.server.keyPem, ca: pki.ca.certPem } })).rejects.toMatchObject({
      code: 'no-vtn-trust',
      option: 'tls.vtnIdentity',
    });
  });

  it('answers 403 to another VEN certificate of the same CA, and accepts the VTN', async () => {
    const server = await pushServer({ ca: pki.ca.certPem, vtnIdentity: { commonName: pki.client.commonName } });
    await expect(pushAs(server, pki.client)).resolves.toBe('<pushed/>');
    const error = await failureOf(pushAs(server, otherVen));
    expect(error).toMatchObject({ code: 'http-status', status: 403 });
    expect(error.body).toBe(`VTN client certificate refused: certificate "CN=ven-other" is not the expected VTN: its CN (ven-other) is not ${pki.client.commonName}`);
  });

  it('checks the subjectAltName of the client certificate', async () => {
    const server = await pushServer({ ca: pki.ca.certPem, vtnIdentity: { subjectAltName: 'vtn.example' } });
    const error = await failureOf(pushAs(server, otherVen));
    expect(error.body).toMatch(/its subjectAltName \(DNS:localhost, IP Address:127\.0\.0\.1\) does not include vtn\.example/);
  });

  it('in pins-only mode answers 403 to an expired pinned client certificate', async () => {
    const server = await pushServer({ pinnedFingerprints: [certificateFingerprint(expiredVtn.certPem)] });
    // rxadr's own client refuses an expired identity at configuration, so a plain node:https client plays the VTN.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpsRequest(
        `${server.address}/OpenADR2/Simple/2.0b/EiEvent`,
        { method: 'POST', cert: expiredVtn.certPem, key: expiredVtn.keyPem, ca: pki.ca.certPem, headers: { 'content-type': 'application/xml' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end('<req/>');
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(/certificate "CN=vtn-expired" expired on/);
  });

  it('accepts a public-key pin and reports the accepted client certificate through onPeerCertificate', async () => {
    const seen: string[] = [];
    const server = await pushServer({ pinnedPublicKeys: [spkiSha256(pki.client, 'hex')], onPeerCertificate: (certificate) => seen.push(certificate.subject) });
    await expect(pushAs(server, pki.client)).resolves.toBe('<pushed/>');
    expect((await failureOf(pushAs(server, otherVen))).body).toContain('is not pinned');
    expect(seen).toEqual([`CN=${pki.client.commonName}`]);
  });

  it('refuses a client certificate the CA revoked (tls.crl) in the handshake', async () => {
    const server = await pushServer({ ca: pki.ca.certPem, crl, anyCertificateFromCa: true });
    await expect(pushAs(server, pki.client)).resolves.toBe('<pushed/>');
    expect(await failureOf(pushAs(server, revokedVtn))).toMatchObject({ code: 'tls' });
  });
});
