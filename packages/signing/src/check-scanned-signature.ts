import type { X509Certificate } from 'node:crypto';
import type { CanonicalWriter } from './canonical-stream.js';
import { validateReferences } from './check-signature.js';
import type { ScannedElement } from './scan-payload.js';
import type { ScannedSignature } from './scanned-structure.js';
import { SignatureError } from './signature-error.js';

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
  return validateReferences(parts, () => canonicalOf(parts.signedInfo).out, canonicalOf, (writer) => writer.digest(), signer, checks);
}
