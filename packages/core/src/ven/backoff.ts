import { DEFAULT_RETRY_POLICY, retryDelay, type RetryPolicy } from '../ledger/retry-policy.js';

/**
 * Retry pacing as data: the earlier name of the VEN's one retry policy.
 *
 * @deprecated Use `RetryPolicy` (docs/ledger.md) and `createVen({ retry })`; kept so existing code compiles.
 */
export type BackoffPolicy = RetryPolicy;

/** The defaults: 5 s, ×2, at most 5 min, ±20 %. @deprecated Use `DEFAULT_RETRY_POLICY`. */
export const DEFAULT_BACKOFF: BackoffPolicy = DEFAULT_RETRY_POLICY;

/**
 * The delay before retry number `attempt` (1-based).
 *
 * @example
 * backoffDelay(DEFAULT_BACKOFF, 3, () => 0.5); // 20 000
 * @deprecated Use `retryDelay` (this is the same function).
 */
export const backoffDelay: (policy: BackoffPolicy, attempt: number, random: () => number) => number = retryDelay;
