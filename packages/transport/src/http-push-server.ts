import type { InboundExchange, OadrService } from '@rxadr/core';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Subject, type Observable } from 'rxjs';

import { peerCertificateOf, peerProblem } from './peer-verification.js';
import {
  resolveHttpPushServerOptions,
  type HttpPushServerOptions,
  type ResolvedHttpPushServerOptions,
  type ResolvedPushServerTls,
} from './http-push-server-options.js';
import { serviceOfPath } from './service-path.js';
import { TransportConfigError } from './transport-config-error.js';
import { isXmlContentType } from './xml-content-type.js';

/** A running push endpoint (OPENADR.md §1.7). */
export interface PushServer {
  /** The base URL to register as `oadrTransportAddress`; the VTN appends `/OpenADR2/Simple/2.0b/<Service>`. */
  readonly address: string;
  /** One `InboundExchange` per accepted POST. Hot: requests arriving while nobody subscribes get 503. */
  readonly inbound$: Observable<InboundExchange>;
  /** Answers pending exchanges with 503, completes `inbound$`, stops listening and drops every socket. Idempotent. */
  close(): Promise<void>;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Starts the VEN's push endpoint (OPENADR.md §1.7) for a VEN registered with
 * `oadrHttpPullModel=false`: node:https (node:http without `tls`, for tests) serving
 * `POST <address>/OpenADR2/Simple/2.0b/<Service>` for the five services of §1.3.
 *
 * Requests are screened in this order: unknown path 404; method other than POST 405 (with
 * `Allow: POST`); VTN client certificate missing or not pinned 403 (an untrusted chain is
 * already refused in the TLS handshake when `tls.ca` is set); content type other than XML 415;
 * body above `maxBodyBytes` 413; body not UTF-8 400; nobody subscribed to `inbound$` 503.
 * Every other request becomes one {@link InboundExchange}: `respond(xml)` answers 200 with
 * `Content-Type: application/xml` and an explicit `Content-Length`; `reject(status, reason)`
 * answers that status with a plain-text reason. Only the first answer counts; later ones are
 * logged and dropped. A request left unanswered for `answerTimeout` ms gets 503; one the VTN
 * takes longer than `requestTimeout` ms to send (a trickled body) gets 408 and is closed.
 *
 * How answers work in push mode (OPENADR.md §1.7; §12.2 item 3 is open, rxadr chooses the
 * behaviour of [AV]): the VEN answers a pushed oadrDistributeEvent with an `oadrResponse` (200)
 * in the HTTP answer, and sends its `oadrCreatedEvent` as a separate POST to EiEvent through
 * the pull client. Other pushed requests (oadrCreateReport, oadrRegisterReport, …) are answered
 * the same way their pull counterparts are answered after a poll (§3.0), either in the HTTP
 * answer or as a separate POST; the engine decides, this server only provides the mechanism.
 *
 * @example
 * const server = await httpPushServer({ host: '0.0.0.0', port: 8443, publicUrl: 'https://ven.example.com:8443',
 *   tls: { cert, key, ca: openAdrRoots, pinnedFingerprints: ['E6:0C:FE:2F:56:53:64:EA:EC:35'] } });
 * server.inbound$.subscribe((exchange) => exchange.respond(oadrResponseXml));
 */
export async function httpPushServer(options: HttpPushServerOptions = {}): Promise<PushServer> {
  const resolved = resolveHttpPushServerOptions(options);
  const inbound = new Subject<InboundExchange>();
  const pending = new Set<() => Promise<void>>();
  const server = createServer(resolved, (req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  const port = await listen(server, resolved.host, resolved.port);
  const scheme = resolved.tls === undefined ? 'http' : 'https';
  const address = resolved.publicUrl ?? `${scheme}://${resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host}:${port}`;
  let closing: Promise<void> | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const service = serviceOfPath(req.url ?? '/');
    if (service === undefined) return void writeAnswer(res, 404, 'not an OpenADR 2.0b service path');
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return void writeAnswer(res, 405, 'use POST');
    }
    if (resolved.tls !== undefined) {
      const problem = checkPeer(req.socket as TLSSocket, resolved.tls);
      if (problem !== undefined) return void writeAnswer(res, 403, problem);
    }
    if (!isXmlContentType(req.headers['content-type'])) return void writeAnswer(res, 415, 'use Content-Type: application/xml');
    const bytes = await readBody(req, resolved.maxBodyBytes);
    if (bytes === undefined) return void writeAnswer(res, 413, `body larger than ${resolved.maxBodyBytes} bytes`, true);
    let body: string;
    try {
      body = UTF8.decode(bytes);
    } catch {
      return void writeAnswer(res, 400, 'body is not UTF-8');
    }
    if (closing !== undefined || !inbound.observed) return void writeAnswer(res, 503, 'no handler for pushed requests');
    inbound.next(openExchange(service, body, res));
  }

  function openExchange(service: OadrService, body: string, res: ServerResponse): InboundExchange {
    let settled = false;
    const settle = (status: number, text: string, contentType: string): Promise<void> => {
      if (settled) {
        resolved.logger.warn(`push ${service}: answer ${status} after the exchange was already settled; dropped`);
        return Promise.resolve();
      }
      settled = true;
      timer.unsubscribe();
      pending.delete(onClose);
      return writeAnswer(res, status, text, false, contentType);
    };
    const onClose = (): Promise<void> => settle(503, 'VEN push server closing', 'text/plain');
    const timer = resolved.scheduler.schedule(
      () => void settle(503, `no answer within ${resolved.answerTimeout} ms`, 'text/plain'),
      resolved.answerTimeout,
    );
    pending.add(onClose);
    res.once('close', () => {
      // The VTN went away first: nothing left to answer.
      if (settled) return;
      settled = true;
      timer.unsubscribe();
      pending.delete(onClose);
    });
    return {
      service,
      body,
      respond: (xml) => void settle(200, xml, 'application/xml'),
      reject: (status, reason) => {
        const valid = Number.isInteger(status) && status >= 400 && status <= 599;
        if (!valid) resolved.logger.warn(`push ${service}: reject(${status}) is not a 4xx/5xx status; answering 500`);
        void settle(valid ? status : 500, reason, 'text/plain');
      },
    };
  }

  return {
    address,
    inbound$: inbound.asObservable(),
    close: () => {
      closing ??= (async () => {
        await Promise.all([...pending].map((answer) => answer()));
        inbound.complete();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}

function createServer(
  resolved: ResolvedHttpPushServerOptions,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  // Node checks these timeouts only every connectionsCheckingInterval (30 s by default).
  const limits = {
    requestTimeout: resolved.requestTimeout,
    headersTimeout: resolved.requestTimeout,
    connectionsCheckingInterval: Math.min(1_000, Math.max(10, Math.floor(resolved.requestTimeout / 4))),
  };
  if (resolved.tls === undefined) return createHttpServer(limits, handler);
  const { pinnedFingerprints: _pins, peer: _peer, ...tls } = resolved.tls;
  return createHttpsServer({ ...tls, ...limits }, handler);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void =>
      reject(new TransportConfigError('invalid-option', 'port', `cannot listen on ${host}:${port} (${error.message}); pick another host/port`, { cause: error }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Why the VTN's client certificate is refused, or `undefined` when it is acceptable (OPENADR.md
 * §7.1, §7.2): the same checks for every client, pins or not (validity, key size, pins, vtnIdentity).
 */
function checkPeer(socket: TLSSocket, tls: ResolvedPushServerTls): string | undefined {
  const peer = peerCertificateOf(socket);
  if (peer === undefined) return 'a VTN client certificate is required';
  // The system clock, like OpenSSL's chain check of the same handshake (see vtn-trust.ts).
  const problem = peerProblem(peer, tls.peer, Date.now());
  return problem === undefined ? undefined : `VTN client certificate refused: ${problem}`;
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > max) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        resolve(undefined);
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function writeAnswer(res: ServerResponse, status: number, text: string, close = false, contentType = 'text/plain'): Promise<void> {
  if (res.headersSent || res.destroyed) return Promise.resolve();
  const payload = Buffer.from(text, 'utf8');
  res.writeHead(status, {
    'content-type': contentType === 'text/plain' ? 'text/plain; charset=utf-8' : contentType,
    'content-length': String(payload.length),
    ...(close && { connection: 'close' }),
  });
  return new Promise((resolve) => res.end(payload, () => resolve()));
}
