import { createHash, X509Certificate } from 'node:crypto';

import { TransportConfigError } from './transport-config-error.js';

/**
 * The OpenADR certificate fingerprint (OPENADR.md §7.2): SHA-256 over the certificate's DER
 * bytes, the last 10 bytes, upper-case hex pairs joined with `:`.
 *
 * Accepts a PEM string or buffer (the first certificate is used), DER bytes, or an
 * `X509Certificate`.
 *
 * @example
 * certificateFingerprint(readFileSync('ven.crt')) // '09:71:9E:0E:51:C0:8F:05:56:C9'
 */
export function certificateFingerprint(certificate: string | Buffer | X509Certificate): string {
  const der = certificate instanceof X509Certificate ? certificate.raw : new X509Certificate(certificate).raw;
  return formatFingerprint(createHash('sha256').update(der).digest().subarray(-10));
}

/**
 * Brings a configured pin to the canonical §7.2 form. Case and separators (`:`, spaces, `-`)
 * do not matter; a full 32-byte SHA-256 fingerprint is accepted and reduced to its last 10 bytes.
 * @throws TransportConfigError (`invalid-fingerprint`) for anything else.
 */
export function normaliseFingerprint(pin: string, option: string): string {
  const hex = pin.replace(/[\s:-]/g, '').toUpperCase();
  if (/^[0-9A-F]{20}$/.test(hex) || /^[0-9A-F]{64}$/.test(hex)) {
    return formatFingerprint(Buffer.from(hex.slice(-20), 'hex'));
  }
  throw new TransportConfigError(
    'invalid-fingerprint',
    option,
    `"${pin}" is not an OpenADR fingerprint; expected 10 bytes as hex pairs such as 09:71:9E:0E:51:C0:8F:05:56:C9 ` +
      '(SHA-256 of the DER certificate, last 10 bytes, OPENADR.md §7.2)',
  );
}

function formatFingerprint(bytes: Buffer): string {
  return (bytes.toString('hex').toUpperCase().match(/../g) ?? []).join(':');
}
