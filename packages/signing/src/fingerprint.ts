import { X509Certificate, createHash } from 'node:crypto';
import { SignatureError } from './signature-error.js';

/** Bytes of the SHA-256 digest kept by the OpenADR fingerprint convention (OPENADR.md §7.2). */
const FINGERPRINT_BYTES = 10;

/**
 * The OpenADR certificate fingerprint (OPENADR.md §7.2): SHA-256 over the certificate's DER
 * bytes, last 10 bytes, upper-case hex pairs joined by `:`. A VEN prints its own for
 * out-of-band registration and pins the VTN's.
 *
 * @throws SignatureError `malformed` when `certPem` is not an X.509 certificate
 * @example
 * fingerprint(readFileSync('ven.crt', 'utf8')); // '09:71:9E:0E:51:C0:8F:05:56:C9'
 */
export function fingerprint(certPem: string): string {
  return fingerprintOf(parseCertificate(certPem));
}

/** {@link fingerprint} of an already parsed certificate. */
export function fingerprintOf(certificate: X509Certificate): string {
  return formatHex(createHash('sha256').update(certificate.raw).digest().subarray(-FINGERPRINT_BYTES));
}

/** Full SHA-256 fingerprint in the same notation (32 hex pairs), as `openssl x509 -fingerprint -sha256` prints it. */
export function fullFingerprintOf(certificate: X509Certificate): string {
  return formatHex(createHash('sha256').update(certificate.raw).digest());
}

/**
 * Normalizes a configured fingerprint: accepts upper or lower case, with `:` or without,
 * either the 10-byte OpenADR form or a full 32-byte SHA-256 fingerprint.
 * Returns `undefined` when the text is neither.
 */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.trim().replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex) || (hex.length !== FINGERPRINT_BYTES * 2 && hex.length !== 64)) return undefined;
  return formatHex(Buffer.from(hex, 'hex'));
}

/** Parses one PEM (or base64 DER) certificate, failing with a typed error. */
export function parseCertificate(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (cause) {
    throw new SignatureError('malformed', `not an X.509 certificate: ${(cause as Error).message}`, { cause });
  }
}

function formatHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(':');
}
