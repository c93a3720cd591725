import type { X509Certificate } from 'node:crypto';
import { checkPeerKey, checkSigningUsage, normalizePublicKeyPin, publicKeyFingerprintOf } from './certificate-policy.js';
import { checkRevocation, resolveCrls } from './crl.js';
import type { ResolvedCrl } from './crl.js';
import { checkExpectedIdentity, validateExpectedIdentity } from './expected-identity.js';
import type { ExpectedIdentity } from './expected-identity.js';
import { fingerprintOf, fullFingerprintOf, normalizeFingerprint, parseCertificate } from './fingerprint.js';
import { SignatureError } from './signature-error.js';
import { checkTlsPeer } from './tls-peer-binding.js';
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

const MAX_CHAIN_DEPTH = 6;

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

/** `CN=vtn.example.com` style name for messages. */
export function describeCertificate(certificate: X509Certificate): string {
  return certificate.subject.replace(/\n/g, ', ');
}

function checkValidity(certificate: X509Certificate, now: Date, role: string, checks: string[]): void {
  const from = new Date(certificate.validFrom);
  const to = new Date(certificate.validTo);
  if (now < from) {
    throw new SignatureError(
      'expired-certificate',
      `${role} ${describeCertificate(certificate)} is not valid before ${from.toISOString()} (checked at ${now.toISOString()})`,
    );
  }
  if (now > to) {
    throw new SignatureError(
      'expired-certificate',
      `${role} ${describeCertificate(certificate)} expired at ${to.toISOString()} (checked at ${now.toISOString()})`,
    );
  }
  checks.push(`${role} ${describeCertificate(certificate)} valid until ${to.toISOString()}`);
}

function issues(issuer: X509Certificate, subject: X509Certificate): boolean {
  // `ca` is basicConstraints CA:true; checkIssued (X509_check_issued) also matches names and key
  // identifiers and refuses an issuer whose keyUsage lacks keyCertSign: a leaf never issues.
  return issuer.ca && subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
}

function validAt(certificate: X509Certificate, now: Date): boolean {
  return new Date(certificate.validFrom) <= now && now <= new Date(certificate.validTo);
}

/**
 * A path from `certificate` to an anchor, anchor last, using only issuers `usable` allows;
 * `undefined` if there is none.
 */
function chainTo(
  certificate: X509Certificate,
  anchors: readonly X509Certificate[],
  intermediates: readonly X509Certificate[],
  usable: (issuer: X509Certificate) => boolean,
  depth: number,
): X509Certificate[] | undefined {
  if (anchors.some((anchor) => anchor.raw.equals(certificate.raw))) return [certificate];
  const anchor = anchors.find((candidate) => usable(candidate) && issues(candidate, certificate));
  if (anchor !== undefined) return [certificate, anchor];
  if (depth >= MAX_CHAIN_DEPTH) return undefined;
  for (const intermediate of intermediates) {
    if (intermediate.raw.equals(certificate.raw) || !usable(intermediate) || !issues(intermediate, certificate)) continue;
    const rest = chainTo(intermediate, anchors, intermediates, usable, depth + 1);
    if (rest !== undefined) return [certificate, ...rest];
  }
  return undefined;
}

/** How far issuers from `intermediates` reach above `certificate`, for the message when no chain exists. */
function partialChain(certificate: X509Certificate, intermediates: readonly X509Certificate[]): X509Certificate[] {
  const path = [certificate];
  for (let top = certificate; path.length <= MAX_CHAIN_DEPTH; ) {
    const issuer = intermediates.find((candidate) => !path.some((seen) => seen.raw.equals(candidate.raw)) && issues(candidate, top));
    if (issuer === undefined) break;
    path.push(issuer);
    top = issuer;
  }
  return path;
}

function untrusted(signer: X509Certificate, trust: ResolvedTrust, intermediates: readonly X509Certificate[]): SignatureError {
  const path = partialChain(signer, intermediates);
  const top = path[path.length - 1] ?? signer;
  const reached =
    path.length === 1
      ? ''
      : `; it reaches ${path.slice(1).map(describeCertificate).join(' → ')}, issued by ${top.issuer.replace(/\n/g, ', ')}, which is not trusted`;
  return new SignatureError(
    'untrusted-certificate',
    `certificate ${describeCertificate(signer)} issued by ${signer.issuer.replace(/\n/g, ', ')} does not chain to a trusted CA ` +
      `(${trust.anchors.map(describeCertificate).join('; ')})${reached}`,
  );
}

/**
 * Decides whether the signer certificate is trusted at `now` and appends each check to `checks`.
 * `extra` are further certificates from `KeyInfo`, usable only as intermediates.
 *
 * @throws SignatureError `untrusted-certificate`, `fingerprint-mismatch`, `expired-certificate`,
 *   `weak-key`, `key-usage`, `revoked-certificate` or `identity-mismatch`
 */
export function checkCertificate(
  signer: X509Certificate,
  extra: readonly X509Certificate[],
  trust: ResolvedTrust,
  now: Date,
  checks: string[],
): void {
  if (!trust.configured) {
    throw new SignatureError(
      'untrusted-certificate',
      'no trust configured: pass trust.fingerprints, trust.publicKeyPins, trust.certificates or trust.ca to accept signed messages',
    );
  }
  checkValidity(signer, now, 'certificate', checks);
  checkPeerKey(signer, 'certificate', checks);
  checkSigningUsage(signer, 'certificate', checks);
  if (trust.fingerprints.length > 0 || trust.pinned.length > 0 || trust.publicKeyPins.length > 0) {
    const short = fingerprintOf(signer);
    const full = fullFingerprintOf(signer);
    if (trust.fingerprints.includes(short) || trust.fingerprints.includes(full)) {
      checks.push(`certificate fingerprint ${short} matches pin`);
    } else if (trust.publicKeyPins.length > 0 && trust.publicKeyPins.includes(publicKeyFingerprintOf(signer))) {
      checks.push(`certificate public key matches a public-key pin`);
    } else if (trust.pinned.some((pin) => pin.raw.equals(signer.raw))) {
      checks.push(`certificate ${describeCertificate(signer)} (fingerprint ${short}) matches a pinned certificate`);
    } else {
      const pins = [...trust.fingerprints, ...trust.pinned.map((pin) => fingerprintOf(pin)), ...trust.publicKeyPins.map((pin) => `public key ${pin}`)];
      throw new SignatureError(
        'fingerprint-mismatch',
        `certificate fingerprint ${short} (${describeCertificate(signer)}) matches no pin; expected one of ${pins.join(', ')}`,
      );
    }
  }
  if (trust.anchors.length > 0) {
    const intermediates = [...trust.anchors, ...extra];
    // Prefer a path whose CA certificates are all valid now, so a stale intermediate (say, an
    // expired one still sent in KeyInfo next to its renewal) does not hide a good path. Without
    // one, a path through an expired CA is rejected below as expired, not as untrusted.
    const chain =
      chainTo(signer, trust.anchors, intermediates, (issuer) => validAt(issuer, now), 0) ??
      chainTo(signer, trust.anchors, intermediates, () => true, 0);
    if (chain === undefined) throw untrusted(signer, trust, intermediates);
    for (const link of chain.slice(1)) checkValidity(link, now, 'CA certificate', checks);
    const root = chain[chain.length - 1] ?? signer;
    checks.push(`certificate chains to trusted CA ${describeCertificate(root)} (${chain.length - 1} link${chain.length === 2 ? '' : 's'})`);
    if (trust.crls.length > 0) {
      chain.slice(0, -1).forEach((link, i) => checkRevocation(link, trust.crls, i === 0 ? 'certificate' : 'CA certificate', checks));
    }
  }
  if (trust.identity !== undefined) checkExpectedIdentity(signer, trust.identity, 'certificate', checks);
  if (trust.tlsPeer !== undefined) checkTlsPeer(signer, trust.tlsPeer, checks);
}
