import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';

import type { TestIdentity } from '../../testing/src/pki/pki.js';
import {
  OPENADR_CIPHERS,
  resolveHttpTransportOptions,
  TransportConfigError,
  type HttpTransportOptions,
  type TransportConfigErrorCode,
} from '../src/index.js';
import { createPki, encryptedKeyPem, pkcs12Of, type Pki } from './support/pki-fixtures.js';

const DAY = 86_400_000;
let rsa: Pki;
let ec: Pki;
let expired: TestIdentity;
let future: TestIdentity;
let nearExpiry: TestIdentity;

beforeAll(async () => {
  [rsa, ec] = await Promise.all([createPki('rsa'), createPki('ec')]);
  const now = Date.now();
  [expired, future, nearExpiry] = await Promise.all([
    ec.ca.issue({ commonName: 'ven-expired', keyType: 'ec', usage: 'client', notBefore: new Date(now - 10 * DAY), notAfter: new Date(now - DAY) }),
    ec.ca.issue({ commonName: 'ven-future', keyType: 'ec', usage: 'client', notBefore: new Date(now + DAY), notAfter: new Date(now + 90 * DAY) }),
    ec.ca.issue({ commonName: 'ven-soon', keyType: 'ec', usage: 'client', notAfter: new Date(now + 10 * DAY) }),
  ]);
});

function configError(options: HttpTransportOptions): TransportConfigError {
  try {
    resolveHttpTransportOptions(options);
  } catch (error) {
    if (error instanceof TransportConfigError) return error;
    throw error;
  }
  throw new Error('expected a TransportConfigError');
}

const at = (now: number): SchedulerLike => ({ now: () => now, schedule: asyncScheduler.schedule.bind(asyncScheduler) });

describe('resolveHttpTransportOptions (STYLE.md rule 13)', () => {
  it('fills in the documented defaults: 5 s / 10 s, TLS 1.2 with exactly the OpenADR suites', () => {
    const resolved = resolveHttpTransportOptions({ vtnUrl: 'https://vtn.example.com/', tls: { trustSystemRoots: true } });
    expect(resolved).toMatchObject({ connectTimeout: 5_000, readTimeout: 10_000, deadlineMs: 30_000, maxConnections: 4 });
    expect(resolved.endpoint).toMatchObject({ origin: 'https://vtn.example.com', basePath: '/OpenADR2/Simple/2.0b' });
    expect(resolved.tls).toMatchObject({ ciphers: OPENADR_CIPHERS, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', rejectUnauthorized: true });
    expect(OPENADR_CIPHERS).toBe('ECDHE-ECDSA-AES128-SHA256:AES128-SHA256');
  });

  it('relaxOpenAdrSuites allows TLS 1.3 and keeps the OpenADR suites first', () => {
    const { tls } = resolveHttpTransportOptions({ vtnUrl: 'https://vtn.example.com', tls: { relaxOpenAdrSuites: true, trustSystemRoots: true } });
    expect(tls?.maxVersion).toBe('TLSv1.3');
    expect(tls?.ciphers.startsWith(`${OPENADR_CIPHERS}:`)).toBe(true);
  });

  it('has no TLS settings for a plain http URL', () => {
    expect(resolveHttpTransportOptions({ vtnUrl: 'http://127.0.0.1:8080' }).tls).toBeUndefined();
  });

  it.each<[string, () => HttpTransportOptions, TransportConfigErrorCode, RegExp]>([
    ['a client certificate with an http:// URL', () => ({ vtnUrl: 'http://vtn.example.com', tls: { cert: ec.client.certPem, key: ec.client.keyPem } }), 'tls-over-http', /use an https:\/\/ URL/],
    ['a CA with an http:// URL', () => ({ vtnUrl: 'http://vtn.example.com', tls: { ca: ec.ca.certPem } }), 'tls-over-http', /drop the tls option/],
    ['an unparsable URL', () => ({ vtnUrl: 'vtn.example.com' }), 'invalid-url', /absolute URL/],
    ['an ftp URL', () => ({ vtnUrl: 'ftp://vtn.example.com' }), 'invalid-url', /use https/],
    ['credentials in the URL', () => ({ vtnUrl: 'https://u:p@vtn.example.com' }), 'invalid-url', /client certificates/],
    ['a certificate without its key', () => ({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, cert: ec.client.certPem } }), 'incomplete-identity', /add key/],
    ['a key without its certificate', () => ({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, key: ec.client.keyPem } }), 'incomplete-identity', /add cert/],
    ['pfx together with cert', () => ({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, pfx: Buffer.from('x'), cert: ec.client.certPem } }), 'invalid-option', /either pfx or cert/],
    ['an EC key with an RSA certificate', () => ({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, cert: rsa.client.certPem, key: ec.client.keyPem } }), 'key-mismatch', /does not belong/],
    ['another identity\'s key of the same type', () => ({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, cert: ec.client.certPem, key: ec.server.keyPem } }), 'key-mismatch', /pair the certificate with the key/],
    ['garbage as certificate', () => ({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, cert: 'not a cert', key: ec.client.keyPem } }), 'invalid-certificate', /PEM/],
    ['an expired client certificate', () => ({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, cert: expired.certPem, key: expired.keyPem } }), 'certificate-expired', /expired on .*renew/],
    ['a not-yet-valid client certificate', () => ({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, cert: future.certPem, key: future.keyPem } }), 'certificate-not-yet-valid', /system clock/],
    ['a zero read timeout', () => ({ vtnUrl: 'https://vtn', readTimeout: 0 }), 'invalid-option', /positive number/],
    ['a deadline no Node timer can hold', () => ({ vtnUrl: 'http://vtn', deadlineMs: 2 ** 31 }), 'invalid-option', /at most 2147483647 ms/],
    ['minVersion above maxVersion', () => ({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.2' } }), 'invalid-option', /lower minVersion/],
    ['an unknown cipher', () => ({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, ciphers: 'NOT-A-CIPHER' } }), 'invalid-tls', /check ciphers/],
    ['a CA bundle that is not PEM', () => ({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, ca: [ec.ca.certPem, 'garbage'] } }), 'invalid-certificate', /tls.ca\[1\]: holds no certificate/],
  ])('rejects %s', (_case, options, code, message) => {
    const error = configError(options());
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('judges validity by the injected scheduler clock', () => {
    const options = { vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, cert: ec.client.certPem, key: ec.client.keyPem } };
    expect(configError({ ...options, scheduler: at(Date.now() + 3 * 365 * DAY) }).code).toBe('certificate-expired');
    expect(configError({ ...options, scheduler: at(0) }).code).toBe('certificate-not-yet-valid');
  });

  it('warns once about a client certificate expiring within 30 days', () => {
    const warnings: string[] = [];
    resolveHttpTransportOptions({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, cert: nearExpiry.certPem, key: nearExpiry.keyPem }, logger: { warn: (m) => warnings.push(m) } });
    expect(warnings).toEqual([expect.stringMatching(/ven-soon.*expires on .*\(9 days left\); renew it soon/)]);
    resolveHttpTransportOptions({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, cert: ec.client.certPem, key: ec.client.keyPem }, logger: { warn: (m) => warnings.push(m) } });
    expect(warnings).toHaveLength(1);
  });

  describe('encrypted keys and PKCS#12', () => {
    it('reads a passphrase-protected PEM key and names the passphrase when it is wrong or missing', () => {
      const key = encryptedKeyPem(rsa.client, 'right');
      expect(() => resolveHttpTransportOptions({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, cert: rsa.client.certPem, key, passphrase: 'right' } })).not.toThrow();
      const wrong = configError({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, cert: rsa.client.certPem, key, passphrase: 'wrong' } });
      expect(wrong).toMatchObject({ code: 'unreadable-key', option: 'tls.key' });
      expect(wrong.message).toMatch(/check tls.passphrase/);
      expect(configError({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, cert: rsa.client.certPem, key } }).message).toMatch(/set tls.passphrase/);
    });

    it('opens a PKCS#12 bundle and checks the validity of its certificate', () => {
      const pfx = pkcs12Of(ec.client, 'p12');
      expect(() => resolveHttpTransportOptions({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, pfx, passphrase: 'p12' } })).not.toThrow();
      expect(configError({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, pfx, passphrase: 'nope' } })).toMatchObject({ code: 'unreadable-key', option: 'tls.pfx' });
      expect(configError({ vtnUrl: 'https://vtn', tls: { trustSystemRoots: true, pfx: pkcs12Of(expired, 'p12'), passphrase: 'p12' } }).code).toBe('certificate-expired');
    });
  });
});
