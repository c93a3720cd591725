import { OADR_SERVICES, TransportError, type Transport, type TransportRequest } from '@rxadr/core';
import { EventEmitter } from 'node:events';
import { Observable, asyncScheduler } from 'rxjs';
import { Pool } from 'undici';

import {
  resolveHttpTransportOptions,
  type HttpTransportOptions,
  type ResolvedHttpTransportOptions,
} from './http-transport-options.js';
import { handshakeAwareConnector } from './handshake-aware-connector.js';
import { toTransportError } from './map-transport-error.js';
import { isXmlContentType } from './xml-content-type.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The simpleHTTP pull client (OPENADR.md §1.2–§1.5) on one undici `Pool`.
 *
 * `send({ service, body })` POSTs `body` to `<vtnUrl>/OpenADR2/Simple/2.0b/<service>` with
 * `Content-Type: application/xml` and an explicit `Content-Length` (never chunked, §1.4), and
 * emits the response body once, decoded as UTF-8 exactly as received (a BOM is kept), then
 * completes. An empty HTTP 200 emits `''` (§1.5). Unsubscribing aborts the request.
 *
 * Failures are `TransportError`s with the original error as `cause`:
 * - any status other than 200 → `http-status` with `status` and `body` (retryable for 5xx, 408, 429)
 * - refused sockets, a reset or close after the handshake → `connect` (retryable)
 * - connect timeout (TCP + TLS handshake), read timeout, and the overall deadline of the
 *   exchange (`deadlineMs`, default 30 s: connect + headers + whole body, so a VTN that trickles
 *   its answer cannot hold the VEN; it fails at once, abandoning a connect in progress) →
 *   `timeout` (retryable)
 * - untrusted, expired or wrong-host certificate, no common protocol or cipher (e.g. a TLS
 *   1.3-only VTN), garbage or plain HTTP where a TLS handshake should be, a reset during the
 *   handshake → `tls` (retryable: the other end may be fixed while the VEN waits)
 * - a body that is not UTF-8, too large, or a malformed HTTP answer → `protocol`
 * - cancellation, or a send after `close()` → `aborted`
 *
 * An HTML page (or any non-OpenADR body) with status 200 is not a transport failure: it is
 * returned, and the decoder refuses it.
 *
 * Content type of answers: a non-empty 200 answer whose `Content-Type` is not XML is still
 * returned (the decoder is the judge of the content) and reported through `logger.warn`; an
 * empty body is accepted whatever its content type.
 *
 * Sockets are kept alive and reused across requests; `close()` destroys the pool (idempotent),
 * failing requests still in flight with `aborted`.
 * Options are validated once by {@link resolveHttpTransportOptions}, which throws a
 * `TransportConfigError` for contradictory settings.
 *
 * @example
 * const transport = httpTransport({
 *   vtnUrl: 'https://vtn.example.com',
 *   tls: { cert: readFileSync('ven.crt'), key: readFileSync('ven.key'), ca: readFileSync('openadr-root.pem') },
 * });
 * transport.send({ service: 'OadrPoll', body: pollXml }).subscribe((answer) => handle(answer));
 */
export function httpTransport(options: HttpTransportOptions): Transport {
  const resolved = resolveHttpTransportOptions(options);
  const { endpoint, logger, deadlineMs } = resolved;
  const pool = createPool(resolved);
  let closing: Promise<void> | undefined;

  const post = async (request: TransportRequest, signal: EventEmitter): Promise<string> => {
    const payload = Buffer.from(request.body, 'utf8');
    const response = await pool.request({
      path: `${endpoint.basePath}/${request.service}`,
      method: 'POST',
      headers: { 'content-type': 'application/xml', 'content-length': String(payload.length) },
      body: payload,
      signal,
    });
    const bytes = Buffer.from(await response.body.arrayBuffer());
    if (response.statusCode !== 200) {
      throw new TransportError('http-status', `${request.service}: VTN answered HTTP ${response.statusCode}`, {
        status: response.statusCode,
        body: bytes.toString('utf8'),
      });
    }
    const text = decodeUtf8(bytes, request.service);
    const contentType = response.headers['content-type'];
    if (text.length > 0 && !isXmlContentType(contentType)) {
      logger.warn(`${request.service}: VTN answered 200 with Content-Type ${String(contentType)}; treating the body as XML`);
    }
    return text;
  };

  return {
    send: (request) =>
      new Observable<string>((subscriber) => {
        if (!OADR_SERVICES.includes(request.service)) {
          subscriber.error(new TransportError('protocol', `unknown OpenADR service "${String(request.service)}"`));
          return undefined;
        }
        if (closing !== undefined) {
          subscriber.error(new TransportError('aborted', `${request.service}: transport is closed`));
          return undefined;
        }
        // undici accepts an EventEmitter as abort signal; it costs far less per request than an AbortController.
        const cancel = new EventEmitter();
        const what = `${request.service} to ${endpoint.origin}`;
        let settled = false;
        const settle = (): boolean => {
          if (settled) return false;
          settled = true;
          deadline.unsubscribe();
          return true;
        };
        // The sockets are real, so the deadline runs in real time whatever scheduler the caller injected.
        // It fails the exchange at once: undici does not abandon a connect in progress on abort.
        const deadline = asyncScheduler.schedule(() => {
          if (!settle()) return;
          cancel.emit('abort');
          subscriber.error(new TransportError('timeout', `${what}: no complete answer within the ${deadlineMs} ms deadline`));
        }, deadlineMs);
        post(request, cancel).then(
          (body) => {
            if (!settle()) return;
            subscriber.next(body);
            subscriber.complete();
          },
          (error: unknown) => {
            if (settle()) subscriber.error(toTransportError(error, what, closing !== undefined));
          },
        );
        return () => {
          if (settle()) cancel.emit('abort');
        };
      }),
    close: () => {
      closing ??= pool.destroy().catch(() => undefined);
      return closing;
    },
  };
}

/** One pool per transport: keep-alive sockets to the single VTN origin, one request per socket at a time. */
function createPool(settings: ResolvedHttpTransportOptions): Pool {
  return new Pool(settings.endpoint.origin, {
    connections: settings.maxConnections,
    pipelining: 1,
    headersTimeout: settings.readTimeout,
    bodyTimeout: settings.readTimeout,
    maxResponseSize: settings.maxResponseBytes,
    connect: handshakeAwareConnector({ ...(settings.tls ?? {}), timeout: settings.connectTimeout }),
  });
}

function decodeUtf8(bytes: Buffer, service: string): string {
  try {
    return UTF8.decode(bytes);
  } catch (error) {
    throw new TransportError('protocol', `${service}: answer is not valid UTF-8 (OPENADR.md §1.4)`, { cause: error });
  }
}
