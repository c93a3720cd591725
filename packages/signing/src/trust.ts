import type { X509Certificate } from 'node:crypto';
import { fingerprintOf, fullFingerprintOf, normalizeFingerprint, parseCertificate } from './fingerprint.js';
import { SignatureError } from './signature-error.js';

/**
 * Whom to believe (OPENADR.md §7.2, §7.3). Every configured kind is a requirement of its own:
 * - `fingerprints` and `certificates` are pins: the signer certificate must match one of them
 *   (by the 10-byte OpenADR fingerprint or a full SHA-256 fingerprint, or byte for byte);
 * - `ca` lists trust anchors (roots or intermediates, PEM, bundles allowed): the signer
 *   certificate must chain to one of them, through certificates in `ca` or in `KeyInfo`.
 * With pins and `ca` both given, both must hold. With nothing configured nothing is trusted.
 */
export interface TrustOptions {
  readonly fingerprints?: readonly string[];
  readonly certificates?: readonly string[];
  readonly ca?: readonly string[];
}

/** {@link TrustOptions} parsed once. */
export interface ResolvedTrust {
  readonly fingerprints: readonly string[];
  readonly pinned: readonly X509Certificate[];
  readonly anchors: readonly X509Certificate[];
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
  const pinned = certificates('certificates');
  const anchors = certificates('ca');
  return {
    fingerprints,
    pinned,
    anchors,
    configured: fingerprints.length > 0 || pinned.length > 0 || anchors.length > 0,
  };
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
  return issuer.ca && subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
}

/** A path from `certificate` to an anchor, anchor last; `undefined` if there is none. */
function chainTo(
  certificate: X509Certificate,
  anchors: readonly X509Certificate[],
  intermediates: readonly X509Certificate[],
  depth: number,
): X509Certificate[] | undefined {
  if (anchors.some((anchor) => anchor.raw.equals(certificate.raw))) return [certificate];
  const anchor = anchors.find((candidate) => issues(candidate, certificate));
  if (anchor !== undefined) return [certificate, anchor];
  if (depth >= MAX_CHAIN_DEPTH) return undefined;
  for (const intermediate of intermediates) {
    if (intermediate.raw.equals(certificate.raw) || !issues(intermediate, certificate)) continue;
    const rest = chainTo(intermediate, anchors, intermediates, depth + 1);
    if (rest !== undefined) return [certificate, ...rest];
  }
  return undefined;
}

/**
 * Decides whether the signer certificate is trusted at `now` and appends each check to `checks`.
 * `extra` are further certificates from `KeyInfo`, usable only as intermediates.
 *
 * @throws SignatureError `untrusted-certificate`, `fingerprint-mismatch` or `expired-certificate`
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
      'no trust configured: pass trust.fingerprints, trust.certificates or trust.ca to accept signed messages',
    );
  }
  checkValidity(signer, now, 'certificate', checks);
  if (trust.fingerprints.length > 0 || trust.pinned.length > 0) {
    const short = fingerprintOf(signer);
    const full = fullFingerprintOf(signer);
    if (trust.fingerprints.includes(short) || trust.fingerprints.includes(full)) {
      checks.push(`certificate fingerprint ${short} matches pin`);
    } else if (trust.pinned.some((pin) => pin.raw.equals(signer.raw))) {
      checks.push(`certificate ${describeCertificate(signer)} (fingerprint ${short}) matches a pinned certificate`);
    } else {
      const pins = [...trust.fingerprints, ...trust.pinned.map((pin) => fingerprintOf(pin))];
      throw new SignatureError(
        'fingerprint-mismatch',
        `certificate fingerprint ${short} (${describeCertificate(signer)}) matches no pin; expected one of ${pins.join(', ')}`,
      );
    }
  }
  if (trust.anchors.length > 0) {
    const chain = chainTo(signer, trust.anchors, [...trust.anchors, ...extra], 0);
    if (chain === undefined) {
      throw new SignatureError(
        'untrusted-certificate',
        `certificate ${describeCertificate(signer)} issued by ${signer.issuer.replace(/\n/g, ', ')} does not chain to a trusted CA ` +
          `(${trust.anchors.map(describeCertificate).join('; ')})`,
      );
    }
    for (const link of chain.slice(1)) checkValidity(link, now, 'CA certificate', checks);
    const root = chain[chain.length - 1] ?? signer;
    checks.push(`certificate chains to trusted CA ${describeCertificate(root)} (${chain.length - 1} link${chain.length === 2 ? '' : 's'})`);
  }
}
