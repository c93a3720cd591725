import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, signPayload, verifyPayload } from '@rxadr/signing';
import type { TrustOptions } from '@rxadr/signing';
import { attacks } from './attack-cases.js';
import { SIGNED_AT, createTestPki, fixture } from './helpers.js';
import type { TestPki } from './helpers.js';

let pki: TestPki;
let signed: string;
let trust: TrustOptions;
beforeAll(async () => {
  pki = await createTestPki();
  signed = signPayload(fixture('oadrPoll.unsigned.xml'), pki.vtn.rsa, { now: () => SIGNED_AT, nonce: () => 'n-1' });
  trust = { fingerprints: [fingerprint(pki.vtn.rsa.certPem)], ca: [pki.ca.rsa.certPem] };
});

describe('verifyPayload rejects changed payloads', () => {
  it('accepts the untouched payload', () => {
    expect(verifyPayload(signed, trust, { now: SIGNED_AT }).ok).toBe(true);
  });

  it.each(attacks)('$name → $reason', ({ mutate, reason, message }) => {
    const attacked = mutate(signed);
    expect(attacked).not.toBe(signed);
    const result = verifyPayload(attacked, trust, { now: SIGNED_AT });
    if (result.ok) expect.fail('attack was accepted');
    expect(result.reason).toBe(reason);
    expect(result.message).toMatch(message);
  });
});

describe('verifyPayload rejects untrusted signers', () => {
  it('names the actual fingerprint and the pins on a fingerprint mismatch', () => {
    const pin = fingerprint(pki.stranger.certPem);
    const result = verifyPayload(signed, { fingerprints: [pin] }, { now: SIGNED_AT });
    expect(result).toMatchObject({
      ok: false,
      reason: 'fingerprint-mismatch',
      message: `certificate fingerprint ${fingerprint(pki.vtn.rsa.certPem)} (CN=vtn-rsa.test) matches no pin; expected one of ${pin}`,
    });
    expect(result.checks).toContain('certificate CN=vtn-rsa.test valid until 2040-01-01T00:00:00.000Z');
  });

  it('rejects a signer from an untrusted CA', () => {
    const foreign = signPayload(fixture('oadrPoll.unsigned.xml'), pki.stranger, { now: () => SIGNED_AT });
    const result = verifyPayload(foreign, { ca: [pki.ca.rsa.certPem, pki.ca.ec.certPem] }, { now: SIGNED_AT });
    expect(result).toMatchObject({ ok: false, reason: 'untrusted-certificate' });
    expect(result.ok || result.message).toBe(
      'certificate CN=vtn.stranger issued by CN=Stranger Root does not chain to a trusted CA (CN=Test Root RSA; CN=Test Root EC)',
    );
  });

  it('rejects a certificate swapped into KeyInfo', () => {
    const strangerBase64 = pki.strangerRsa.certPem.replace(/-----[^-]+-----|\s/g, '');
    const swapped = signed.replace(/<ds:X509Certificate>[^<]*</, `<ds:X509Certificate>${strangerBase64}<`);
    const result = verifyPayload(swapped, { fingerprints: [fingerprint(pki.strangerRsa.certPem)] }, { now: SIGNED_AT });
    expect(result).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('refuses up front a certificate whose key type does not fit the SignatureMethod', () => {
    const ecBase64 = pki.stranger.certPem.replace(/-----[^-]+-----|\s/g, '');
    const swapped = signed.replace(/<ds:X509Certificate>[^<]*</, `<ds:X509Certificate>${ecBase64}<`);
    const result = verifyPayload(swapped, { fingerprints: [fingerprint(pki.stranger.certPem)] }, { now: SIGNED_AT });
    expect(result).toMatchObject({
      ok: false,
      reason: 'algorithm-mismatch',
      message: 'SignatureMethod rsa-sha256 does not fit the ec key of CN=vtn.stranger; that key signs with ecdsa-sha256',
    });
    expect(result.checks.some((check) => check.startsWith('signature value'))).toBe(false);
  });
});
