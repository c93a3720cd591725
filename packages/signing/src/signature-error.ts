/**
 * Why a signed OpenADR payload was rejected (OPENADR.md §7.3). A closed set:
 * - `unsigned`: no `ds:Signature` although trust is configured
 * - `malformed`: not well-formed XML, not an `oadrPayload`, or a signature missing required parts
 * - `unsupported-algorithm`: canonicalization, transform, digest or signature method other than
 *   inclusive C14N 1.0, SHA-256, RSA-SHA256 or ECDSA-SHA256
 * - `missing-reference`: the reference to `#oadrSignedObject` or to the ReplayProtect object is absent
 *   or points at nothing
 * - `digest-mismatch`: a referenced element was changed after signing
 * - `bad-signature`: `SignatureValue` does not verify over `SignedInfo` with the signer's key
 * - `untrusted-certificate`: the signer certificate does not chain to a configured CA
 *   (or no trust is configured at all)
 * - `fingerprint-mismatch`: the signer certificate matches no pinned fingerprint or certificate (§7.2)
 * - `expired-certificate`: the signer (or a chain) certificate is outside its validity period
 * - `weak-key`: the signer's key is RSA below 2048 bits, EC on a curve below P-256, or another type
 * - `key-usage`: the signer certificate lacks digitalSignature or has only incompatible extended key usages
 * - `revoked-certificate`: a configured CRL lists the signer (or a CA certificate on its path)
 * - `identity-mismatch`: the signer is not the expected VTN (CN, subjectAltName, vtnID), or not the TLS peer
 * - `algorithm-mismatch`: the SignatureMethod does not fit the signer's key type (ECDSA over an RSA key, …)
 * - `replay-missing`: no `dsp:ReplayProtect` with `dsp:timestamp` and `dsp:nonce`
 * - `replayed`: this (timestamp, nonce) pair was already accepted within the replay window
 * - `stale`: `dsp:timestamp` is older than the replay window
 * - `future`: `dsp:timestamp` lies further in the future than the replay window
 * - `wrapping`: signature-wrapping shape (rule 514): duplicate IDs, more than one
 *   `oadrSignedObject`, `ds:Signature` or `ReplayProtect`, a signed object outside the root
 *   `oadrPayload`, or a reference to an element other than the expected two
 */
export type SignatureFailureReason =
  | 'unsigned'
  | 'malformed'
  | 'unsupported-algorithm'
  | 'missing-reference'
  | 'digest-mismatch'
  | 'bad-signature'
  | 'untrusted-certificate'
  | 'fingerprint-mismatch'
  | 'expired-certificate'
  | 'weak-key'
  | 'key-usage'
  | 'revoked-certificate'
  | 'identity-mismatch'
  | 'algorithm-mismatch'
  | 'replay-missing'
  | 'replayed'
  | 'stale'
  | 'future'
  | 'wrapping';

/** Every {@link SignatureFailureReason}, in a stable order. */
export const SIGNATURE_FAILURE_REASONS: readonly SignatureFailureReason[] = [
  'unsigned',
  'malformed',
  'unsupported-algorithm',
  'missing-reference',
  'digest-mismatch',
  'bad-signature',
  'untrusted-certificate',
  'fingerprint-mismatch',
  'expired-certificate',
  'weak-key',
  'key-usage',
  'revoked-certificate',
  'identity-mismatch',
  'algorithm-mismatch',
  'replay-missing',
  'replayed',
  'stale',
  'future',
  'wrapping',
];

/**
 * Reasons a {@link SignatureError} can carry: every verification failure, plus `invalid-options`
 * for configuration that cannot work (a key that does not match its certificate, `sign: true`
 * without an identity, an unparseable trust anchor).
 */
export type SignatureErrorReason = SignatureFailureReason | 'invalid-options';

/**
 * The one error type of `@rxadr/signing`. `reason` is machine-readable; `message` says exactly
 * which check failed; `checks` lists every check made up to the failure, in words.
 */
export class SignatureError extends Error {
  override readonly name = 'SignatureError';
  readonly reason: SignatureErrorReason;
  readonly checks: readonly string[];

  constructor(reason: SignatureErrorReason, message: string, options: { checks?: readonly string[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.checks = options.checks ?? [];
  }
}

/** Narrows an unknown failure to a {@link SignatureError}. */
export function isSignatureError(error: unknown): error is SignatureError {
  return error instanceof SignatureError;
}
