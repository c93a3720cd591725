import { asyncScheduler } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { DEFAULT_REPLAY_WINDOW_MS } from './constants.js';
import { createReplayCache } from './replay-cache.js';
import type { ReplayCache } from './replay-cache.js';
import { SignatureError } from './signature-error.js';
import { resolveIdentity } from './signing-identity.js';
import type { ResolvedIdentity, SigningIdentity } from './signing-identity.js';
import { requireVtnIdentity, resolveTrust } from './trust.js';
import type { ResolvedTrust, TrustOptions } from './trust.js';

/** Options of `xmlSignatures` (OPENADR.md §7.3). Every field is optional. */
export interface XmlSignaturesOptions {
  /** The VEN's signing certificate and key. */
  readonly identity?: SigningIdentity;
  /** Sign outgoing payloads and push answers. Default: `true` when `identity` is given. */
  readonly sign?: boolean;
  /**
   * Whom to believe for incoming payloads. When any trust is configured, every non-empty response
   * and every pushed request must be signed and verify; without trust, incoming payloads pass
   * through unchecked (some VTNs cannot sign at all, openleadr issues #69, #153).
   * Trust must say who the VTN is: with `ca`, also give `identity` or a pin (or opt out with
   * `anyCertificateFromCa: true`). With `identity.vtnId`, every `ei:vtnID` of a verified payload
   * must equal it.
   */
  readonly trust?: TrustOptions;
  /** Replay window in ms, both directions. Default 60 000 (see `DEFAULT_REPLAY_WINDOW_MS` for why). */
  readonly replayWindowMs?: number;
  /** Source of "now" for ReplayProtect timestamps and checks. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * Where accepted (timestamp, nonce) pairs are remembered, per signer. Default `createReplayCache()`,
   * in memory only; pass `createReplayCache({ store: fileReplayStore(join(stateDir, 'replay-nonces.jsonl')) })`
   * so that a restart does not reopen the replay window.
   */
  readonly replayCache?: ReplayCache;
}

/** {@link XmlSignaturesOptions} validated, with every default applied. */
export interface ResolvedXmlSignaturesOptions {
  /** The identity to sign with, or `undefined` when not signing. */
  readonly signer: ResolvedIdentity | undefined;
  /** Resolved trust, or `undefined` when incoming payloads are not verified. */
  readonly trust: ResolvedTrust | undefined;
  readonly replayWindowMs: number;
  readonly scheduler: SchedulerLike;
  readonly replayCache: ReplayCache;
}

/**
 * Validates the options once, at construction, with messages saying what to change.
 * @throws SignatureError `invalid-options`
 */
export function resolveXmlSignaturesOptions(options: XmlSignaturesOptions): ResolvedXmlSignaturesOptions {
  const sign = options.sign ?? options.identity !== undefined;
  if (sign && options.identity === undefined) {
    throw new SignatureError('invalid-options', 'xmlSignatures: sign is true but no identity was given; pass identity: { certPem, keyPem }');
  }
  const signer = sign && options.identity !== undefined ? resolveIdentity(options.identity) : undefined;
  const resolvedTrust = resolveTrust(options.trust);
  if (options.trust !== undefined) requireVtnIdentity(options.trust, resolvedTrust, 'trust');
  const replayWindowMs = options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
  if (!Number.isFinite(replayWindowMs) || replayWindowMs <= 0) {
    throw new SignatureError(
      'invalid-options',
      `xmlSignatures: replayWindowMs must be a positive number of milliseconds, got ${String(options.replayWindowMs)}`,
    );
  }
  return {
    signer,
    trust: resolvedTrust.configured ? resolvedTrust : undefined,
    replayWindowMs,
    scheduler: options.scheduler ?? asyncScheduler,
    replayCache: options.replayCache ?? createReplayCache(),
  };
}
