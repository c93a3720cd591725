/**
 * Retry pacing as data: exponential growth with full-range jitter, capped.
 *
 * @deprecated The same shape as `RetryPolicy` (docs/ledger.md), the VEN's one retry policy
 * (`createVen({ retry })`); kept so existing code compiles.
 */
export interface BackoffPolicy {
  /** First delay in ms. Default 5 000. */
  readonly initialMs: number;
  /** Growth factor per attempt. Default 2. */
  readonly factor: number;
  /** Upper bound of any delay in ms. Default 300 000 (5 min). */
  readonly maxMs: number;
  /** Fraction of the delay that is randomised, 0..1 (0.2 = ±20 %). Default 0.2. */
  readonly jitter: number;
}

/** The defaults: 5 s, ×2, at most 5 min, ±20 %. @deprecated Use `DEFAULT_RETRY_POLICY`. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 5_000, factor: 2, maxMs: 300_000, jitter: 0.2 };

/**
 * The delay before retry number `attempt` (1-based): `min(maxMs, initialMs·factor^(attempt-1))`,
 * then moved by up to ±jitter of itself with `random` ∈ [0, 1) (0.5 = no move), never above maxMs.
 *
 * @example
 * backoffDelay(DEFAULT_BACKOFF, 3, () => 0.5); // 20 000
 * @deprecated Use `retryDelay` (the same computation).
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt - 1));
  const moved = base * (1 + policy.jitter * (2 * random() - 1));
  return Math.max(0, Math.min(policy.maxMs, Math.round(moved)));
}
