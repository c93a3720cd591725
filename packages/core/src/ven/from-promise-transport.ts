import { Observable } from 'rxjs';
import type { Transport, TransportRequest } from '../transport/transport.js';
import { TransportError, isTransportError } from '../transport/transport-error.js';

/**
 * Adapts a promise-based HTTP function to a `Transport`: `post(request, signal)` resolves with
 * the response body ('' for an empty 200). Unsubscribing aborts `signal`; a rejection that is
 * not already a `TransportError` becomes one with code `connect` (retryable).
 *
 * @example
 * const transport = fromPromiseTransport(async ({ service, body }, signal) => {
 *   const res = await fetch(`${vtnUrl}/OpenADR2/Simple/2.0b/${service}`, { method: 'POST', body, signal, headers: { 'content-type': 'application/xml' } });
 *   if (res.status !== 200) throw new TransportError('http-status', `HTTP ${res.status}`, { status: res.status });
 *   return res.text();
 * });
 */
export function fromPromiseTransport(post: (request: TransportRequest, signal: AbortSignal) => Promise<string>): Transport {
  return {
    send: (request) =>
      new Observable<string>((subscriber) => {
        const controller = new AbortController();
        let settled = false;
        post(request, controller.signal).then(
          (body) => {
            settled = true;
            subscriber.next(body);
            subscriber.complete();
          },
          (error: unknown) => {
            settled = true;
            subscriber.error(isTransportError(error) ? error : new TransportError(controller.signal.aborted ? 'aborted' : 'connect', `${request.service}: ${String(error)}`, { cause: error }));
          },
        );
        return () => {
          if (!settled) controller.abort();
        };
      }),
  };
}
