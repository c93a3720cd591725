import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

const HANDSHAKE_FAILURE = Symbol('rxadr.tlsHandshakeFailure');

/**
 * undici's connector, plus one fact undici does not keep: whether a failure happened after TCP
 * was up but before the TLS handshake finished. A Node server that rejects a client
 * certificate simply drops the socket (no TLS alert), which reaches the client as a bare
 * ECONNRESET; marked this way it is reported as `tls`, not `connect` (OPENADR.md §7.1).
 */
export function handshakeAwareConnector(options: buildConnector.BuildOptions): buildConnector.connector {
  const connect = buildConnector(options);
  return (target, callback) => {
    let tcpUp = false;
    const socket = connect(target, (...args) => {
      const [error] = args;
      if (error !== null && tcpUp && target.protocol === 'https:') markHandshakeFailure(error);
      callback(...args);
    }) as unknown as Socket | undefined;
    socket?.once('connect', () => {
      tcpUp = true;
    });
  };
}

function markHandshakeFailure(error: Error): void {
  Object.defineProperty(error, HANDSHAKE_FAILURE, { value: true, enumerable: false });
}

/** Whether {@link handshakeAwareConnector} saw `error` end a TLS handshake. */
export function isHandshakeFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && HANDSHAKE_FAILURE in error;
}
