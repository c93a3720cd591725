/**
 * The closed set of transport failure codes.
 * - `connect`: no connection (refused, DNS, reset before a response)
 * - `timeout`: connect or read timeout, or the exchange's overall deadline
 * - `tls`: handshake failure, untrusted or mismatched certificate
 * - `http-status`: the VTN answered with an HTTP status other than 200 (`status`, `body` set)
 * - `aborted`: the request was cancelled by the caller
 * - `protocol`: the exchange completed but its content is unacceptable (bad signature,
 *   replayed message, wrong content type); `cause` holds the typed reason
 */
export type TransportErrorCode = 'connect' | 'timeout' | 'tls' | 'http-status' | 'aborted' | 'protocol';

const RETRYABLE_BY_DEFAULT: Record<TransportErrorCode, boolean> = {
  connect: true,
  timeout: true,
  tls: true,
  'http-status': true,
  aborted: false,
  protocol: false,
};

export interface TransportErrorOptions {
  readonly status?: number;
  readonly body?: string;
  readonly retryable?: boolean;
  readonly cause?: unknown;
}

/**
 * The one error type every transport (built-in or custom) fails with.
 * `retryable` tells the engine whether backing off and trying again can help; by default
 * connect, timeout, tls and HTTP 5xx/429/408 errors are retryable, others are not. TLS
 * failures count as transient: an expired or replaced VTN certificate, a proxy on the path or a
 * protocol mismatch is fixed on the other end while the VEN keeps what it owes and retries.
 */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: TransportErrorCode;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly body: string | undefined;

  constructor(code: TransportErrorCode, message: string, options: TransportErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.body = options.body;
    this.retryable = options.retryable ?? defaultRetryable(code, options.status);
  }
}

function defaultRetryable(code: TransportErrorCode, status: number | undefined): boolean {
  if (code === 'http-status' && status !== undefined) return status >= 500 || status === 429 || status === 408;
  return RETRYABLE_BY_DEFAULT[code];
}

/** Narrows an unknown failure to a `TransportError`. */
export function isTransportError(error: unknown): error is TransportError {
  return error instanceof TransportError;
}
