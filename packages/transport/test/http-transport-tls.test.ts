import { TransportError } from '@rxadr/core';
import type { ServerOptions } from 'node:https';
import { firstValueFrom } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { type HttpTransportOptions, type HttpTransportTlsOptions } from '../src/index.js';
import { startLoopbackVtn, type LoopbackVtn } from './support/loopback-vtn.js';
import { createPki, encryptedKeyPem, pkcs12Of, type Pki } from './support/pki-fixtures.js';
import { testScope, transportFailure } from './support/test-scope.js';

let rsa: Pki;
let ec: Pki;
let stranger: Pki;

beforeAll(async () => {
  [rsa, ec, stranger] = await Promise.all([createPki('rsa'), createPki('ec'), createPki('ec', 'stranger')]);
});

const { cleanups, transportFor, exchange } = testScope();

/** A loopback VTN that requires a client certificate from `pki.ca`; extra options override. */
async function mtlsVtn(pki: Pki, extra: ServerOptions = {}): Promise<LoopbackVtn> {
  const server = await startLoopbackVtn({
    cert: pki.server.certPem,
    key: pki.server.keyPem,
    ca: pki.ca.certPem,
    requestCert: true,
    rejectUnauthorized: true,
    ...extra,
  });
  cleanups.push(server.close);
  return server;
}

function clientTls(pki: Pki, extra: HttpTransportTlsOptions = {}): HttpTransportTlsOptions {
  return { cert: pki.client.certPem, key: pki.client.keyPem, ca: pki.ca.certPem, ...extra };
}

const failureOf = (options: HttpTransportOptions): Promise<TransportError> => transportFailure(exchange(options));

describe('httpTransport with mutual TLS (OPENADR.md §7.1)', () => {
  it.each([
    ['RSA', 'AES128-SHA256', () => rsa],
    ['EC', 'ECDHE-ECDSA-AES128-SHA256', () => ec],
  ])('authenticates with an %s identity and negotiates %s over TLS 1.2', async (_kind, suite, pki) => {
    const server = await mtlsVtn(pki());
    server.vtn.answerNext('EiEvent', '<ok/>');
    await expect(exchange({ vtnUrl: server.url, tls: clientTls(pki()) })).resolves.toBe('<ok/>');
    expect(server.requests[0]).toMatchObject({ cipher: suite, protocol: 'TLSv1.2', clientCn: pki().client.commonName });
  });

  it('reuses one TLS connection for several requests', async () => {
    const server = await mtlsVtn(ec);
    const transport = transportFor({ vtnUrl: server.url, tls: clientTls(ec) });
    for (let i = 0; i < 4; i += 1) {
      await firstValueFrom(transport.send({ service: 'OadrPoll', body: '<poll/>' }));
      await new Promise((resolve) => setImmediate(resolve)); // see the plain-HTTP reuse test
    }
    expect(server.connections()).toBe(1);
  });

  it('refuses a TLS 1.3-only VTN with a tls error', async () => {
    const server = await mtlsVtn(ec, { minVersion: 'TLSv1.3' });
    const error = await failureOf({ vtnUrl: server.url, tls: clientTls(ec) });
    expect(error).toMatchObject({ code: 'tls', retryable: true });
    expect(server.requests).toHaveLength(0);
  });

  it('reaches a TLS 1.3-only VTN when relaxOpenAdrSuites is set', async () => {
    const server = await mtlsVtn(ec, { minVersion: 'TLSv1.3' });
    await exchange({ vtnUrl: server.url, tls: clientTls(ec, { relaxOpenAdrSuites: true }) });
    expect(server.requests[0]?.protocol).toBe('TLSv1.3');
  });

  it('refuses a VTN certificate from an untrusted CA with a tls error', async () => {
    const server = await mtlsVtn(ec);
    const error = await failureOf({ vtnUrl: server.url, tls: clientTls(ec, { ca: stranger.ca.certPem }) });
    expect(error).toMatchObject({ code: 'tls', retryable: true });
    // Node reports SELF_SIGNED_CERT_IN_CHAIN when the VTN also sends its root, else UNABLE_TO_VERIFY_LEAF_SIGNATURE.
    expect((error.cause as { code?: string }).code).toMatch(/^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/);
  });

  it('fails with a tls error when the VTN requires a client certificate and none is configured', async () => {
    const server = await mtlsVtn(ec);
    const error = await failureOf({ vtnUrl: server.url, tls: { ca: ec.ca.certPem } });
    expect(error).toMatchObject({ code: 'tls', retryable: true });
  });

  it('fails with a tls error when the VTN does not trust the client certificate', async () => {
    const server = await mtlsVtn(ec);
    const error = await failureOf({
      vtnUrl: server.url,
      tls: { cert: stranger.client.certPem, key: stranger.client.keyPem, ca: ec.ca.certPem },
    });
    expect(error).toMatchObject({ code: 'tls', retryable: true });
  });

  describe('server identity', () => {
    let otherName: Awaited<ReturnType<Pki['ca']['issue']>>;
    let expired: Awaited<ReturnType<Pki['ca']['issue']>>;
    beforeAll(async () => {
      otherName = await ec.ca.issue({ commonName: 'vtn.example.com', keyType: 'ec', hostnames: ['vtn.example.com'], usage: 'server' });
      const day = 86_400_000;
      expired = await ec.ca.issue({
        commonName: 'expired-vtn',
        keyType: 'ec',
        ipAddresses: ['127.0.0.1'],
        usage: 'server',
        notBefore: new Date(Date.now() - 3 * day),
        notAfter: new Date(Date.now() - day),
      });
    });

    it('refuses a certificate that does not name the host with a tls error', async () => {
      const server = await mtlsVtn(ec, { cert: otherName.certPem, key: otherName.keyPem });
      const error = await failureOf({ vtnUrl: server.url, tls: clientTls(ec) });
      expect(error).toMatchObject({ code: 'tls', retryable: true });
      expect((error.cause as { code?: string }).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    });

    it('accepts that certificate when servername names it', async () => {
      const server = await mtlsVtn(ec, { cert: otherName.certPem, key: otherName.keyPem });
      await expect(exchange({ vtnUrl: server.url, tls: clientTls(ec, { servername: 'vtn.example.com' }) })).resolves.toBe('');
    });

    it('accepts that certificate with checkServerIdentity: false, still checking the chain', async () => {
      const server = await mtlsVtn(ec, { cert: otherName.certPem, key: otherName.keyPem });
      await expect(exchange({ vtnUrl: server.url, tls: clientTls(ec, { checkServerIdentity: false }) })).resolves.toBe('');
      const untrusted = await failureOf({ vtnUrl: server.url, tls: clientTls(ec, { checkServerIdentity: false, ca: stranger.ca.certPem }) });
      expect(untrusted.code).toBe('tls');
    });

    it('refuses an expired VTN certificate with a tls error', async () => {
      const server = await mtlsVtn(ec, { cert: expired.certPem, key: expired.keyPem });
      const error = await failureOf({ vtnUrl: server.url, tls: clientTls(ec) });
      expect(error).toMatchObject({ code: 'tls', retryable: true });
      expect((error.cause as { code?: string }).code).toBe('CERT_HAS_EXPIRED');
    });
  });

  describe('key formats', () => {
    it.each([['RSA', () => rsa], ['EC', () => ec]])('uses a passphrase-protected PEM %s key', async (_kind, pki) => {
      const server = await mtlsVtn(pki());
      const key = encryptedKeyPem(pki().client, 'correct horse');
      expect(key).toContain('ENCRYPTED PRIVATE KEY');
      await exchange({ vtnUrl: server.url, tls: clientTls(pki(), { key, passphrase: 'correct horse' }) });
      expect(server.requests[0]?.clientCn).toBe(pki().client.commonName);
    });

    it.each([['RSA', () => rsa], ['EC', () => ec]])('uses a PKCS#12 %s bundle with its passphrase', async (_kind, pki) => {
      const server = await mtlsVtn(pki());
      const pfx = pkcs12Of(pki().client, 'p12-secret');
      await exchange({ vtnUrl: server.url, tls: { pfx, passphrase: 'p12-secret', ca: pki().ca.certPem } });
      expect(server.requests[0]?.clientCn).toBe(pki().client.commonName);
    });
  });
});
