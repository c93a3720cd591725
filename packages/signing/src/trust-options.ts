import type { X509Certificate } from 'node:crypto';
import { normalizePublicKeyPin } from './certificate-policy.js';
import { resolveCrls } from './crl.js';
import type { ResolvedCrl } from './crl.js';
import { validateExpectedIdentity } from './expected-identity.js';
import type { ExpectedIdentity } from './expected-identity.js';
import { normalizeFingerprint, parseCertificate } from './fingerprint.js';
import { SignatureError } from './signature-error.js';
import type { TlsPeerBinding } from './tls-peer-binding.js';

/**
 * Whom to believe (OPENADR.md §7.2, §7.3). Every configured kind is a requirement of its own:
 * - `fingerprints` and `certificates` are pins: the signer certificate must match one of them
 *   (by the 10-byte OpenADR fingerprint or a full SHA-256 fingerprint, or byte for byte);
 * - `ca` lists trust anchors (roots or intermediates, PEM, bundles allowed): the signer
 *   certificate must chain to one of them, through certificates in `ca` or in `KeyInfo`.
 *   Every issuer on the path must be a CA (basicConstraints CA:true, keyCertSign if keyUsage is
 *   present) valid at the time of the check. Production signers sit under intermediates
 *   (OPENADR.md §7.1) and usually send only their own certificate in `KeyInfo` (so does
 *   `signPayload`): list the intermediates in `ca`, or the chain cannot be built. Each entry is
 *   an anchor of its own, so a path ends at the first one reached (the root above a listed
 *   intermediate is not consulted). A root trusts every intermediate under it that reaches the
 *   verifier; to accept only what one intermediate issued, list that intermediate without its root.
 * With pins and `ca` both given, both must hold. With nothing configured nothing is trusted.
 *
 * In every mode, pins included, the signer certificate must be valid now, carry an RSA key of
 * 2048 bits or more or an EC key on P-256, P-384 or P-521, and be allowed to sign (keyUsage
 * digitalSignature when the extension is present; a compatible extendedKeyUsage when present,
 * see `SIGNING_EKUS`).
 */
export interface TrustOptions {
  /** Certificate pins: the 10-byte OpenADR fingerprint (§7.2) or the full SHA-256 of the DER certificate. */
  readonly fingerprints?: readonly string[];
  /**
   * Public-key pins: SHA-256 of the signer's DER SubjectPublicKeyInfo, as 32 hex pairs or base64
   * (optionally `sha256/…`). Survives a renewal that keeps the key.
   */
  readonly publicKeyPins?: readonly string[];
  /** Pinned certificates, PEM: the signer must be one of them byte for byte. */
  readonly certificates?: readonly string[];
  readonly ca?: readonly string[];
  /**
   * Who the VTN is (subject CN, subjectAltName, vtnID): checked on the signer in every mode.
   * `xmlSignatures` requires it, or a pin, whenever `ca` is given: a CA alone accepts every
   * certificate it issued, another VEN's included.
   */
  readonly identity?: ExpectedIdentity;
  /**
   * Explicitly accept any certificate that chains to `ca`, without `identity` or pins. Only for
   * a private CA that issues to the VTN alone. Default `false`.
   */
  readonly anyCertificateFromCa?: boolean;
  /**
   * Certificate revocation lists (PEM `X509 CRL`, or DER bytes), each signed by a certificate in
   * `ca`: the signer and every CA certificate on its path are refused when their issuer's CRL
   * lists them. Reload by building a new transport when the lists are updated.
   */
  readonly crl?: readonly (string | Buffer)[];
  /**
   * Accept a signer only if it is the TLS peer of this VEN's connections (see `createTlsPeerBinding`).
   * Default: not checked.
   */
  readonly signerIsTlsPeer?: TlsPeerBinding;
}

/** {@link TrustOptions} parsed once. */
export interface ResolvedTrust {
  readonly fingerprints: readonly string[];
  readonly publicKeyPins: readonly string[];
  readonly pinned: readonly X509Certificate[];
  readonly anchors: readonly X509Certificate[];
  readonly identity: ExpectedIdentity | undefined;
  readonly crls: readonly ResolvedCrl[];
  readonly tlsPeer: TlsPeerBinding | undefined;
  /** Whether any trust was configured at all. */
  readonly configured: boolean;
}


/** Splits PEM text holding one or more certificates. */
export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * Parses and checks trust options once.
 * @throws SignatureError `invalid-options` naming the entry that is not usable
 */
export function resolveTrust(trust: TrustOptions = {}): ResolvedTrust {
  const fingerprints = (trust.fingerprints ?? []).map((text, i) => {
    const normalized = normalizeFingerprint(text);
    if (normalized === undefined) {
      throw new SignatureError(
        'invalid-options',
        `trust.fingerprints[${i}] '${text}' is not a fingerprint: expected 10 hex pairs (OPENADR.md §7.2) or a full SHA-256`,
      );
    }
    return normalized;
  });
  const certificates = (field: 'certificates' | 'ca'): X509Certificate[] =>
    (trust[field] ?? []).flatMap((pem, i) => {
      const blocks = splitPem(pem);
      if (blocks.length === 0) {
        throw new SignatureError('invalid-options', `trust.${field}[${i}] holds no PEM certificate`);
      }
      return blocks.map((block) => {
        try {
          return parseCertificate(block);
        } catch (cause) {
          throw new SignatureError('invalid-options', `trust.${field}[${i}] is not a valid certificate`, { cause });
        }
      });
    });
  const publicKeyPins = (trust.publicKeyPins ?? []).map((text, i) => {
    const normalized = normalizePublicKeyPin(text);
    if (normalized === undefined) {
      throw new SignatureError(
        'invalid-options',
        `trust.publicKeyPins[${i}] '${text}' is not a public-key pin: expected the SHA-256 of the SubjectPublicKeyInfo as 32 hex pairs or base64`,
      );
    }
    return normalized;
  });
  const pinned = certificates('certificates');
  const anchors = certificates('ca');
  if (trust.identity !== undefined) validateExpectedIdentity(trust.identity, 'trust.identity');
  if (trust.crl !== undefined && trust.crl.length > 0 && anchors.length === 0) {
    throw new SignatureError('invalid-options', 'trust.crl needs trust.ca: a CRL is checked against the CA that signed it');
  }
  return {
    fingerprints,
    publicKeyPins,
    pinned,
    anchors,
    identity: trust.identity,
    crls: resolveCrls(trust.crl ?? [], anchors, 'trust.crl'),
    tlsPeer: trust.signerIsTlsPeer,
    configured: fingerprints.length > 0 || publicKeyPins.length > 0 || pinned.length > 0 || anchors.length > 0,
  };
}

/**
 * Refuses CA-only trust without an expected identity (finding: a CA issues certificates to every
 * VEN and VTN), unless the operator opted in with `anyCertificateFromCa`.
 * @throws SignatureError `invalid-options`
 */
export function requireVtnIdentity(trust: TrustOptions, resolved: ResolvedTrust, prefix: string): void {
  const pinned = resolved.fingerprints.length > 0 || resolved.publicKeyPins.length > 0 || resolved.pinned.length > 0;
  if (resolved.anchors.length > 0 && !pinned && resolved.identity === undefined && trust.anyCertificateFromCa !== true) {
    throw new SignatureError(
      'invalid-options',
      `${prefix}.ca alone trusts every certificate that CA issued, other VENs' included; say who the VTN is with ` +
        `${prefix}.identity ({ commonName, subjectAltName, vtnId }) or pin it (${prefix}.fingerprints, ${prefix}.publicKeyPins), ` +
        `or set ${prefix}.anyCertificateFromCa: true for a CA that issues to the VTN alone`,
    );
  }
}

