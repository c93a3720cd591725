import type { OadrMessage, OadrMessageType } from '../model/message.js';
import { isTransportError } from '../transport/transport-error.js';

/**
 * The one retry policy of the VEN, as data (DESIGN.md "the ledger"). Every owed message, every
 * registration attempt and every failed poll waits `retryDelay(policy, attempt, random)` before
 * it is tried again: capped exponential growth with jitter, without a limit on the number of
 * attempts for transient failures.
 */
export interface RetryPolicy {
  /** First delay in ms. Default 5 000. */
  readonly initialMs: number;
  /** Growth factor per attempt. Default 2. */
  readonly factor: number;
  /** Upper bound of any delay in ms. Default 300 000 (5 min). */
  readonly maxMs: number;
  /** Fraction of the delay that is randomised, 0..1 (0.2 = ±20 %). Default 0.2. */
  readonly jitter: number;
}

/** The defaults: 5 s, ×2, at most 5 min, ±20 %. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialMs: 5_000, factor: 2, maxMs: 300_000, jitter: 0.2 };

/**
 * The delay before retry number `attempt` (1-based): `min(maxMs, initialMs·factor^(attempt-1))`,
 * moved by up to ±jitter of itself with `random` ∈ [0, 1) (0.5 = no move), never above maxMs.
 *
 * @example
 * retryDelay(DEFAULT_RETRY_POLICY, 3, () => 0.5); // 20 000
 */
export function retryDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt - 1));
  const moved = base * (1 + policy.jitter * (2 * random() - 1));
  return Math.max(0, Math.min(policy.maxMs, Math.round(moved)));
}

/**
 * What one exchange came to, for the record that made it:
 * - `settled`: the expected reply type with a 2xx code (per item where the reply has items)
 * - `transient`: try again after the backoff — transport, TLS and timeout failures, HTTP errors,
 *   a body that is not an OpenADR payload, the wrong reply type, an empty answer where a reply is
 *   expected, OpenADR 5xx codes
 * - `terminal`: an OpenADR 4xx code that refuses the content; the record fails (typed error, counted)
 * - `reconcile`: 463, or 452 about the VEN's own venID/registrationID: the VTN does not know the
 *   VEN as the VEN knows itself; the record waits and the VEN re-registers
 */
export type ExchangeVerdict =
  | { readonly kind: 'settled'; readonly answer: OadrMessage | undefined }
  | { readonly kind: 'transient'; readonly reason: string; readonly responseCode?: string; readonly cause?: unknown }
  | { readonly kind: 'terminal'; readonly reason: string; readonly responseCode: string; readonly description?: string }
  | { readonly kind: 'reconcile'; readonly reason: string; readonly responseCode: string; readonly description?: string };

/** The response code and text of any reply that carries an `ei:eiResponse`. */
export function responseOf(answer: OadrMessage): { readonly code: string; readonly description: string | undefined } | undefined {
  const response = (answer as { eiResponse?: { responseCode: string; responseDescription?: string } }).eiResponse;
  return response ? { code: response.responseCode, description: response.responseDescription } : undefined;
}

/** Words in a 452 description that say the VTN does not know the VEN's own IDs (§8). */
const OWN_ID_452 = /ven\s*-?id|registration\s*-?id|not registered|unknown ven/i;

/**
 * Classifies a response code (§8): 2xx settles; 463 and a 452 about the VEN's own IDs
 * reconcile; other 4xx are terminal; 5xx and anything unknown are transient.
 */
export function classifyCode(code: string, description: string | undefined, answer: OadrMessage | undefined): ExchangeVerdict {
  const text = `${code}${description ? ` ${description}` : ''}`;
  if (/^2\d\d$/.test(code)) return { kind: 'settled', answer };
  if (code === '463') return { kind: 'reconcile', reason: `the VTN answered ${text}`, responseCode: code, ...(description ? { description } : {}) };
  if (code === '452' && description !== undefined && OWN_ID_452.test(description)) {
    return { kind: 'reconcile', reason: `the VTN answered ${text}`, responseCode: code, ...(description ? { description } : {}) };
  }
  if (/^4\d\d$/.test(code)) return { kind: 'terminal', reason: `the VTN refused it: ${text}`, responseCode: code, ...(description ? { description } : {}) };
  return { kind: 'transient', reason: `the VTN answered ${text}`, responseCode: code };
}

/**
 * Classifies the outcome of sending one owed message that expects `expects` as its reply:
 * `answer` is the decoded reply (undefined for an empty body), or `error` the failure.
 * A decode failure (the body was not an OpenADR payload: HTML, garbage) is transient.
 */
export function classifyExchange(expects: OadrMessageType, outcome: { readonly answer: OadrMessage | undefined } | { readonly error: unknown }): ExchangeVerdict {
  if ('error' in outcome) {
    const error = outcome.error;
    const message = error instanceof Error ? error.message : String(error);
    if (isTransportError(error) && error.code === 'aborted') return { kind: 'transient', reason: `aborted: ${message}`, cause: error };
    return { kind: 'transient', reason: message, cause: error };
  }
  const { answer } = outcome;
  if (!answer) return { kind: 'transient', reason: `the VTN answered with an empty body where ${expects} was expected` };
  const response = responseOf(answer);
  if (answer.type !== expects) {
    // An oadrResponse carrying an error code is the VTN's verdict on the request, whatever we expected.
    if (answer.type === 'oadrResponse' && response && !/^2\d\d$/.test(response.code)) return classifyCode(response.code, response.description, answer);
    return { kind: 'transient', reason: `expected ${expects}, the VTN answered ${answer.type}` };
  }
  if (!response) return { kind: 'settled', answer };
  return classifyCode(response.code, response.description, answer);
}
