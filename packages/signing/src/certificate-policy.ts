import { createHash } from 'node:crypto';
import type { KeyObject, X509Certificate } from 'node:crypto';
import { children, expectTlv, oidText, readTlv, TAG } from './der.js';
import { SignatureError } from './signature-error.js';

/** Smallest RSA modulus accepted, in bits, for our own keys and for peers (NIST SP 800-131A). */
export const MIN_RSA_BITS = 2048;

/**
 * EC curves accepted (P-256 or larger, NIST SP 800-186): OpenADR 2.0b names P-256 (OPENADR.md §7.1);
 * P-384 and P-521 are accepted as stronger. Other curves (P-192, P-224, secp256k1, brainpool) are refused.
 */
export const ACCEPTED_CURVES: readonly string[] = ['prime256v1', 'secp384r1', 'secp521r1'];

const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521', prime192v1: 'P-192', secp224r1: 'P-224' };

/** A short description of a key for checks and messages: `RSA 2048`, `EC P-256`. */
export function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return `RSA ${details.modulusLength ?? '?'}`;
  if (key.asymmetricKeyType === 'ec') return `EC ${CURVE_NAMES[details.namedCurve ?? ''] ?? details.namedCurve ?? '?'}`;
  return key.asymmetricKeyType ?? 'unknown';
}

/**
 * Why `key` is too weak for OpenADR signatures, or `undefined` when it is strong enough:
 * RSA of at least {@link MIN_RSA_BITS} bits or EC on one of {@link ACCEPTED_CURVES}.
 */
export function keyWeakness(key: KeyObject): string | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    return bits >= MIN_RSA_BITS ? undefined : `an RSA key of ${bits} bits is below the minimum of ${MIN_RSA_BITS}`;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = details.namedCurve ?? 'unknown';
    return ACCEPTED_CURVES.includes(curve)
      ? undefined
      : `an EC key on ${CURVE_NAMES[curve] ?? curve} is not accepted; use P-256, P-384 or P-521`;
  }
  return `key type '${key.asymmetricKeyType ?? 'unknown'}' is not used by OpenADR (RSA or EC only)`;
}

/**
 * SHA-256 over the DER SubjectPublicKeyInfo, as upper-case hex pairs: the public-key pin
 * (the value HPKP and `openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256` give).
 */
export function publicKeyFingerprintOf(certificate: X509Certificate): string {
  const spki = certificate.publicKey.export({ type: 'spki', format: 'der' });
  return formatHex(createHash('sha256').update(spki).digest());
}

/**
 * Normalizes a configured public-key pin: 32 bytes as hex (any case, `:` or no separator) or as
 * base64 (44 characters, optionally prefixed `sha256/` as in HPKP). `undefined` for anything else.
 */
export function normalizePublicKeyPin(text: string): string | undefined {
  const trimmed = text.trim().replace(/^sha256\//i, '');
  const hex = trimmed.replace(/[:\s]/g, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return formatHex(Buffer.from(hex, 'hex'));
  if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return formatHex(Buffer.from(trimmed, 'base64'));
  return undefined;
}

function formatHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

const KEY_USAGE_OID = '2.5.29.15';
/** digitalSignature is bit 0 of the KeyUsage BIT STRING (RFC 5280 §4.2.1.3). */
const DIGITAL_SIGNATURE_BIT = 0x80;

/**
 * The keyUsage extension of a certificate: `{ digitalSignature }` when present, `undefined` when
 * the certificate has no keyUsage extension (then every use is allowed, RFC 5280 §4.2.1.3).
 * @throws SignatureError `malformed` for a certificate whose extensions cannot be read
 */
export function keyUsageOf(certificate: X509Certificate): { readonly digitalSignature: boolean } | undefined {
  const der = certificate.raw;
  try {
    const outer = expectTlv(der, 0, TAG.SEQUENCE);
    const tbs = expectTlv(der, outer.start, TAG.SEQUENCE, outer.end);
    const extensionsField = children(der, tbs).find((field) => field.tag === TAG.CONTEXT_3);
    if (extensionsField === undefined) return undefined;
    const list = expectTlv(der, extensionsField.start, TAG.SEQUENCE, extensionsField.end);
    for (const extension of children(der, list)) {
      const [oid, ...rest] = children(der, extension);
      if (oid === undefined || oid.tag !== TAG.OID || oidText(der, oid) !== KEY_USAGE_OID) continue;
      const value = rest.find((field) => field.tag === TAG.OCTET_STRING);
      if (value === undefined) return { digitalSignature: false };
      const bits = readTlv(der, value.start, value.end);
      // BIT STRING content: one octet of unused-bit count, then the bits, most significant first.
      const first = bits.end - bits.start > 1 ? (der[bits.start + 1] ?? 0) : 0;
      return { digitalSignature: (first & DIGITAL_SIGNATURE_BIT) !== 0 };
    }
    return undefined;
  } catch (cause) {
    throw new SignatureError('malformed', `cannot read the extensions of certificate ${certificate.subject.replace(/\n/g, ', ')}`, { cause });
  }
}

/**
 * Extended key usages compatible with signing OpenADR payloads, when a certificate carries the
 * extension at all (RFC 5280 §4.2.1.12): anyExtendedKeyUsage, serverAuth and clientAuth (OpenADR
 * device certificates carry these, OPENADR.md §7.1, and sign with the same key) and
 * documentSigning (RFC 9336). A certificate restricted to, say, codeSigning or OCSPSigning only is refused.
 */
export const SIGNING_EKUS: Readonly<Record<string, string>> = {
  '2.5.29.37.0': 'anyExtendedKeyUsage',
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.36': 'documentSigning',
};

/**
 * Checks that a signer certificate may sign: keyUsage, when present, includes digitalSignature;
 * extendedKeyUsage, when present, includes one of {@link SIGNING_EKUS}.
 * @throws SignatureError `key-usage`
 */
export function checkSigningUsage(certificate: X509Certificate, role: string, checks: string[]): void {
  const subject = certificate.subject.replace(/\n/g, ', ');
  const usage = keyUsageOf(certificate);
  if (usage !== undefined && !usage.digitalSignature) {
    throw new SignatureError('key-usage', `${role} ${subject} lacks the digitalSignature key usage, so it may not sign (RFC 5280 §4.2.1.3)`);
  }
  // Node names the extendedKeyUsage OIDs `keyUsage`; it is undefined without the extension.
  const ekus = certificate.keyUsage as readonly string[] | undefined;
  if (ekus !== undefined && ekus.length > 0 && !ekus.some((oid) => oid in SIGNING_EKUS)) {
    throw new SignatureError(
      'key-usage',
      `${role} ${subject} has extended key usages ${ekus.join(', ')}, none of which allows signing ` +
        `(accepted: ${Object.values(SIGNING_EKUS).join(', ')})`,
    );
  }
  checks.push(`${role} key usage allows signing${usage === undefined ? ' (no keyUsage extension)' : ' (digitalSignature)'}`);
}

/**
 * Refuses a weak peer key at verification.
 * @throws SignatureError `weak-key`
 */
export function checkPeerKey(certificate: X509Certificate, role: string, checks: string[]): void {
  const weakness = keyWeakness(certificate.publicKey);
  if (weakness !== undefined) {
    throw new SignatureError('weak-key', `${role} ${certificate.subject.replace(/\n/g, ', ')}: ${weakness}`);
  }
  checks.push(`${role} key ${describeKey(certificate.publicKey)} is strong enough`);
}
