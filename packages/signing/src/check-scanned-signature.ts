import { createHash } from 'node:crypto';
import type { X509Certificate } from 'node:crypto';
import type { CanonicalWriter } from './canonical-stream.js';
import { sameDigest } from './check-signature.js';
import type { ScannedElement } from './scan-payload.js';
import type { ScannedSignature } from './scanned-structure.js';
import { SignatureError } from './signature-error.js';
import { checkMethodFitsKey, methodName, verifyBytes } from './signature-algorithms.js';
import { describeCertificate } from './trust.js';

/** The canonical form the single pass wrote for `element`, refusing what the reference cannot render. */
function canonicalOf(element: ScannedElement): CanonicalWriter {
  const writer = element.canonical;
  if (writer === undefined || !writer.done) throw new SignatureError('missing-reference', `no canonical form of ${element.path}`);
  // The DOM reference (xml-crypto) throws on these nodes; so does this verifier (`malformed`).
  if (writer.unrenderable !== undefined) throw new Error(`Unable to canonicalize ${writer.unrenderable} in ${element.path}`);
  return writer;
}

/**
 * XML-DSig core validation (XMLDSig §3.2) on the canonical forms the single pass wrote, in the
 * order and with the messages of check-signature.ts: the `SignatureValue` over SignedInfo
 * first, then one SHA-256 per reference. Returns the canonical writers of the two covered elements.
 *
 * @throws SignatureError `algorithm-mismatch`, `bad-signature` or `digest-mismatch`
 */
export function checkScannedSignature(
  parts: ScannedSignature,
  signer: X509Certificate,
  checks: string[],
): { signedObject: CanonicalWriter; properties: CanonicalWriter } {
  checkMethodFitsKey(parts.method, signer.publicKey, describeCertificate(signer));
  if (!verifyBytes(parts.method, canonicalOf(parts.signedInfo).out, signer.publicKey, parts.signatureValue)) {
    throw new SignatureError(
      'bad-signature',
      `SignatureValue does not verify over SignedInfo (${methodName(parts.method)}) with the key of ${describeCertificate(signer)}`,
    );
  }
  checks.push(`signature value OK (${methodName(parts.method)}) by ${describeCertificate(signer)}`);
  let signedObject: CanonicalWriter | undefined;
  let properties: CanonicalWriter | undefined;
  for (const reference of parts.references) {
    const canonical = canonicalOf(reference.target);
    const computed = createHash('sha256').update(canonical.out, 'utf8').digest('base64');
    if (!sameDigest(computed, reference.digestValue)) {
      throw new SignatureError('digest-mismatch', `reference ${reference.uri} digest mismatch: computed ${computed}, signed ${reference.digestValue}`);
    }
    checks.push(`reference ${reference.uri} digest OK`);
    if (reference.target === parts.signedObject) signedObject = canonical;
    if (reference.target === parts.propertiesObject) properties = canonical;
  }
  if (signedObject === undefined || properties === undefined) {
    throw new SignatureError('missing-reference', 'a required reference was not verified');
  }
  return { signedObject, properties };
}
