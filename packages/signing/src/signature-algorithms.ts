import { sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ECDSA_SHA256, RSA_SHA256 } from './constants.js';
import { SignatureError } from './signature-error.js';

/** The two XML signature methods OpenADR 2.0b uses (OPENADR.md §7.3). */
export type SignatureMethod = typeof RSA_SHA256 | typeof ECDSA_SHA256;

/** Short name for checks and messages. */
export function methodName(method: SignatureMethod): string {
  return method === RSA_SHA256 ? 'rsa-sha256' : 'ecdsa-sha256';
}

/**
 * Signs `data` and returns base64. ECDSA signatures use the raw `r‖s` encoding
 * (`ieee-p1363`) that XML-DSig requires (RFC 4050 / RFC 6931), not DER.
 */
export function signBytes(method: SignatureMethod, data: string | Buffer, key: KeyObject): string {
  const options = method === ECDSA_SHA256 ? { key, dsaEncoding: 'ieee-p1363' as const } : { key };
  return sign('sha256', typeof data === 'string' ? Buffer.from(data, 'utf8') : data, options).toString('base64');
}

/** Verifies a base64 signature made by {@link signBytes}. */
export function verifyBytes(method: SignatureMethod, data: string | Buffer, key: KeyObject, signatureBase64: string): boolean {
  const options = method === ECDSA_SHA256 ? { key, dsaEncoding: 'ieee-p1363' as const } : { key };
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    return verify('sha256', bytes, options, Buffer.from(signatureBase64, 'base64'));
  } catch {
    // A key of the wrong type for the method (RSA key, ECDSA URI) is a failed verification.
    return false;
  }
}

/** The signature method that fits a key, or `undefined` for key types OpenADR does not use. */
export function methodForKey(key: KeyObject): SignatureMethod | undefined {
  if (key.asymmetricKeyType === 'rsa') return RSA_SHA256;
  if (key.asymmetricKeyType === 'ec') return ECDSA_SHA256;
  return undefined;
}

/**
 * Refuses, before any cryptography, a SignatureMethod that does not fit the signer's key:
 * RSA-SHA256 needs an RSA key, ECDSA-SHA256 an EC key (OPENADR.md §7.3).
 * @throws SignatureError `algorithm-mismatch`
 */
export function checkMethodFitsKey(method: SignatureMethod, key: KeyObject, signer: string): void {
  const fitting = methodForKey(key);
  if (fitting !== method) {
    throw new SignatureError(
      'algorithm-mismatch',
      `SignatureMethod ${methodName(method)} does not fit the ${key.asymmetricKeyType ?? 'unknown'} key of ${signer}` +
        (fitting === undefined ? '' : `; that key signs with ${methodName(fitting)}`),
    );
  }
}
