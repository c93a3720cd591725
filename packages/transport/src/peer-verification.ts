import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import type { TLSSocket } from 'node:tls';

import { certificateFingerprint, normaliseFingerprint } from './fingerprint.js';
import type { PemInput } from './tls-identity.js';
import { TransportConfigError } from './transport-config-error.js';

/**
 * Who the VTN is, checked on its TLS certificate (OPENADR.md §7.1): a CA issues certificates to
 * every VEN and VTN, so "chains to the CA" alone accepts another VEN. Every field given must hold.
 */
export interface TlsPeerIdentity {
  /** The peer certificate's subject CN must equal one of these (case-insensitive). */
  readonly commonName?: string | readonly string[];
  /** The peer certificate's subjectAltName must contain one of these DNS names, IP addresses or URIs. */
  readonly subjectAltName?: string | readonly string[];
}

/** Ways to say who the VTN is at the TLS layer, shared by the pull client and the push server. */
export interface TlsPeerTrustOptions {
  /**
   * Fingerprints (OPENADR.md §7.2: SHA-256 of the DER certificate, last 10 bytes; or the full
   * SHA-256) the VTN's certificate must match.
   */
  readonly pinnedFingerprints?: readonly string[];
  /**
   * SHA-256 of the VTN's DER SubjectPublicKeyInfo (32 hex pairs, or base64 optionally prefixed
   * `sha256/`): a pin that survives a certificate renewal keeping the key.
   */
  readonly pinnedPublicKeys?: readonly string[];
  /**
   * Certificate revocation lists (PEM or DER) for the CAs in `ca`; requires `ca`. Node's TLS layer
   * then checks every certificate of the peer's chain, so give the CRL of each issuing CA.
   */
  readonly crl?: PemInput | readonly PemInput[];
  /**
   * Called with each peer certificate that passed every check, once per TLS connection: feed it
   * to `createTlsPeerBinding().record` of `@rxadr/signing` to require that the XML signer is the
   * TLS peer.
   */
  readonly onPeerCertificate?: (certificate: X509Certificate) => void;
}

/** The peer checks after validation. */
export interface ResolvedPeerPolicy {
  readonly fingerprints: readonly string[];
  readonly publicKeys: readonly string[];
  readonly identity: TlsPeerIdentity | undefined;
  readonly onPeerCertificate: ((certificate: X509Certificate) => void) | undefined;
}

/** Smallest RSA modulus accepted for TLS peers and own identities, in bits. */
export const MIN_TLS_RSA_BITS = 2048;
const CURVES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** Why `key` is too weak (RSA below 2048 bits, EC below P-256, another type), or `undefined`. */
export function tlsKeyWeakness(key: KeyObject): string | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    return bits >= MIN_TLS_RSA_BITS ? undefined : `an RSA key of ${bits} bits is below the minimum of ${MIN_TLS_RSA_BITS}`;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = details.namedCurve ?? 'unknown';
    return curve in CURVES ? undefined : `an EC key on ${curve === 'prime192v1' ? 'P-192' : curve} is not accepted; use P-256, P-384 or P-521`;
  }
  return `key type '${key.asymmetricKeyType ?? 'unknown'}' is not used by OpenADR (RSA or EC only)`;
}

function normalisePublicKeyPin(pin: string, option: string): string {
  const trimmed = pin.trim().replace(/^sha256\//i, '');
  const hex = trimmed.replace(/[\s:-]/g, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return hex.toUpperCase();
  if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return Buffer.from(trimmed, 'base64').toString('hex').toUpperCase();
  throw new TransportConfigError(
    'invalid-fingerprint',
    option,
    `"${pin}" is not a public-key pin; expected the SHA-256 of the DER SubjectPublicKeyInfo as 32 hex pairs or base64`,
  );
}

function names(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/** Validates pins and the expected identity once. */
export function resolvePeerPolicy(
  options: TlsPeerTrustOptions & { readonly vtnIdentity?: TlsPeerIdentity },
  prefix: string,
): ResolvedPeerPolicy {
  const identity = options.vtnIdentity;
  if (identity !== undefined) {
    const all = [...names(identity.commonName), ...names(identity.subjectAltName)];
    if (all.length === 0 || all.some((name) => name.trim() === '')) {
      throw new TransportConfigError('invalid-option', `${prefix}.vtnIdentity`, 'give a non-empty commonName and/or subjectAltName');
    }
  }
  return {
    fingerprints: (options.pinnedFingerprints ?? []).map((pin, i) => normaliseFingerprint(pin, `${prefix}.pinnedFingerprints[${i}]`)),
    publicKeys: (options.pinnedPublicKeys ?? []).map((pin, i) => normalisePublicKeyPin(pin, `${prefix}.pinnedPublicKeys[${i}]`)),
    identity,
    onPeerCertificate: options.onPeerCertificate,
  };
}

/** Whether a policy pins the peer at all. */
export function isPinned(policy: ResolvedPeerPolicy): boolean {
  return policy.fingerprints.length > 0 || policy.publicKeys.length > 0;
}

/** The CRL entries for `tls` options; a CRL without `ca` cannot be checked. */
export function checkCrlOption(crl: PemInput | readonly PemInput[] | undefined, ca: unknown, prefix: string): PemInput[] | undefined {
  if (crl === undefined) return undefined;
  if (ca === undefined) {
    throw new TransportConfigError('invalid-option', `${prefix}.crl`, 'a CRL is checked against the CA that issued it; set ca as well');
  }
  const entries: PemInput[] = Array.isArray(crl) ? [...(crl as readonly PemInput[])] : [crl as PemInput];
  entries.forEach((entry, i) => {
    const text = typeof entry === 'string' ? entry : entry.toString('latin1');
    if (!text.includes('-----BEGIN X509 CRL-----')) {
      const where = Array.isArray(crl) ? `${prefix}.crl[${i}]` : `${prefix}.crl`;
      throw new TransportConfigError('invalid-certificate', where, 'holds no PEM X509 CRL');
    }
  });
  return entries;
}

function identityProblem(certificate: X509Certificate, identity: TlsPeerIdentity): string | undefined {
  const cns = certificate.subject.split('\n').filter((line) => line.startsWith('CN=')).map((line) => line.slice(3));
  const sans = (certificate.subjectAltName ?? '').split(', ').map((entry) => entry.slice(entry.indexOf(':') + 1));
  const wantedCns = names(identity.commonName);
  if (wantedCns.length > 0 && !cns.some((cn) => wantedCns.some((wanted) => wanted.toLowerCase() === cn.toLowerCase()))) {
    return `its CN (${cns.join(', ') || 'none'}) is not ${wantedCns.join(' or ')}`;
  }
  const wantedSans = names(identity.subjectAltName);
  if (wantedSans.length > 0 && !sans.some((san) => wantedSans.some((wanted) => wanted.toLowerCase() === san.toLowerCase()))) {
    return `its subjectAltName (${certificate.subjectAltName ?? 'none'}) does not include ${wantedSans.join(' or ')}`;
  }
  return undefined;
}

/**
 * Why the peer certificate is refused, or `undefined` when it passes: valid at `now` (also in
 * pins-only mode, where the TLS layer does not check it), an RSA ≥ 2048 or EC ≥ P-256 key, one of
 * the pins when pins are set, the expected identity when one is set. Calls `onPeerCertificate`
 * on success.
 */
export function peerProblem(certificate: X509Certificate | undefined, policy: ResolvedPeerPolicy, now: number): string | undefined {
  if (certificate === undefined) return 'the peer presented no certificate';
  const subject = certificate.subject.replace(/\n/g, ', ');
  if (now < Date.parse(certificate.validFrom)) return `certificate "${subject}" is not valid before ${certificate.validFrom}`;
  if (now > Date.parse(certificate.validTo)) return `certificate "${subject}" expired on ${certificate.validTo}`;
  const weakness = tlsKeyWeakness(certificate.publicKey);
  if (weakness !== undefined) return `certificate "${subject}": ${weakness}`;
  if (isPinned(policy)) {
    const byCertificate = policy.fingerprints.includes(certificateFingerprint(certificate));
    const spki = createHash('sha256').update(certificate.publicKey.export({ type: 'spki', format: 'der' })).digest('hex').toUpperCase();
    if (!byCertificate && !policy.publicKeys.includes(spki)) {
      return `certificate "${subject}" (fingerprint ${certificateFingerprint(certificate)}) is not pinned`;
    }
  }
  if (policy.identity !== undefined) {
    const problem = identityProblem(certificate, policy.identity);
    if (problem !== undefined) return `certificate "${subject}" is not the expected VTN: ${problem}`;
  }
  policy.onPeerCertificate?.(certificate);
  return undefined;
}

/** The peer certificate of a TLS socket, parsed, or `undefined` when there is none. */
export function peerCertificateOf(socket: TLSSocket): X509Certificate | undefined {
  return socket.getPeerX509Certificate();
}

/** Error code of a connection refused by {@link peerProblem} on the pull client. */
export const PEER_REJECTED_CODE = 'ERR_TLS_VTN_CERTIFICATE_REJECTED';
