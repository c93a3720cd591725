import { KeyObject, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyLike } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import { SignedXml, createOptionalCallbackFunction } from 'xml-crypto';
import type { SignatureAlgorithm } from 'xml-crypto';
import { ECDSA_SHA256, signPayload, verifyPayload } from '@rxadr/signing';
import { SIGNED_AT, createTestPki, fixture } from './helpers.js';
import type { TestPki } from './helpers.js';

/** ECDSA-SHA256 for xml-crypto, which has none: raw r‖s as XML-DSig requires. */
class EcdsaSha256 implements SignatureAlgorithm {
  getSignature = createOptionalCallbackFunction((signedInfo: string | Buffer, key: KeyLike) =>
    sign('sha256', Buffer.from(signedInfo), { key: key instanceof KeyObject ? key : createPrivateKey(key), dsaEncoding: 'ieee-p1363' }).toString('base64'),
  );
  verifySignature = createOptionalCallbackFunction((material: string, key: KeyLike, signatureValue: string) =>
    verify('sha256', Buffer.from(material), { key: createPublicKey(key), dsaEncoding: 'ieee-p1363' }, Buffer.from(signatureValue, 'base64')),
  );
  getAlgorithmName = (): string => ECDSA_SHA256;
}

/**
 * xml-crypto's own verifier, configured as OPENADR.md §7.3 asks of an XML-DSig library:
 * `Id` registered as the ID attribute (xml-crypto matches by local name, so this covers
 * `oadr:Id` and the ds `Id`) and ECDSA-SHA256 registered. An independent check of verifyPayload.
 */
function xmlCryptoVerifies(xml: string, certPem: string): boolean {
  const verifier = new SignedXml({ publicCert: certPem, idAttribute: 'Id' });
  verifier.idAttributes = ['Id'];
  verifier.SignatureAlgorithms[ECDSA_SHA256] = EcdsaSha256;
  const [signature] = verifier.findSignatures(new DOMParser().parseFromString(xml, 'application/xml'));
  if (signature === undefined) return false;
  verifier.loadSignature(signature);
  try {
    return verifier.checkSignature(xml);
  } catch {
    return false;
  }
}

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
    ['SignatureValue', (xml: string) => xml.replace(/<ds:SignatureValue>(.)(.)/, '<ds:SignatureValue>$2$1')],
    ['DigestValue', (xml: string) => xml.replace(/<ds:DigestValue>(.)(.)/, '<ds:DigestValue>$2$1')],
  ])('rejects a changed %s, as verifyPayload does', (_name, mutate) => {
    const changed = mutate(sign());
    expect(xmlCryptoVerifies(changed, pki.vtn[keyType].certPem)).toBe(false);
    expect(verifyPayload(changed, { certificates: [pki.vtn[keyType].certPem] }, { now: SIGNED_AT }).ok).toBe(false);
  });
});
