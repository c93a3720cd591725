/**
 * The closed set of configuration problems found by `resolveHttpTransportOptions()` and
 * `resolveHttpPushServerOptions()`:
 * - `invalid-option`: a value is out of range or of the wrong kind
 * - `invalid-url`: the VTN URL (or a push server's public URL) cannot be used
 * - `tls-over-http`: TLS settings were given for a plain `http://` URL
 * - `incomplete-identity`: a certificate without its key, or a key without its certificate
 * - `unreadable-key`: the private key cannot be parsed or decrypted (wrong passphrase)
 * - `key-mismatch`: the private key does not belong to the certificate
 * - `invalid-certificate`: the certificate cannot be parsed
 * - `certificate-expired` / `certificate-not-yet-valid`: the own certificate is outside its validity
 * - `invalid-fingerprint`: a pinned fingerprint is not in the OPENADR.md §7.2 form
 * - `invalid-tls`: Node's TLS layer rejects the combination (cipher list, CA bundle, PKCS#12)
 * - `weak-key`: the own key is RSA below 2048 bits, EC below P-256, or another type
 * - `no-vtn-trust`: nothing says who the VTN is (no `ca`, no pin; or a CA without an expected identity)
 */
export type TransportConfigErrorCode =
  | 'invalid-option'
  | 'invalid-url'
  | 'tls-over-http'
  | 'incomplete-identity'
  | 'unreadable-key'
  | 'key-mismatch'
  | 'invalid-certificate'
  | 'certificate-expired'
  | 'certificate-not-yet-valid'
  | 'invalid-fingerprint'
  | 'invalid-tls'
  | 'weak-key'
  | 'no-vtn-trust';

/**
 * Thrown once, at construction, when transport options are contradictory or unusable
 * (STYLE.md rule 13: fail at start-up, not on the first request), typically TLS settings that
 * cannot satisfy OPENADR.md §7.1 or a URL that cannot carry the §1.3 layout. The message says what to do;
 * `option` names the offending field (e.g. `tls.key`).
 *
 * @example
 * try { httpTransport({ vtnUrl, tls }) } catch (e) { if (e instanceof TransportConfigError) log(e.option, e.message) }
 */
export class TransportConfigError extends Error {
  override readonly name = 'TransportConfigError';
  readonly code: TransportConfigErrorCode;
  readonly option: string;

  constructor(code: TransportConfigErrorCode, option: string, message: string, options: { cause?: unknown } = {}) {
    super(`${option}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.option = option;
  }
}
