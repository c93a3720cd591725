import { beforeAll, describe, expect, it } from 'vitest';
import { SignatureError, fingerprint } from '@rxadr/signing';
import { createTestPki, hasTool, run, shouldRunWith } from './helpers.js';
import type { TestPki } from './helpers.js';

/** `openssl x509 -noout -fingerprint -sha256` → `AB:CD:…` (32 pairs). */
function opensslFingerprint(certPem: string): string {
  const result = run('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], certPem);
  expect(result.status, result.stderr).toBe(0);
  const [, value] = /=([0-9A-F:]+)\s*$/.exec(result.stdout) ?? [];
  if (value === undefined) throw new Error(`unexpected openssl output: ${result.stdout}`);
  return value;
}

describe('fingerprint (OPENADR.md §7.2)', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });

  describe.runIf(shouldRunWith('openssl', 'apt-get install openssl', 'version'))('against openssl', () => {
    it('openssl is installed (required under CI=true)', () => {
      expect(hasTool('openssl', 'version')).toBe(true);
    });

    it.each(['rsa', 'ec'] as const)('is the last 10 bytes of the SHA-256 over DER (%s)', (keyType) => {
      const full = opensslFingerprint(pki.vtn[keyType].certPem);
      expect(full.split(':')).toHaveLength(32);
      expect(fingerprint(pki.vtn[keyType].certPem)).toBe(full.split(':').slice(-10).join(':'));
    });

    it('matches openssl for CA certificates too', () => {
      const full = opensslFingerprint(pki.ca.rsa.certPem);
      expect(fingerprint(pki.ca.rsa.certPem)).toBe(full.slice(-29));
    });
  });

  it('prints 10 upper-case hex pairs joined by colons', () => {
    expect(fingerprint(pki.vtn.ec.certPem)).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2}){9}$/);
  });

  it('differs between certificates', () => {
    expect(fingerprint(pki.vtn.rsa.certPem)).not.toBe(fingerprint(pki.vtn.ec.certPem));
  });

  it('fails with a typed error for text that is not a certificate', () => {
    expect(() => fingerprint('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toThrow(SignatureError);
    expect(() => fingerprint(pki.vtn.rsa.keyPem)).toThrow(/not an X\.509 certificate/);
  });
});
