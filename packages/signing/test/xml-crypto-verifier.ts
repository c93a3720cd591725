import { KeyObject, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyLike } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml, createOptionalCallbackFunction } from 'xml-crypto';
import type { SignatureAlgorithm } from 'xml-crypto';
import { ECDSA_SHA256 } from '@rxadr/signing';

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
export function xmlCryptoVerifies(xml: string, certPem: string): boolean {
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

