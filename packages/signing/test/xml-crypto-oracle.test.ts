import { beforeAll, describe, expect, it } from 'vitest';
import { signPayload, verifyPayload } from '@rxadr/signing';
import { SIGNED_AT, createTestPki, fixture } from './helpers.js';
import type { TestPki } from './helpers.js';
import { xmlCryptoVerifies } from './xml-crypto-verifier.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});

describe.each(['rsa', 'ec'] as const)('xml-crypto SignedXml as an oracle (%s)', (keyType) => {
  const sign = (): string => signPayload(fixture('oadrDistributeEvent.unsigned.xml'), pki.vtn[keyType], { now: () => SIGNED_AT });

  it('accepts what signPayload produced, as verifyPayload does', () => {
    const signed = sign();
    expect(xmlCryptoVerifies(signed, pki.vtn[keyType].certPem)).toBe(true);
    expect(verifyPayload(signed, { certificates: [pki.vtn[keyType].certPem] }, { now: SIGNED_AT }).ok).toBe(true);
  });

  it.each([
    ['payload', (xml: string) => xml.replace('evt-1', 'evt-2')],
    ['ReplayProtect', (xml: string) => xml.replace(/<dsp:nonce>[0-9a-f]/, '<dsp:nonce>x')],
    // A different first base64 character always changes the first byte (a swap of two equal ones would not).
    ['SignatureValue', (xml: string) => xml.replace(/<ds:SignatureValue>(.)/, (_m, a: string) => `<ds:SignatureValue>${a === 'A' ? 'B' : 'A'}`)],
    ['DigestValue', (xml: string) => xml.replace(/<ds:DigestValue>(.)/, (_m, a: string) => `<ds:DigestValue>${a === 'A' ? 'B' : 'A'}`)],
  ])('rejects a changed %s, as verifyPayload does', (_name, mutate) => {
    const changed = mutate(sign());
    expect(xmlCryptoVerifies(changed, pki.vtn[keyType].certPem)).toBe(false);
    expect(verifyPayload(changed, { certificates: [pki.vtn[keyType].certPem] }, { now: SIGNED_AT }).ok).toBe(false);
  });
});
