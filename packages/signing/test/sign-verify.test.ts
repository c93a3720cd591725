import { X509Certificate, createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { SignatureError, fingerprint, signPayload, verifyPayload } from '@rxadr/signing';
import type { VerifyResult, VerifySuccess } from '@rxadr/signing';
import { createSchemaValidator, schemaAvailable } from '../../testing/src/schema/schema-validator.js';
import { SIGNED_AT, at, createTestPki, fixture } from './helpers.js';
import type { TestPki } from './helpers.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});

const poll = fixture('oadrPoll.unsigned.xml');
const distribute = fixture('oadrDistributeEvent.unsigned.xml');
const signAt = { now: () => SIGNED_AT, nonce: () => '00112233445566778899aabbccddeeff' };

function expectOk(result: VerifyResult): VerifySuccess {
  if (!result.ok) expect.fail(`expected success, got ${result.reason}: ${result.message}\n${result.checks.join('\n')}`);
  return result;
}

/** The part of the document between the root start tag and the oadrSignedObject. */
function withoutSignature(signed: string): string {
  return signed.replace(/<ds:Signature [\s\S]*<\/ds:Signature>/, '');
}

describe.each(['rsa', 'ec'] as const)('signPayload and verifyPayload round trip (%s)', (keyType) => {
  it.each([
    ['oadrPoll', poll],
    ['oadrDistributeEvent', distribute],
  ])('signs and verifies %s', (_name, unsigned) => {
    const vtn = pki.vtn[keyType];
    const signed = signPayload(unsigned, vtn, signAt);
    const result = expectOk(
      verifyPayload(signed, { fingerprints: [fingerprint(vtn.certPem)], ca: [pki.ca[keyType].certPem] }, { now: at(5_000) }),
    );
    expect(result.timestamp).toEqual(SIGNED_AT);
    expect(result.nonce).toBe('00112233445566778899aabbccddeeff');
    expect(new X509Certificate(result.certificate).raw).toEqual(new X509Certificate(vtn.certPem).raw);
    expect(result.checks).toEqual(
      expect.arrayContaining([
        'reference #oadrSignedObject digest OK',
        'reference #signatureProperties digest OK',
        `certificate fingerprint ${fingerprint(vtn.certPem)} matches pin`,
        'certificate chains to trusted CA CN=' + (keyType === 'rsa' ? 'Test Root RSA' : 'Test Root EC') + ' (1 link)',
        `signature value OK (${keyType === 'rsa' ? 'rsa-sha256' : 'ecdsa-sha256'}) by CN=vtn-${keyType}.test`,
        'timestamp 5 s old, window 60 s',
      ]),
    );
  });

  it('inserts the signature as first child and leaves every other byte of the input unchanged', () => {
    const signed = signPayload(poll, pki.vtn[keyType], signAt);
    expect(withoutSignature(signed)).toBe(poll);
    expect(signed).toMatch(/<oadr:oadrPayload [^>]*><ds:Signature xmlns:ds="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#" Id="signature">/);
    const method = keyType === 'rsa' ? 'rsa-sha256' : 'ecdsa-sha256';
    expect(signed).toContain(`<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#${method}"/>`);
    expect(signed).toContain('<ds:Reference URI="#oadrSignedObject">');
    expect(signed).toContain('<ds:Reference URI="#signatureProperties">');
    expect(signed).toContain('<dsp:timestamp>2031-05-04T12:00:00.000Z</dsp:timestamp>');
    expect(signed).not.toContain('enveloped-signature');
  });
});

describe('verified output', () => {
  it('hands on a new oadrPayload holding only the canonical signed object', () => {
    const signed = signPayload(distribute, pki.vtn.ec, signAt);
    const { signedObjectXml } = expectOk(verifyPayload(signed, { ca: [pki.ca.ec.certPem] }, { now: SIGNED_AT }));
    expect(signedObjectXml).toMatch(/^<oadr:oadrPayload xmlns:oadr="http:\/\/openadr\.org\/oadr-2\.0b\/2012\/07"><oadr:oadrSignedObject /);
    expect(signedObjectXml).not.toContain('ds:Signature');
    expect(signedObjectXml).not.toContain('<!--');
    // Inclusive C14N carried the namespaces declared on the original root into the object.
    expect(signedObjectXml).toContain('xmlns:xcal="urn:ietf:params:xml:ns:icalendar-2.0"');
    expect(signedObjectXml).toContain('Price &amp; load &lt;peak&gt; shed');
    expect(signedObjectXml).toContain('<xcal:components xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"></xcal:components>');
  });

  it.runIf(schemaAvailable())('produces schema-valid signed documents and signed-object documents', async () => {
    const signed = signPayload(distribute, pki.vtn.rsa, signAt);
    const { signedObjectXml } = expectOk(verifyPayload(signed, { ca: [pki.ca.rsa.certPem] }, { now: SIGNED_AT }));
    await createSchemaValidator().assertValid({ signed, verified: signedObjectXml });
  });
});

describe('trust options', () => {
  it('accepts a pinned certificate, a full SHA-256 fingerprint and lower-case pins', () => {
    const vtn = pki.vtn.rsa;
    const signed = signPayload(poll, vtn, signAt);
    const short = fingerprint(vtn.certPem);
    const full = createHash('sha256').update(new X509Certificate(vtn.certPem).raw).digest('hex');
    for (const trust of [{ certificates: [vtn.certPem] }, { fingerprints: [full] }, { fingerprints: [short.toLowerCase().replace(/:/g, '')] }]) {
      expectOk(verifyPayload(signed, trust, { now: SIGNED_AT }));
    }
  });

  it('requires every configured kind: a pin match does not excuse a foreign CA', () => {
    const signed = signPayload(poll, pki.stranger, signAt);
    const result = verifyPayload(signed, { fingerprints: [fingerprint(pki.stranger.certPem)], ca: [pki.ca.rsa.certPem] }, { now: SIGNED_AT });
    expect(result).toMatchObject({ ok: false, reason: 'untrusted-certificate' });
  });

  it('rejects an unsigned payload when trust is configured, and anything when none is', () => {
    expect(verifyPayload(poll, { ca: [pki.ca.rsa.certPem] }, { now: SIGNED_AT })).toMatchObject({
      ok: false,
      reason: 'unsigned',
    });
    const signed = signPayload(poll, pki.vtn.rsa, signAt);
    const result = verifyPayload(signed, {}, { now: SIGNED_AT });
    expect(result).toMatchObject({ ok: false, reason: 'untrusted-certificate' });
    expect(result.ok || result.message).toContain('no trust configured');
  });

  it('rejects a certificate outside its validity period, saying when it expired', () => {
    const signed = signPayload(poll, pki.expired, signAt);
    const result = verifyPayload(signed, { ca: [pki.ca.rsa.certPem] }, { now: SIGNED_AT });
    expect(result).toMatchObject({ ok: false, reason: 'expired-certificate' });
    expect(result.ok || result.message).toBe(
      'certificate CN=vtn-expired.test expired at 2030-01-01T00:00:00.000Z (checked at 2031-05-04T12:00:00.000Z)',
    );
    const early = verifyPayload(signPayload(poll, pki.vtn.rsa, signAt), { ca: [pki.ca.rsa.certPem] }, { now: new Date('2029-06-01T00:00:00Z') });
    expect(early).toMatchObject({ ok: false, reason: 'expired-certificate' });
  });

  it('throws invalid-options for unusable trust configuration', () => {
    expect(() => verifyPayload(poll, { fingerprints: ['12:34'] })).toThrow(SignatureError);
    expect(() => verifyPayload(poll, { fingerprints: ['12:34'] })).toThrow(/trust\.fingerprints\[0\] '12:34' is not a fingerprint/);
    expect(() => verifyPayload(poll, { ca: ['not a pem'] })).toThrow(/trust\.ca\[0\] holds no PEM certificate/);
  });
});

describe('signPayload input checks', () => {
  const identity = (): TestPki['vtn']['rsa'] => pki.vtn.rsa;
  it.each([
    ['a non-oadrPayload root', '<foo xmlns="urn:x"><bar/></foo>', /root element is foo, expected oadr:oadrPayload/],
    ['an empty root', '<foo xmlns="urn:x"/>', /root element is empty/],
    ['a missing oadr:Id', poll.replace(' oadr:Id="oadrSignedObject"', ''), /needs oadr:Id="oadrSignedObject"/],
    ['an already signed payload', '', /already signed/],
    ['ill-formed XML', poll.replace('</oadr:oadrPoll>', ''), /not well-formed XML/],
    ['a DOCTYPE', `<!DOCTYPE x>${poll.replace(/^<\?xml[^>]*>\n/, '')}`, /DOCTYPE/],
  ])('rejects %s as malformed', (_name, xml, message) => {
    const input = xml === '' ? signPayload(poll, identity(), signAt) : xml;
    let caught: unknown;
    try {
      signPayload(input, identity(), signAt);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SignatureError);
    expect((caught as SignatureError).reason).toBe('malformed');
    expect((caught as SignatureError).message).toMatch(message);
  });

  it('rejects a key that does not belong to the certificate', () => {
    const mixed = { certPem: pki.vtn.rsa.certPem, keyPem: pki.vtn.ec.keyPem };
    expect(() => signPayload(poll, mixed)).toThrow(/identity\.keyPem does not match identity\.certPem \(CN=vtn-rsa\.test\)/);
  });

  it('uses fresh random nonces and the system clock by default', () => {
    const a = expectOk(verifyPayload(signPayload(poll, pki.vtn.rsa), { ca: [pki.ca.rsa.certPem] }, { now: SIGNED_AT, replayWindowMs: 1e13 }));
    const b = expectOk(verifyPayload(signPayload(poll, pki.vtn.rsa), { ca: [pki.ca.rsa.certPem] }, { now: SIGNED_AT, replayWindowMs: 1e13 }));
    expect(a.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(a.nonce).not.toBe(b.nonce);
  });
});
