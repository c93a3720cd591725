import { Observable, type SchedulerLike } from 'rxjs';
import { TransportError, type OadrService, type Transport } from '@rxadr/core';
import type { VtnExchange, VtnReply } from './vtn-exchange.js';

function deliver(service: OadrService, reply: VtnReply, subscriber: { next(body: string): void; complete(): void; error(e: unknown): void }): void {
  switch (reply.kind) {
    case 'answer':
      subscriber.next(reply.body);
      subscriber.complete();
      return;
    case 'reset':
      subscriber.error(new TransportError('connect', `${service}: mock VTN unreachable`));
      return;
    case 'timeout':
      subscriber.error(new TransportError('timeout', `${service}: mock VTN timed out`));
      return;
    case 'raw':
      if (reply.status === 200) {
        subscriber.next(reply.body);
        subscriber.complete();
        return;
      }
      subscriber.error(new TransportError('http-status', `${service}: mock VTN answered HTTP ${reply.status}`, { status: reply.status, body: reply.body }));
      return;
    case 'status':
      subscriber.error(new TransportError('http-status', `${service}: mock VTN answered HTTP ${reply.status}`, { status: reply.status, body: reply.body }));
  }
}

/**
 * The in-memory front door of the mock VTN: a pull `Transport` whose `send` answers
 * synchronously (or after a `delay` fault, on `scheduler`), so a whole protocol run happens
 * under virtual time without sockets. Faults map to what the engine sees over HTTP: `reset`
 * and "down" → `TransportError('connect')`, `timeout` → `TransportError('timeout')`, an HTTP
 * status → `TransportError('http-status')`, an undecodable request → HTTP 400 as [OL] does; a
 * `raw` body with status 200 is answered as it is; a `trickle` holds the answer for the time
 * the trickle would take.
 */
export function createMemoryFrontDoor(exchange: VtnExchange, scheduler: SchedulerLike): Transport {
  return {
    send: (request) =>
      new Observable<string>((subscriber) => {
        const { reply, delayMs: delay, trickle } = exchange.receive(request.service, request.body);
        // No bytes to trickle in memory: hold the whole answer for as long as the trickle would take.
        const delayMs = trickle && reply.kind === 'answer' ? Math.ceil(Buffer.byteLength(reply.body) / trickle.bytesPerChunk) * trickle.everyMs : delay;
        if (delayMs <= 0) return deliver(request.service, reply, subscriber);
        const pending = scheduler.schedule(() => deliver(request.service, reply, subscriber), delayMs);
        return () => pending.unsubscribe();
      }),
  };
}
