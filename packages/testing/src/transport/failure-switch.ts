import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { TLSSocket, createSecureContext } from 'node:tls';

/**
 * What the switch does with each new connection:
 * - `pass`: forwards the bytes to the real VTN (TLS end to end, mutual TLS included)
 * - `untrusted` / `expired` / `wrong-host`: terminates TLS itself with that certificate
 * - `tls13-only`: terminates TLS accepting TLS 1.3 only (a client capped at 1.2 cannot agree)
 * - `cipher-mismatch`: terminates TLS 1.2 offering only a suite outside the OpenADR profile
 * - `garbage`: answers the ClientHello with bytes that are not TLS
 * - `plain-http`: answers like a plain HTTP server on the TLS port (HTTP 400 in clear text)
 * - `reset`: completes the TLS handshake (valid certificate), then resets the TCP connection
 *   (RST) when the request arrives
 * - `reset-in-handshake`: resets the TCP connection (RST) as soon as the ClientHello arrives
 */
export type SwitchMode = 'pass' | 'untrusted' | 'expired' | 'wrong-host' | 'tls13-only' | 'cipher-mismatch' | 'garbage' | 'plain-http' | 'reset' | 'reset-in-handshake';

/** Certificates (PEM) the switch presents in the certificate modes. */
export interface SwitchCertificates {
  readonly untrusted: { readonly cert: string; readonly key: string };
  readonly expired: { readonly cert: string; readonly key: string };
  readonly wrongHost: { readonly cert: string; readonly key: string };
  /** A valid certificate, presented in `tls13-only` mode. */
  readonly valid: { readonly cert: string; readonly key: string };
}

/** A TCP front on 127.0.0.1 whose behaviour a test flips between modes. */
export interface FailureSwitch {
  readonly port: number;
  readonly url: string;
  /**
   * Changes the mode for new connections and drops the open ones, keep-alive sockets too: a
   * failing connection at once, a passing one as soon as it has been quiet for `idleMs` (default 100), so an
   * exchange in flight still gets its answer (a lost answer would make the VEN send it again).
   */
  set(mode: SwitchMode): void;
  readonly mode: SwitchMode;
  /** Connections accepted per mode. */
  readonly accepted: Readonly<Partial<Record<SwitchMode, number>>>;
  /** Resolves once `count` connections in total have been accepted in `mode`. */
  acceptedIn(mode: SwitchMode, count: number): Promise<void>;
  close(): Promise<void>;
}

const GARBAGE = Buffer.from('\x00\xffthis is not a TLS record\r\n\x17\x03\x09garbage', 'latin1');

/**
 * Starts a failure switch in front of `127.0.0.1:<targetPort>` (e.g. the HTTPS mock VTN): each
 * accepted connection behaves as the current {@link SwitchMode}, on a real socket, so a test can
 * take a VEN through every TLS and connection failure a real network produces and back.
 * Failures above TCP/TLS (an HTML page with 200, a 503) are mock VTN faults (`raw`).
 *
 * @example
 * const vtn = await createHttpMockVtn({ tls: { cert, key, ca } });
 * const front = await startFailureSwitch(Number(new URL(vtn.url).port), { untrusted, expired, wrongHost, valid });
 * const transport = httpTransport({ vtnUrl: front.url, tls: { cert: venCert, key: venKey, ca } });
 * front.set('expired'); // every new connection now presents an expired certificate
 * front.set('pass');
 */
export async function startFailureSwitch(targetPort: number, certificates: SwitchCertificates, options: { readonly idleMs?: number } = {}): Promise<FailureSwitch> {
  const idleMs = options.idleMs ?? 100;
  const sockets = new Set<Socket>();
  const passing = new Set<Socket>();
  const accepted: Partial<Record<SwitchMode, number>> = {};
  const waiting = new Set<{ mode: SwitchMode; count: number; resolve: () => void }>();
  let mode: SwitchMode = 'pass';
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  };
  const terminate = (
    socket: Socket,
    identity: { cert: string; key: string },
    context: { minVersion?: 'TLSv1.2' | 'TLSv1.3'; maxVersion?: 'TLSv1.2'; ciphers?: string } = {},
    onData = (): void => undefined,
  ): void => {
    const secure = new TLSSocket(socket, { isServer: true, secureContext: createSecureContext({ ...identity, minVersion: 'TLSv1.2', ...context }) });
    secure.on('error', () => socket.destroy());
    secure.on('data', onData);
  };
  const server = createServer((socket) => {
    track(socket);
    accepted[mode] = (accepted[mode] ?? 0) + 1;
    for (const wait of waiting) {
      if (wait.mode === mode && (accepted[mode] ?? 0) >= wait.count) {
        waiting.delete(wait);
        wait.resolve();
      }
    }
    switch (mode) {
      case 'pass': {
        // The upstream socket lives and dies with its downstream one (not tracked on its own).
        const upstream = connect(targetPort, '127.0.0.1');
        upstream.on('error', () => socket.destroy());
        passing.add(socket);
        socket.once('close', () => passing.delete(socket));
        socket.pipe(upstream).pipe(socket);
        upstream.once('close', () => socket.destroy());
        socket.once('close', () => upstream.destroy());
        return;
      }
      case 'untrusted':
        return terminate(socket, certificates.untrusted);
      case 'expired':
        return terminate(socket, certificates.expired);
      case 'wrong-host':
        return terminate(socket, certificates.wrongHost);
      case 'tls13-only':
        return terminate(socket, certificates.valid, { minVersion: 'TLSv1.3' });
      case 'cipher-mismatch':
        // AES-256-GCM: not one of the two OpenADR suites (OPENADR.md §7.1), for either key type.
        return terminate(socket, certificates.valid, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384' });
      case 'garbage':
        socket.once('data', () => socket.end(GARBAGE));
        return;
      case 'plain-http':
        socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: 11\r\nconnection: close\r\n\r\nBad Request'));
        return;
      case 'reset':
        return terminate(socket, certificates.valid, {}, () => void socket.resetAndDestroy());
      case 'reset-in-handshake':
        socket.once('data', () => socket.resetAndDestroy());
        return;
    }
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  return {
    port,
    url: `https://127.0.0.1:${port}`,
    set(next) {
      mode = next;
      for (const socket of passing) socket.setTimeout(idleMs, () => socket.destroy());
      for (const socket of sockets) if (!passing.has(socket)) socket.destroy();
    },
    get mode() {
      return mode;
    },
    accepted,
    acceptedIn: (which, count) =>
      (accepted[which] ?? 0) >= count ? Promise.resolve() : new Promise<void>((resolve) => void waiting.add({ mode: which, count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
