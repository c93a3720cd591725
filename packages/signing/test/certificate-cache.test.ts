import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, signPayload, verifyPayload } from '@rxadr/signing';
import { createTestCa } from '../../testing/src/pki/pki.js';
import { collectedHeap } from '@rxadr/testing';
import { certificateOf, checkCertificateCached } from '../src/certificate-cache.js';
import { resolveTrust } from '../src/trust.js';
import { verifyWithTrust } from '../src/verify-payload.js';
import { SIGNED_AT, at, createTestPki, fixture } from './helpers.js';
import type { TestPki } from './helpers.js';

// Trust decisions are remembered per certificate list and trust, but only while the options are
// unchanged and `now` lies inside the validity of every certificate the decision relied on.

let pki: TestPki;
let signed: string;
beforeAll(async () => {
  pki = await createTestPki();
  signed = signPayload(fixture('oadrPoll.unsigned.xml'), pki.vtn.rsa, { now: () => SIGNED_AT, nonce: () => 'n-1' });
});

describe('remembered trust', () => {
  it('verifyPayload re-resolves options changed in place between calls', () => {
    const certificates = [pki.vtn.rsa.certPem];
    const trust = { certificates };
    expect(verifyPayload(signed, trust, { now: SIGNED_AT }).ok).toBe(true);
    certificates[0] = pki.strangerRsa.certPem;
    expect(verifyPayload(signed, trust, { now: SIGNED_AT })).toMatchObject({ ok: false, reason: 'fingerprint-mismatch' });
    certificates[0] = pki.vtn.rsa.certPem;
    expect(verifyPayload(signed, trust, { now: SIGNED_AT }).ok).toBe(true);
    (trust as { identity?: { commonName: string } }).identity = { commonName: 'vtn-other.test' };
    expect(verifyPayload(signed, trust, { now: SIGNED_AT })).toMatchObject({ ok: false, reason: 'identity-mismatch' });
  });

  it('a remembered verdict holds only inside the validity of the chain it used: an intermediate expiring first ends it', async () => {
    const root = await createTestCa({ commonName: 'Cache Root' });
    const intermediate = await root.intermediate({ commonName: 'Cache CA', notBefore: new Date('2030-01-01T00:00:00Z'), notAfter: new Date('2031-06-01T00:00:00Z') });
    const vtn = await intermediate.issue({ commonName: 'vtn-cache.test', notBefore: new Date('2030-01-01T00:00:00Z'), notAfter: new Date('2040-01-01T00:00:00Z') });
    const message = signPayload(fixture('oadrPoll.unsigned.xml'), { certPem: vtn.certPem, keyPem: vtn.keyPem, chainPem: vtn.chainPem! }, { now: () => SIGNED_AT });
    const trust = resolveTrust({ ca: [root.certPem] });
    const first = verifyWithTrust(message, trust, { now: at(1_000) });
    const second = verifyWithTrust(message, trust, { now: at(2_000) });
    expect(first.ok && second.ok).toBe(true);
    expect(second.checks).toEqual(first.checks.map((check) => check.replace('timestamp 1 s old', 'timestamp 2 s old')));
    // A month after the intermediate expired (the replay window is widened so only the certificate can fail).
    const late = new Date('2031-07-01T00:00:00Z');
    expect(verifyWithTrust(message, trust, { now: late, replayWindowMs: 1e12 })).toMatchObject({
      ok: false,
      reason: 'expired-certificate',
      message: expect.stringMatching(/^CA certificate CN=Cache CA expired at 2031-06-01/),
    });
    expect(verifyWithTrust(message, trust, { now: at(3_000) }).ok).toBe(true);
  });

  it('failures are not remembered: a trust that refuses keeps refusing with its own reason', () => {
    const trust = resolveTrust({ fingerprints: [fingerprint(pki.stranger.certPem)] });
    for (let i = 0; i < 2; i++) expect(verifyWithTrust(signed, trust, { now: SIGNED_AT })).toMatchObject({ ok: false, reason: 'fingerprint-mismatch' });
  });
});

describe('what the certificate cache keeps', () => {
  it('a remembered certificate keeps a copy of its base64 text, not the 16-megabyte message it was read from', async () => {
    // A certificate this worker has never seen (a new CA, a new key), so the cache misses and stores it.
    const ca = await createTestCa({ commonName: 'Cache Root', keyType: 'ec' });
    const { certPem } = await ca.issue({ commonName: 'cache.test', keyType: 'ec' });
    const base64 = certPem.replace(/-----[^-]+-----|\s/g, '');
    const before = collectedHeap();
    // The message is built, read and dropped inside this function; only the cache can keep it alive.
    const parse = (): string => {
      const message = `${'x'.repeat(16 * 1024 * 1024)}<ds:X509Certificate>${base64}</ds:X509Certificate>`;
      const start = message.indexOf('<ds:X509Certificate>') + '<ds:X509Certificate>'.length;
      return certificateOf(message.slice(start, message.indexOf('<', start)), 0).subject;
    };
    expect(parse()).toContain('CN=cache.test');
    expect(collectedHeap() - before).toBeLessThan(4 * 1024 * 1024);
    // And the cached entry answers the next message carrying the same text.
    expect(certificateOf(base64, 0).subject).toContain('CN=cache.test');
  });

  it('a remembered trust verdict keeps a copy of its certificate text, not the 16-megabyte message it was read from', async () => {
    // A signer this worker has never seen, so the verdict is made and remembered, not found.
    const ca = await createTestCa({ commonName: 'Verdict Root', keyType: 'ec' });
    const { certPem } = await ca.issue({ commonName: 'verdict.test', keyType: 'ec', notBefore: new Date('2030-01-01T00:00:00Z'), notAfter: new Date('2040-01-01T00:00:00Z') });
    const base64 = certPem.replace(/-----[^-]+-----|\s/g, '');
    const trust = resolveTrust({ ca: [ca.certPem] });
    const signer = certificateOf(base64, 0);
    const before = collectedHeap();
    // The message is built, read and dropped inside this function; only the verdict cache can keep it alive.
    const check = (): string[] => {
      const message = `${'x'.repeat(16 * 1024 * 1024)}<ds:X509Certificate>${base64}</ds:X509Certificate>`;
      const start = message.indexOf('<ds:X509Certificate>') + '<ds:X509Certificate>'.length;
      const checks: string[] = [];
      checkCertificateCached([message.slice(start, message.indexOf('<', start))], signer, [], trust, SIGNED_AT, checks);
      return checks;
    };
    const made = check();
    expect(made.length).toBeGreaterThan(0);
    expect(collectedHeap() - before).toBeLessThan(4 * 1024 * 1024);
    // And the remembered verdict answers the next message carrying the same certificate, with the same checks.
    const again: string[] = [];
    checkCertificateCached([base64], signer, [], trust, SIGNED_AT, again);
    expect(again).toEqual(made);
  });
});
