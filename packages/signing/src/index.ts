// End-user API
export { xmlSignatures, SIGNATURE_REJECTED_STATUS } from './xml-signatures.js';
export type { XmlSignaturesOptions } from './resolve-xml-signatures-options.js';
export { fingerprint } from './fingerprint.js';
export { signPayload } from './sign-payload.js';
export type { SignOptions } from './sign-payload.js';
export { verifyPayload } from './verify-payload.js';
export type { VerifyFailure, VerifyOptions, VerifyResult, VerifySuccess } from './verify-payload.js';
export type { TrustOptions } from './trust.js';
export type { SigningIdentity } from './signing-identity.js';
export { createReplayCache } from './replay-cache.js';
export type { ReplayCache, ReplayCacheOptions } from './replay-cache.js';
export { fileReplayStore } from './replay-store.js';
export type { ReplayRecord, ReplayStore } from './replay-store.js';
export type { ExpectedIdentity } from './expected-identity.js';
export { createTlsPeerBinding } from './tls-peer-binding.js';
export type { TlsPeerBinding } from './tls-peer-binding.js';
export { ACCEPTED_CURVES, MIN_RSA_BITS, SIGNING_EKUS } from './certificate-policy.js';
export { SignatureError, isSignatureError, SIGNATURE_FAILURE_REASONS } from './signature-error.js';
export type { SignatureErrorReason, SignatureFailureReason } from './signature-error.js';

// Integrator API: protocol constants
export {
  C14N,
  DEFAULT_REPLAY_WINDOW_MS,
  DS_NS,
  DSP_NS,
  ECDSA_SHA256,
  OADR_NS,
  PROPERTIES_ID,
  RSA_SHA256,
  SHA256,
  SIGNATURE_ID,
  SIGNED_OBJECT_ID,
} from './constants.js';
