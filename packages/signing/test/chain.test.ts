import { beforeAll, describe, expect, it } from 'vitest';
import { signPayload, verifyPayload } from '@rxadr/signing';
import type { TrustOptions, VerifyResult, VerifySuccess } from '@rxadr/signing';
import { createTestCa } from '../../testing/src/pki/pki.js';
import type { TestCa, TestIdentity } from '../../testing/src/pki/pki.js';
import { SIGNED_AT, fixture } from './helpers.js';

/**
 * Signers under intermediate CAs, as production OpenADR certificates are (OPENADR.md §7.1):
 * Test Root → Test VTN CA A (EC) → vtn-a, Test Root → Test VTN CA B (RSA) → vtn-b, and the
 * faulty issuers below. Everything but the expired CA is valid at SIGNED_AT.
 */
interface ChainPki {
  readonly root: TestCa;
  readonly a: TestCa;
  readonly b: TestCa;
  readonly vtnA: TestIdentity;
  readonly vtnB: TestIdentity;
  /** Valid only during 2029, so expired at SIGNED_AT. */
  readonly expiredCa: TestCa;
  /** The same name and key as `expiredCa`, certified again until 2040. */
  readonly renewedCa: TestCa;
  /** Issued by `expiredCa` (and so verifiable under `renewedCa` too). */
  readonly vtnOld: TestIdentity;
  /** An end-entity certificate (CA:false, no keyCertSign) that signed another certificate. */
  readonly notCa: TestCa;
  readonly victim: TestIdentity;
  /** Test Root → Upper CA → Lower CA → vtn-deep. */
  readonly upper: TestCa;
  readonly lower: TestCa;
  readonly vtnDeep: TestIdentity;
}

const VALID = { notBefore: new Date('2030-01-01T00:00:00Z'), notAfter: new Date('2040-01-01T00:00:00Z') };

let pki: ChainPki;
beforeAll(async () => {
  const root = await createTestCa({ commonName: 'Test Root' });
  const [a, b, expiredCa, notCa, upper] = await Promise.all([
    root.intermediate({ commonName: 'Test VTN CA A', keyType: 'ec', ...VALID }),
    root.intermediate({ commonName: 'Test VTN CA B', ...VALID }),
    root.intermediate({
      commonName: 'Test VTN CA 2029',
      keyType: 'ec',
      notBefore: new Date('2029-01-01T00:00:00Z'),
      notAfter: new Date('2030-01-01T00:00:00Z'),
    }),
    root.intermediate({ commonName: 'Not A CA', keyType: 'ec', ca: false, ...VALID }),
    root.intermediate({ commonName: 'Upper CA', keyType: 'ec', ...VALID }),
  ]);
  const [renewedCa, lower] = await Promise.all([
    root.intermediate({ commonName: 'Test VTN CA 2029', keyPem: expiredCa.keyPem, ...VALID }),
    upper.intermediate({ commonName: 'Lower CA', ...VALID }),
  ]);
  const [vtnA, vtnB, vtnOld, victim, vtnDeep] = await Promise.all([
    a.issue({ commonName: 'vtn-a.test', keyType: 'ec', ...VALID }),
    b.issue({ commonName: 'vtn-b.test', ...VALID }),
    expiredCa.issue({ commonName: 'vtn-old.test', keyType: 'ec', ...VALID }),
    notCa.issue({ commonName: 'vtn-victim.test', keyType: 'ec', ...VALID }),
    lower.issue({ commonName: 'vtn-deep.test', keyType: 'ec', ...VALID }),
  ]);
  pki = { root, a, b, vtnA, vtnB, expiredCa, renewedCa, vtnOld, notCa, victim, upper, lower, vtnDeep };
});

const poll = fixture('oadrPoll.unsigned.xml');

/** `identity` signs the poll; `KeyInfo` carries its certificate, then `extra` (not covered by the signature, §7.3). */
function signedBy(identity: TestIdentity, ...extra: Array<{ certPem: string }>): string {
  // The leaf alone (not the identity's chainPem): what each test sends is spelled out in `extra`.
  const signed = signPayload(poll, { certPem: identity.certPem, keyPem: identity.keyPem }, { now: () => SIGNED_AT });
  const base64 = (pem: string): string => pem.replace(/-----[^-]+-----|\s/g, '');
  const more = extra.map(({ certPem }) => `<ds:X509Certificate>${base64(certPem)}</ds:X509Certificate>`).join('');
  return signed.replace('</ds:X509Certificate></ds:X509Data>', `</ds:X509Certificate>${more}</ds:X509Data>`);
}

function verify(signed: string, ...ca: Array<{ certPem: string }>): VerifyResult {
  const trust: TrustOptions = { ca: ca.map(({ certPem }) => certPem) };
  return verifyPayload(signed, trust, { now: SIGNED_AT });
}

function expectOk(result: VerifyResult): VerifySuccess {
  if (!result.ok) expect.fail(`expected success, got ${result.reason}: ${result.message}\n${result.checks.join('\n')}`);
  return result;
}

describe('verifyPayload with signers under intermediate CAs (OPENADR.md §7.1, §7.3)', () => {
  it('accepts a signer whose intermediate and root are both trusted; the intermediate is an anchor itself', () => {
    const result = expectOk(verify(signedBy(pki.vtnA), pki.root, pki.a));
    expect(result.checks).toEqual(
      expect.arrayContaining([
        'certificate CN=vtn-a.test valid until 2040-01-01T00:00:00.000Z',
        'CA certificate CN=Test VTN CA A valid until 2040-01-01T00:00:00.000Z',
        'certificate chains to trusted CA CN=Test VTN CA A (1 link)',
      ]),
    );
  });

  it('takes the intermediate from a PEM bundle in trust.ca as well', () => {
    const bundle = `${pki.root.certPem}\n${pki.a.certPem}\n`;
    expect(verifyPayload(signedBy(pki.vtnA), { ca: [bundle] }, { now: SIGNED_AT }).ok).toBe(true);
  });

  it('with only the root trusted and only the leaf sent, cannot build the chain and names the missing issuer', () => {
    expect(verify(signedBy(pki.vtnA), pki.root)).toMatchObject({
      ok: false,
      reason: 'untrusted-certificate',
      message: 'certificate CN=vtn-a.test issued by CN=Test VTN CA A does not chain to a trusted CA (CN=Test Root)',
    });
  });

  it('with only the root trusted, accepts the intermediate when the signer sends it in KeyInfo', () => {
    const result = expectOk(verify(signedBy(pki.vtnA, pki.a), pki.root));
    expect(result.checks).toEqual(
      expect.arrayContaining([
        'CA certificate CN=Test VTN CA A valid until 2040-01-01T00:00:00.000Z',
        expect.stringMatching(/^CA certificate CN=Test Root valid until /),
        'certificate chains to trusted CA CN=Test Root (2 links)',
      ]),
    );
    // The signer is still the first certificate, not the intermediate.
    expect(result.certificate.replace(/\s/g, '')).toBe(pki.vtnA.certPem.replace(/\s/g, ''));
  });

  it('with only the root trusted, accepts a signer that sends its chain itself (identity.chainPem)', () => {
    expect(pki.vtnDeep.chainPem).toBeDefined();
    const signed = signPayload(poll, { certPem: pki.vtnDeep.certPem, keyPem: pki.vtnDeep.keyPem, chainPem: pki.vtnDeep.chainPem! }, { now: () => SIGNED_AT });
    expect(signed.match(/<ds:X509Certificate>/g)).toHaveLength(3);
    const result = expectOk(verify(signed, pki.root));
    expect(result.checks).toContain('certificate chains to trusted CA CN=Test Root (3 links)');
    expect(result.certificate.replace(/\s/g, '')).toBe(pki.vtnDeep.certPem.replace(/\s/g, ''));
  });

  it('refuses a chainPem without certificates at signing time', () => {
    expect(() => signPayload(poll, { certPem: pki.vtnA.certPem, keyPem: pki.vtnA.keyPem, chainPem: 'no pem here' })).toThrow(/chainPem holds no PEM certificate/);
  });

  it('builds a longer chain from KeyInfo certificates in any order', () => {
    const result = expectOk(verify(signedBy(pki.vtnDeep, pki.upper, pki.lower), pki.root));
    expect(result.checks).toContain('certificate chains to trusted CA CN=Test Root (3 links)');
    expect(verify(signedBy(pki.vtnDeep, pki.lower), pki.root, pki.upper).ok).toBe(true);
    expect(verify(signedBy(pki.vtnDeep, pki.upper), pki.root)).toMatchObject({
      ok: false,
      reason: 'untrusted-certificate',
      message: 'certificate CN=vtn-deep.test issued by CN=Lower CA does not chain to a trusted CA (CN=Test Root)',
    });
  });

  it('accepts an intermediate alone as the trust anchor', () => {
    const result = expectOk(verify(signedBy(pki.vtnA), pki.a));
    expect(result.checks).toContain('certificate chains to trusted CA CN=Test VTN CA A (1 link)');
  });

  describe('a leaf from a different intermediate under the same root', () => {
    it('is rejected when only the other intermediate is trusted', () => {
      expect(verify(signedBy(pki.vtnB), pki.root, pki.a)).toMatchObject({
        ok: false,
        reason: 'untrusted-certificate',
        message: 'certificate CN=vtn-b.test issued by CN=Test VTN CA B does not chain to a trusted CA (CN=Test Root; CN=Test VTN CA A)',
      });
    });

    it('is accepted when its own intermediate is trusted', () => {
      expect(expectOk(verify(signedBy(pki.vtnB), pki.root, pki.b)).checks).toContain(
        'CA certificate CN=Test VTN CA B valid until 2040-01-01T00:00:00.000Z',
      );
    });

    it('is accepted with the root trusted once it sends its intermediate: a root trusts every CA it issued', () => {
      expect(verify(signedBy(pki.vtnB, pki.b), pki.root, pki.a).ok).toBe(true);
    });

    it('is rejected, even with its intermediate sent, when only the other intermediate is the anchor', () => {
      expect(verify(signedBy(pki.vtnB, pki.b), pki.a)).toMatchObject({
        ok: false,
        reason: 'untrusted-certificate',
        message:
          'certificate CN=vtn-b.test issued by CN=Test VTN CA B does not chain to a trusted CA (CN=Test VTN CA A); ' +
          'it reaches CN=Test VTN CA B, issued by CN=Test Root, which is not trusted',
      });
    });
  });

  describe('faulty issuers', () => {
    const expiredMessage =
      'CA certificate CN=Test VTN CA 2029 expired at 2030-01-01T00:00:00.000Z (checked at 2031-05-04T12:00:00.000Z)';

    it('rejects a signer whose intermediate has expired, trusted or sent in KeyInfo', () => {
      expect(verify(signedBy(pki.vtnOld), pki.root, pki.expiredCa)).toMatchObject({
        ok: false,
        reason: 'expired-certificate',
        message: expiredMessage,
      });
      expect(verify(signedBy(pki.vtnOld, pki.expiredCa), pki.root)).toMatchObject({
        ok: false,
        reason: 'expired-certificate',
        message: expiredMessage,
      });
    });

    // Regression: the first path found was taken, so an expired intermediate listed (or sent)
    // before its renewal with the same name and key rejected a signer the renewal vouches for.
    it('prefers a renewed intermediate over the expired one with the same name and key, in either order', () => {
      for (const ca of [
        [pki.root, pki.expiredCa, pki.renewedCa],
        [pki.root, pki.renewedCa, pki.expiredCa],
      ]) {
        expect(expectOk(verify(signedBy(pki.vtnOld), ...ca)).checks).toContain(
          'CA certificate CN=Test VTN CA 2029 valid until 2040-01-01T00:00:00.000Z',
        );
      }
      expect(verify(signedBy(pki.vtnOld, pki.expiredCa, pki.renewedCa), pki.root).ok).toBe(true);
    });

    it('rejects a certificate issued by a leaf (CA:false, no keyCertSign), wherever the leaf comes from', () => {
      const untrusted = { ok: false, reason: 'untrusted-certificate' };
      const message = 'certificate CN=vtn-victim.test issued by CN=Not A CA does not chain to a trusted CA';
      const inKeyInfo = verify(signedBy(pki.victim, pki.notCa), pki.root);
      expect(inKeyInfo).toMatchObject(untrusted);
      expect(inKeyInfo.ok || inKeyInfo.message).toBe(`${message} (CN=Test Root)`);
      expect(verify(signedBy(pki.victim), pki.root, pki.notCa)).toMatchObject(untrusted);
      expect(verify(signedBy(pki.victim), pki.notCa)).toMatchObject({ ...untrusted, message: `${message} (CN=Not A CA)` });
    });
  });
});
