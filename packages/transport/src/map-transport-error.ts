import { TransportError } from '@rxadr/core';

import { isHandshakeFailure } from './handshake-aware-connector.js';

const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_CRL',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

const PROTOCOL_CODES = new Set(['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_EXCEEDED_MAX_SIZE', 'UND_ERR_INFO']);

/**
 * Maps a Node/undici failure to the `TransportError` codes of `@rxadr/core` (OPENADR.md §1.5:
 * anything that is not an HTTP answer). The original error is kept as `cause`.
 *
 * `closed` tells that the transport itself was closed, which turns undici's "destroyed" errors
 * into `aborted`.
 */
export function toTransportError(error: unknown, what: string, closed = false): TransportError {
  if (error instanceof TransportError) return error;
  const codes = codesOf(error);
  const has = (set: ReadonlySet<string>): boolean => codes.some((code) => set.has(code));
  const reason = error instanceof Error ? error.message : String(error);
  if (closed || codes.includes('UND_ERR_DESTROYED')) {
    return new TransportError('aborted', `${what}: transport closed (${reason})`, { cause: error });
  }
  if (codes.includes('AbortError') || codes.includes('UND_ERR_ABORTED') || codes.includes('ABORT_ERR')) {
    return new TransportError('aborted', `${what}: cancelled`, { cause: error });
  }
  if (has(TIMEOUT_CODES)) {
    const phase = codes.includes('UND_ERR_CONNECT_TIMEOUT') ? 'connect timeout' : 'read timeout';
    return new TransportError('timeout', `${what}: ${phase} (${reason})`, { cause: error });
  }
  if (codes.some(isTlsCode) || isOpenSslError(error)) {
    return new TransportError('tls', `${what}: TLS failure (${reason})`, { cause: error });
  }
  if (isHandshakeFailure(error)) {
    return new TransportError(
      'tls',
      `${what}: the peer closed the connection during the TLS handshake; it may not accept this client certificate (${reason})`,
      { cause: error },
    );
  }
  if (has(PROTOCOL_CODES) || codes.some((code) => code.startsWith('HPE_'))) {
    return new TransportError('protocol', `${what}: malformed HTTP answer (${reason})`, { cause: error });
  }
  if (has(CONNECT_CODES)) {
    return new TransportError('connect', `${what}: connection failed (${reason})`, { cause: error });
  }
  return new TransportError('connect', `${what}: request failed (${reason})`, { cause: error });
}

function isTlsCode(code: string): boolean {
  return code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || TLS_VERIFY_CODES.has(code);
}

function isOpenSslError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'library' in error && 'reason' in error;
}

/** The `code` and `name` of an error and of its causes (undici sometimes wraps the socket error). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const { code, name } = current as { code?: unknown; name?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (typeof name === 'string') codes.push(name);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}
