import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Observable } from 'rxjs';
import { OADR_PATH_PREFIX, OPENADR_CIPHERS } from '@rxadr/transport';
import { TransportError } from '@rxadr/core';
import type { PushAnswer, PushPost } from './vtn-pusher.js';

/** The VTN's client identity for pushes (OPENADR.md §1.7, §7.1); PEM strings. */
export interface PushClientTls {
  readonly cert?: string;
  readonly key?: string;
  /** Roots the VEN's push server certificate must chain to. */
  readonly ca?: string | readonly string[];
}

/**
 * POSTs pushed documents with node:http(s) to `<address>/OpenADR2/Simple/2.0b/<Service>`
 * (OPENADR.md §1.7): `Content-Type: application/xml`, explicit Content-Length, the VTN's own
 * client certificate, TLS 1.2 with the OpenADR suites, 10 s timeout ([OL] read timeout, §1.4).
 * Unsubscribing aborts the request.
 */
export function createHttpPushPost(tls: PushClientTls | undefined, timeoutMs = 10_000): PushPost {
  return (address, service, body) =>
    new Observable<PushAnswer>((subscriber) => {
      const url = new URL(`${address.replace(/\/+$/, '')}${OADR_PATH_PREFIX}/${service}`);
      const bytes = Buffer.from(body, 'utf8');
      const headers = { 'content-type': 'application/xml', 'content-length': String(bytes.length) };
      const secure = url.protocol === 'https:';
      const options = {
        method: 'POST',
        headers,
        timeout: timeoutMs,
        agent: false,
        ...(secure && {
          ...(tls?.cert !== undefined && { cert: tls.cert }),
          ...(tls?.key !== undefined && { key: tls.key }),
          ...(tls?.ca !== undefined && { ca: typeof tls.ca === 'string' ? tls.ca : [...tls.ca] }),
          minVersion: 'TLSv1.2' as const,
          ciphers: OPENADR_CIPHERS,
          // Loopback VENs are addressed by IP; the chain is still checked against `ca`.
          checkServerIdentity: () => undefined,
        }),
      };
      const req = (secure ? httpsRequest : httpRequest)(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => {
          subscriber.next({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          subscriber.complete();
        });
        res.once('error', (error) => subscriber.error(new TransportError('connect', error.message, { cause: error })));
      });
      req.once('timeout', () => req.destroy(new TransportError('timeout', `push to ${url.href} timed out`)));
      req.once('error', (error) => subscriber.error(error instanceof TransportError ? error : new TransportError('connect', `push to ${url.href}: ${error.message}`, { cause: error })));
      req.end(bytes);
      return () => {
        req.destroy();
      };
    });
}
