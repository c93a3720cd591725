import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';

import { PEER_REJECTED_CODE } from './peer-verification.js';

const HANDSHAKE_FAILURE = Symbol('rxadr.tlsHandshakeFailure');

/** Connector options plus the checks of the VTN certificate Node's TLS layer does not make. */
export type HandshakeAwareOptions = buildConnector.BuildOptions & {
  /** Returns why the peer of a fresh TLS socket is refused; the socket is then destroyed. */
  readonly verifyPeer?: (socket: TLSSocket) => string | undefined;
};

/**
 * undici's connector, plus one fact undici does not keep: whether a failure happened after TCP
 * was up but before the TLS handshake finished. A Node server that rejects a client
 * certificate simply drops the socket (no TLS alert), which reaches the client as a bare
 * ECONNRESET; marked this way it is reported as `tls`, not `connect` (OPENADR.md §7.1).
 * With `verifyPeer`, every new TLS connection is checked before its first request; a refused
 * one fails with code `ERR_TLS_VTN_CERTIFICATE_REJECTED` (a `tls` TransportError). TLS session
 * resumption is then off (keep-alive still reuses connections).
 */
export function handshakeAwareConnector(options: HandshakeAwareOptions): buildConnector.connector {
  const { verifyPeer, ...buildOptions } = options;
  // A resumed TLS session presents no certificate to check, and undici caches a session before
  // this connector has judged the peer: with peer checks, every connection does a full handshake.
  const connect = buildConnector(verifyPeer === undefined ? buildOptions : { ...buildOptions, maxCachedSessions: 0 });
  return (target, callback) => {
    let tcpUp = false;
    const socket = connect(target, (...args) => {
      const [error, connected] = args;
      if (error !== null && tcpUp && target.protocol === 'https:') markHandshakeFailure(error);
      if (error === null && verifyPeer !== undefined && target.protocol === 'https:') {
        const problem = verifyPeer(connected as TLSSocket);
        if (problem !== undefined) {
          connected.destroy();
          const refused = Object.assign(new Error(`VTN certificate refused: ${problem}`), { code: PEER_REJECTED_CODE });
          callback(refused, null);
          return;
        }
      }
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
