import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';

import { certificateFingerprint, TransportConfigError } from '../src/index.js';
import { normaliseFingerprint } from '../src/fingerprint.js';
import { createPki, withOpenssl, type Pki } from './support/pki-fixtures.js';

let pki: Pki;
beforeAll(async () => {
  pki = await createPki('ec', 'fingerprint');
});

describe('certificateFingerprint (OPENADR.md §7.2)', () => {
  it('is the last 10 bytes of the SHA-256 over the DER, as upper-case hex pairs', () => {
    const openssl = withOpenssl({ 'c.pem': pki.client.certPem }, ['x509', '-in', 'c.pem', '-noout', '-fingerprint', '-sha256', '-out', 'fp.txt'], 'fp.txt')
      .toString('utf8')
      .trim();
    const full = openssl.split('=')[1] ?? '';
    expect(full.split(':')).toHaveLength(32);
    const expected = full.split(':').slice(-10).join(':');
    expect(certificateFingerprint(pki.client.certPem)).toBe(expected);
    expect(certificateFingerprint(Buffer.from(pki.client.certPem))).toBe(expected);
    expect(certificateFingerprint(new X509Certificate(pki.client.certPem).raw)).toBe(expected);
    expect(certificateFingerprint(new X509Certificate(pki.client.certPem))).toMatch(/^([0-9A-F]{2}:){9}[0-9A-F]{2}$/);
  });

  it('normalises pins: case, separators, and a full SHA-256 reduced to its last 10 bytes', () => {
    const pin = '09:71:9E:0E:51:C0:8F:05:56:C9';
    expect(normaliseFingerprint('09719e0e51c08f0556c9', 'p')).toBe(pin);
    expect(normaliseFingerprint('09-71-9e-0e-51-c0-8f-05-56-c9', 'p')).toBe(pin);
    expect(normaliseFingerprint(`49:FF:${'00:'.repeat(20)}09:71:9E:0E:51:C0:8F:05:56:C9`, 'p')).toBe(pin);
    expect(() => normaliseFingerprint('09:71:9E', 'pins[0]')).toThrow(TransportConfigError);
  });
});
