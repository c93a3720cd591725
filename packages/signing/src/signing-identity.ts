import { createPrivateKey } from 'node:crypto';
import type { KeyObject, X509Certificate } from 'node:crypto';
import { checkSigningUsage, keyWeakness } from './certificate-policy.js';
import { parseCertificate } from './fingerprint.js';
import { SignatureError } from './signature-error.js';
import { methodForKey } from './signature-algorithms.js';
import type { SignatureMethod } from './signature-algorithms.js';

/** A signer: X.509 certificate and its private key, both PEM (OPENADR.md §7.3). */
export interface SigningIdentity {
  readonly certPem: string;
  readonly keyPem: string;
  /**
   * The signer's chain as PEM (its certificate, then the intermediate CAs that issued it; the
   * root may be left out). When given, every certificate goes into `ds:KeyInfo`, so a verifier
   * that trusts only the root can build the chain (OpenADR device certificates are issued by
   * intermediates, §7.1). Default: the certificate alone.
   */
  readonly chainPem?: string;
}

/** A {@link SigningIdentity} parsed and checked once. */
export interface ResolvedIdentity {
  readonly key: KeyObject;
  readonly certificate: X509Certificate;
  /** Base64 DER of each `ds:X509Certificate`: the signer's certificate first, then its chain. */
  readonly certificatesBase64: readonly string[];
  readonly method: SignatureMethod;
}

const resolved = new WeakMap<SigningIdentity, ResolvedIdentity>();

/**
 * `createPrivateKey`, tried a second time when it fails: a failed OpenSSL operation elsewhere in
 * the process (a malformed certificate from a peer, say) can leave an error behind that makes the
 * next key parse report failure for a good key. The second try starts with a clean error queue; a
 * key that is really bad fails both times with the same error.
 */
function parsePrivateKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    return createPrivateKey(pem);
  }
}

/**
 * Parses an identity, checks that the key is RSA (2048 bits or more) or EC (P-256, P-384, P-521),
 * belongs to the certificate and may sign (keyUsage, extendedKeyUsage), and picks RSA-SHA256 or
 * ECDSA-SHA256 from the key. Results are cached per identity object.
 *
 * @throws SignatureError `weak-key` for a key below the minimum, `invalid-options` with a message saying what to fix
 */
export function resolveIdentity(identity: SigningIdentity): ResolvedIdentity {
  const cached = resolved.get(identity);
  if (cached !== undefined) return cached;
  let key: KeyObject;
  try {
    key = parsePrivateKey(identity.keyPem);
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
  const weakness = keyWeakness(key);
  if (weakness !== undefined) {
    throw new SignatureError('weak-key', `identity.keyPem: ${weakness}; issue the signing certificate for a stronger key`);
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new SignatureError(
      'invalid-options',
      `identity.keyPem does not match identity.certPem (${certificate.subject}); pass the key the certificate was issued for`,
    );
  }
  try {
    checkSigningUsage(certificate, 'identity.certPem', []);
  } catch (error) {
    throw new SignatureError('invalid-options', (error as Error).message, { cause: error });
  }
  const result: ResolvedIdentity = { key, certificate, certificatesBase64: chainOf(certificate, identity.chainPem), method };
  resolved.set(identity, result);
  return result;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The signer's certificate, then each other certificate of `chainPem` in order (duplicates of the signer dropped). */
function chainOf(certificate: X509Certificate, chainPem: string | undefined): string[] {
  const own = certificate.raw.toString('base64');
  if (chainPem === undefined) return [own];
  const pems = chainPem.match(PEM_CERTIFICATE) ?? [];
  if (pems.length === 0) throw new SignatureError('invalid-options', 'identity.chainPem holds no PEM certificate');
  const rest = pems.map((pem) => {
    try {
      return parseCertificate(pem).raw.toString('base64');
    } catch (cause) {
      throw new SignatureError('invalid-options', 'identity.chainPem holds something that is not an X.509 certificate', { cause });
    }
  });
  return [own, ...rest.filter((der) => der !== own)];
}
