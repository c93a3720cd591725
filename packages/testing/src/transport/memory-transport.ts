import { TransportError, type Transport, type TransportRequest } from '@rxadr/core';
import { Observable } from 'rxjs';

/** What an in-memory far end answers: a body for HTTP 200, or an explicit status and body. */
export type MemoryAnswer = string | { readonly status: number; readonly body: string };

/**
 * The far end of a {@link createMemoryTransport}: receives each request and answers it.
 * Throwing a `TransportError` simulates a network failure (connect, timeout, tls, …);
 * throwing anything else is answered like a crashed server, HTTP 500 with an empty body.
 */
export type MemoryHandler = (request: TransportRequest) => MemoryAnswer | Promise<MemoryAnswer>;

/**
 * A pull `Transport` that calls `handler` instead of the network (STYLE.md rule 15), with the
 * same contract as the HTTP client (OPENADR.md §1.4, §1.5): the answer is emitted once,
 * asynchronously, unchanged; a status other than 200 fails with a `TransportError` of code
 * `http-status` carrying `status` and `body`; unsubscribing before the answer drops it; after
 * `close()` every send fails with `aborted`.
 *
 * @example
 * const transport = createMemoryTransport((req) => req.service === 'OadrPoll' ? oadrResponseXml : { status: 404, body: '' });
 */
export function createMemoryTransport(handler: MemoryHandler): Transport {
  let closed = false;
  return {
    send: (request) =>
      new Observable<string>((subscriber) => {
        if (closed) {
          subscriber.error(new TransportError('aborted', `${request.service}: memory transport is closed`));
          return;
        }
        // Answer on a later tick, as a network would, so that cancellation is observable.
        Promise.resolve()
          .then(() => handler(request))
          .then(
            (answer) => {
              const { status, body } = typeof answer === 'string' ? { status: 200, body: answer } : answer;
              if (status !== 200) {
                subscriber.error(
                  new TransportError('http-status', `${request.service}: memory VTN answered HTTP ${status}`, { status, body }),
                );
                return;
              }
              subscriber.next(body);
              subscriber.complete();
            },
            (error: unknown) => {
              subscriber.error(
                error instanceof TransportError
                  ? error
                  : new TransportError('http-status', `${request.service}: memory VTN failed`, { status: 500, body: '', cause: error }),
              );
            },
          );
      }),
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
}
