import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

import { serviceOfPath } from '../../src/service-path.js';
import { createScriptedVtn, type ScriptedVtn } from '../../../testing/src/transport/transport-contract.js';

/** What the loopback VTN saw of one request, beyond the body. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** Negotiated cipher (https only). */
  readonly cipher?: string;
  readonly protocol?: string | null;
  /** Subject CN of the client certificate (https only). */
  readonly clientCn?: string;
}

/** A real node:http(s) server on 127.0.0.1 answering through a {@link ScriptedVtn}. */
export interface LoopbackVtn {
  readonly vtn: ScriptedVtn;
  /** `http://127.0.0.1:<port>` or `https://…` */
  readonly url: string;
  readonly port: number;
  readonly requests: SeenRequest[];
  /** How many TCP connections were accepted. */
  connections(): number;
  close(): Promise<void>;
}

/** Starts a loopback VTN; with `tls`, an https server using those options as given. */
export async function startLoopbackVtn(tls?: ServerOptions, host = '127.0.0.1'): Promise<LoopbackVtn> {
  const vtn = createScriptedVtn();
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const socket = req.socket as Partial<TLSSocket>;
      const peer = socket.getPeerCertificate?.();
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        ...(socket.getCipher && { cipher: socket.getCipher().name, protocol: socket.getProtocol?.() ?? null }),
        ...(peer?.subject && { clientCn: String(peer.subject.CN) }),
      });
      const service = serviceOfPath(req.url ?? '');
      if (service === undefined) {
        res.writeHead(404).end();
        return;
      }
      void vtn.answer(service, Buffer.concat(chunks).toString('utf8')).then(({ status, body }) => {
        if (res.destroyed) return;
        const bytes = Buffer.from(body, 'utf8');
        res.writeHead(status, { 'content-type': 'application/xml', 'content-length': String(bytes.length) });
        res.end(bytes);
      });
    });
  };
  const server: Server = tls === undefined ? createHttpServer(handler) : createHttpsServer(tls, handler);
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A refused handshake is part of several tests; keep it from surfacing as an unhandled error.
  server.on('tlsClientError', () => undefined);
  const port = await new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
  return {
    vtn,
    url: `${tls === undefined ? 'http' : 'https'}://${host}:${port}`,
    port,
    requests,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A TCP server that accepts connections and never says anything: drives the timeout tests. */
export async function startSilentServer(
  onSocket: (socket: Socket) => void = () => undefined,
): Promise<{ port: number; close(): Promise<void> }> {
  const { createServer } = await import('node:net');
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
