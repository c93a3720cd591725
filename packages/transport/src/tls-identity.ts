import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { createSecureContext } from 'node:tls';

import { tlsKeyWeakness } from './peer-verification.js';
import { TransportConfigError } from './transport-config-error.js';
import type { TransportLogger } from './transport-logger.js';

/** PEM text or bytes. */
export type PemInput = string | Buffer;

/**
 * An own TLS identity (OPENADR.md §7.1): either a PEM certificate (optionally followed by its
 * intermediates) with its PEM key, or a PKCS#12 bundle. RSA and EC keys are both supported.
 */
export interface TlsIdentityOptions {
  /** PEM certificate, leaf first. Requires `key`. */
  readonly cert?: PemInput;
  /** PEM private key (PKCS#1, SEC1 or PKCS#8; encrypted keys need `passphrase`). Requires `cert`. */
  readonly key?: PemInput;
  /** Passphrase of an encrypted `key` or of `pfx`. */
  readonly passphrase?: string;
  /** PKCS#12 bundle holding certificate and key; use instead of `cert` + `key`. */
  readonly pfx?: Buffer;
}

/** The identity and trust fields for `node:tls`, leaving out the ones that are not set. */
export function tlsIdentityFields(options: TlsIdentityOptions, ca: PemInput | PemInput[] | undefined): TlsIdentityOptions & { ca?: PemInput | PemInput[] } {
  return {
    ...(options.cert !== undefined && { cert: options.cert }),
    ...(options.key !== undefined && { key: options.key }),
    ...(options.passphrase !== undefined && { passphrase: options.passphrase }),
    ...(options.pfx !== undefined && { pfx: options.pfx }),
    ...(ca !== undefined && { ca }),
  };
}

/** How near the end of its validity a certificate must be before a warning is logged. */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * Validates an own identity (OPENADR.md §7.1: X.509v3, RSA or EC) once: a complete pair, a readable key, a key that belongs to the
 * certificate, a certificate valid at `now`, a key of RSA ≥ 2048 bits or EC ≥ P-256. Warns when it expires within
 * {@link EXPIRY_WARNING_DAYS} days. Returns the parsed leaf certificate, or `undefined` when no
 * identity is configured.
 */
export function checkTlsIdentity(
  options: TlsIdentityOptions,
  prefix: string,
  now: number,
  logger: TransportLogger,
): X509Certificate | undefined {
  const { cert, key, pfx, passphrase } = options;
  if (pfx !== undefined && (cert !== undefined || key !== undefined)) {
    throw new TransportConfigError('invalid-option', `${prefix}.pfx`, 'give either pfx or cert + key, not both');
  }
  let certificate: X509Certificate | undefined;
  if (pfx !== undefined) {
    certificate = leafOfPfx(pfx, passphrase, prefix);
  } else if (cert !== undefined || key !== undefined) {
    if (cert === undefined || key === undefined) {
      const missing = cert === undefined ? 'cert' : 'key';
      throw new TransportConfigError(
        'incomplete-identity',
        `${prefix}.${missing}`,
        `a client or server identity needs both cert and key; add ${missing} (or use pfx)`,
      );
    }
    certificate = parseCertificate(cert, `${prefix}.cert`);
    const privateKey = parseKey(key, passphrase, `${prefix}.key`);
    if (!certificate.checkPrivateKey(privateKey)) {
      throw new TransportConfigError(
        'key-mismatch',
        `${prefix}.key`,
        `the key does not belong to the certificate "${certificate.subject.replace(/\n/g, ', ')}"; ` +
          'pair the certificate with the key it was issued for',
      );
    }
  }
  if (certificate !== undefined) {
    checkValidity(certificate, prefix, now, logger);
    const weakness = tlsKeyWeakness(certificate.publicKey);
    if (weakness !== undefined) {
      throw new TransportConfigError('weak-key', `${prefix}.${pfx === undefined ? 'key' : 'pfx'}`, `${weakness}; use a certificate for a stronger key (OPENADR.md §7.1)`);
    }
  }
  return certificate;
}

function parseCertificate(cert: PemInput, option: string): X509Certificate {
  try {
    return new X509Certificate(cert);
  } catch (error) {
    throw new TransportConfigError('invalid-certificate', option, 'cannot parse the certificate; give PEM text', {
      cause: error,
    });
  }
}

function parseKey(key: PemInput, passphrase: string | undefined, option: string): KeyObject {
  try {
    return createPrivateKey(passphrase === undefined ? { key } : { key, passphrase });
  } catch (error) {
    const hint =
      passphrase === undefined
        ? 'if the key is encrypted, set tls.passphrase'
        : 'check tls.passphrase and that the key is PEM';
    throw new TransportConfigError('unreadable-key', option, `cannot read the private key; ${hint}`, { cause: error });
  }
}

function leafOfPfx(pfx: Buffer, passphrase: string | undefined, prefix: string): X509Certificate | undefined {
  let context: ReturnType<typeof createSecureContext>;
  try {
    context = createSecureContext(passphrase === undefined ? { pfx } : { pfx, passphrase });
  } catch (error) {
    throw new TransportConfigError(
      'unreadable-key',
      `${prefix}.pfx`,
      'cannot open the PKCS#12 bundle; check tls.passphrase and that the bundle holds one certificate with its key',
      { cause: error },
    );
  }
  // Node has no public PKCS#12 parser; the secure context exposes the loaded leaf as DER.
  // Where that internal method is missing, the validity check is skipped rather than guessed.
  const inner = (context as { context?: { getCertificate?: () => Buffer | null | undefined } }).context;
  const der = typeof inner?.getCertificate === 'function' ? inner.getCertificate() : undefined;
  return der ? new X509Certificate(der) : undefined;
}

function checkValidity(certificate: X509Certificate, prefix: string, now: number, logger: TransportLogger): void {
  const from = Date.parse(certificate.validFrom);
  const to = Date.parse(certificate.validTo);
  const subject = certificate.subject.replace(/\n/g, ', ');
  if (now < from) {
    throw new TransportConfigError(
      'certificate-not-yet-valid',
      `${prefix}.cert`,
      `certificate "${subject}" is valid only from ${certificate.validFrom}; check the system clock or use a current certificate`,
    );
  }
  if (now > to) {
    throw new TransportConfigError(
      'certificate-expired',
      `${prefix}.cert`,
      `certificate "${subject}" expired on ${certificate.validTo}; renew it with your OpenADR PKI provider`,
    );
  }
  const daysLeft = Math.floor((to - now) / DAY_MS);
  if (to - now < EXPIRY_WARNING_DAYS * DAY_MS) {
    logger.warn(`${prefix}.cert: certificate "${subject}" expires on ${certificate.validTo} (${daysLeft} days left); renew it soon`);
  }
}

/**
 * Checks that every entry of a trust store (the OpenADR roots, OPENADR.md §7.1) holds at least one certificate (Node silently
 * ignores text that is not PEM, leaving an empty trust store that fails every handshake).
 * Returns the entries as a mutable array for `tls` options.
 */
export function checkCaBundle(ca: PemInput | readonly PemInput[] | undefined, option: string): PemInput | PemInput[] | undefined {
  if (ca === undefined) return undefined;
  const entries: PemInput[] = Array.isArray(ca) ? [...(ca as readonly PemInput[])] : [ca as PemInput];
  entries.forEach((entry, i) => {
    try {
      new X509Certificate(entry);
    } catch (error) {
      const where = Array.isArray(ca) ? `${option}[${i}]` : option;
      throw new TransportConfigError('invalid-certificate', where, 'holds no certificate; give the PEM text of the trusted root(s)', {
        cause: error,
      });
    }
  });
  return Array.isArray(ca) ? entries : (ca as PemInput);
}
