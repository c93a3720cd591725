import type { X509Certificate } from 'node:crypto';
import { checkPeerKey, checkSigningUsage, publicKeyFingerprintOf } from './certificate-policy.js';
import { checkRevocation } from './crl.js';
import { checkExpectedIdentity } from './expected-identity.js';
import { fingerprintOf, fullFingerprintOf } from './fingerprint.js';
import { SignatureError } from './signature-error.js';
import { checkTlsPeer } from './tls-peer-binding.js';
import type { ResolvedTrust } from './trust-options.js';

export { requireVtnIdentity, resolveTrust, splitPem } from './trust-options.js';
export type { ResolvedTrust, TrustOptions } from './trust-options.js';

const MAX_CHAIN_DEPTH = 6;

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
 * `extra` are further certificates from `KeyInfo`, usable only as intermediates. Returns the
 * certificates whose validity the decision relied on (the signer, then its chain).
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
): readonly X509Certificate[] {
  if (!trust.configured) {
    throw new SignatureError(
      'untrusted-certificate',
      'no trust configured: pass trust.fingerprints, trust.publicKeyPins, trust.certificates or trust.ca to accept signed messages',
    );
  }
  checkValidity(signer, now, 'certificate', checks);
  const relied = [signer];
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
    for (const link of chain.slice(1)) {
      checkValidity(link, now, 'CA certificate', checks);
      relied.push(link);
    }
    const root = chain[chain.length - 1] ?? signer;
    checks.push(`certificate chains to trusted CA ${describeCertificate(root)} (${chain.length - 1} link${chain.length === 2 ? '' : 's'})`);
    if (trust.crls.length > 0) {
      chain.slice(0, -1).forEach((link, i) => checkRevocation(link, trust.crls, i === 0 ? 'certificate' : 'CA certificate', checks));
    }
  }
  if (trust.identity !== undefined) checkExpectedIdentity(signer, trust.identity, 'certificate', checks);
  if (trust.tlsPeer !== undefined) checkTlsPeer(signer, trust.tlsPeer, checks);
  return relied;
}
