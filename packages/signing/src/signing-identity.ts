import { createPrivateKey } from 'node:crypto';
import type { KeyObject, X509Certificate } from 'node:crypto';
import { parseCertificate } from './fingerprint.js';
import { SignatureError } from './signature-error.js';
import { methodForKey } from './signature-algorithms.js';
import type { SignatureMethod } from './signature-algorithms.js';

/** A signer: X.509 certificate and its private key, both PEM (OPENADR.md §7.3). */
export interface SigningIdentity {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A {@link SigningIdentity} parsed and checked once. */
export interface ResolvedIdentity {
  readonly key: KeyObject;
  readonly certificate: X509Certificate;
  /** Base64 DER for `ds:X509Certificate`. */
  readonly certBase64: string;
  readonly method: SignatureMethod;
}

const resolved = new WeakMap<SigningIdentity, ResolvedIdentity>();

/**
 * Parses an identity, checks that the key is RSA or EC and belongs to the certificate, and picks
 * RSA-SHA256 or ECDSA-SHA256 from the key. Results are cached per identity object.
 *
 * @throws SignatureError `invalid-options` with a message saying what to fix
 */
export function resolveIdentity(identity: SigningIdentity): ResolvedIdentity {
  const cached = resolved.get(identity);
  if (cached !== undefined) return cached;
  let key: KeyObject;
  try {
    key = createPrivateKey(identity.keyPem);
  } catch (cause) {
    throw new SignatureError('invalid-options', `identity.keyPem is not a private key: ${(cause as Error).message}`, { cause });
  }
  let certificate: X509Certificate;
  try {
    certificate = parseCertificate(identity.certPem);
  } catch (cause) {
    throw new SignatureError('invalid-options', `identity.certPem is not an X.509 certificate`, { cause });
  }
  const method = methodForKey(key);
  if (method === undefined) {
    throw new SignatureError(
      'invalid-options',
      `identity key type '${key.asymmetricKeyType ?? 'unknown'}' is not supported; OpenADR signs with RSA or EC (P-256) keys`,
    );
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new SignatureError(
      'invalid-options',
      `identity.keyPem does not match identity.certPem (${certificate.subject}); pass the key the certificate was issued for`,
    );
  }
  const result: ResolvedIdentity = { key, certificate, certBase64: certificate.raw.toString('base64'), method };
  resolved.set(identity, result);
  return result;
}
