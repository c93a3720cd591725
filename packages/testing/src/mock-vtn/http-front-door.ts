import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { OPENADR_CIPHERS, isXmlContentType, serviceOfPath } from '@rxadr/transport';
import type { OadrService } from '@rxadr/core';
import type { VtnExchange, VtnOutcome, VtnReply } from './vtn-exchange.js';

/** Server TLS of the HTTP mock VTN (OPENADR.md §7.1); PEM strings. */
export interface MockVtnTlsOptions {
  readonly cert: string;
  readonly key: string;
  /** Roots VEN client certificates must chain to. */
  readonly ca?: string | readonly string[];
  /** Require a client certificate from `ca` (mutual TLS). Default: true when `ca` is given. */
  readonly requestCert?: boolean;
  /** Cipher list. Default: the two OpenADR suites (§7.1). */
  readonly ciphers?: string;
}

/** One HTTP exchange, as the front door saw it (the CLI logs these as JSON lines). */
export interface HttpExchangeLog {
  readonly at: string;
  readonly service: OadrService | undefined;
  readonly path: string;
  readonly status: number | 'reset' | 'timeout';
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** A listening front door. */
export interface HttpFrontDoor {
  readonly url: string;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function write(res: ServerResponse, status: number, body: string, contentType: string): number {
  const bytes = Buffer.from(body, 'utf8');
  // Explicit Content-Length, never chunked (OPENADR.md §1.4, as [EV]).
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(bytes.length) });
  res.end(bytes);
  return bytes.length;
}

/**
 * Serves the mock VTN's request pipeline over loopback HTTP or HTTPS (OPENADR.md §1.3–§1.5):
 * `POST <url>/OpenADR2/Simple/2.0b/<Service>`. Unknown paths get 404, other methods 405, a
 * content type other than XML 400 (as [OL]). Answers carry `Content-Type: application/xml`
 * and an explicit Content-Length. With `tls.ca` the handshake requires a VEN certificate from
 * it (mutual TLS). Faults: `reset` destroys the socket, `timeout` never answers (the socket is
 * dropped on `close`), `delay` holds the answer on `scheduler`, `raw` writes its body with its
 * status and content type, `trickle` sends the headers at once and the body a few bytes at a
 * time on `scheduler`.
 */
export async function listenHttpFrontDoor(options: {
  readonly exchange: VtnExchange;
  readonly scheduler: SchedulerLike;
  readonly tls?: MockVtnTlsOptions | undefined;
  readonly host: string;
  readonly port: number;
  readonly log?: ((entry: HttpExchangeLog) => void) | undefined;
}): Promise<HttpFrontDoor> {
  const { exchange, scheduler, tls, log } = options;
  const sockets = new Set<Socket>();
  const timers = new Set<Subscription>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const service = serviceOfPath(path);
    const body = await readBody(req);
    const done = (status: HttpExchangeLog['status'], bytesOut = 0): void =>
      log?.({ at: new Date(scheduler.now()).toISOString(), service, path, status, bytesIn: body.length, bytesOut });
    if (service === undefined) return done(404, write(res, 404, 'not an OpenADR 2.0b service path', 'text/plain'));
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return done(405, write(res, 405, 'use POST', 'text/plain'));
    }
    if (!isXmlContentType(req.headers['content-type'])) return done(400, write(res, 400, 'use Content-Type: application/xml', 'text/plain'));
    const { reply, delayMs, trickle } = exchange.receive(service, body.toString('utf8'));
    const answer = (r: VtnReply): void => {
      if (res.destroyed) return;
      switch (r.kind) {
        case 'answer':
          if (trickle) return trickleOut(res, r.body, trickle, (bytes) => done(200, bytes));
          return done(200, write(res, 200, r.body, 'application/xml'));
        case 'raw':
          return done(r.status, write(res, r.status, r.body, r.contentType));
        case 'status':
          return done(r.status, write(res, r.status, r.body, 'text/plain; charset=utf-8'));
        case 'reset':
          req.socket.destroy();
          return done('reset');
        case 'timeout':
          return done('timeout'); // held until the VEN gives up or the VTN closes
      }
    };
    if (delayMs <= 0) return answer(reply);
    const timer = scheduler.schedule(() => {
      timers.delete(timer);
      answer(reply);
    }, delayMs);
    timers.add(timer);
  }

  /** Writes the headers (full Content-Length), then `bytesPerChunk` bytes every `everyMs` on the scheduler. */
  function trickleOut(res: ServerResponse, body: string, how: NonNullable<VtnOutcome['trickle']>, finished: (bytes: number) => void): void {
    const bytes = Buffer.from(body, 'utf8');
    res.writeHead(200, { 'content-type': 'application/xml', 'content-length': String(bytes.length) });
    res.flushHeaders();
    let offset = 0;
    const timer = scheduler.schedule(function step(this: SchedulerAction<undefined>) {
      if (res.destroyed) return void timers.delete(timer);
      const chunk = bytes.subarray(offset, offset + how.bytesPerChunk);
      offset += chunk.length;
      if (offset >= bytes.length) {
        timers.delete(timer);
        res.end(chunk);
        return finished(bytes.length);
      }
      res.write(chunk);
      this.schedule(undefined, how.everyMs);
    }, how.everyMs);
    timers.add(timer);
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => res.destroy());
  };
  const requestCert = tls?.requestCert ?? tls?.ca !== undefined;
  const server: Server = tls
    ? createHttpsServer(
        {
          cert: tls.cert,
          key: tls.key,
          ...(tls.ca !== undefined ? { ca: typeof tls.ca === 'string' ? tls.ca : [...tls.ca] } : {}),
          requestCert,
          rejectUnauthorized: requestCert,
          minVersion: 'TLSv1.2',
          ciphers: tls.ciphers ?? OPENADR_CIPHERS,
        },
        handler,
      )
    : createHttpServer(handler);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined); // a refused handshake is an expected outcome in tests
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve((server.address() as AddressInfo).port));
  });
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${port}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) timer.unsubscribe();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      })),
  };
}
