import { Observable, Subject } from 'rxjs';
import { TransportError, type InboundExchange, type Transport } from '@rxadr/core';
import type { PushAnswer, PushPost } from './vtn-pusher.js';

/** In-memory push endpoints keyed by address: the VTN side posts, VEN transports receive. */
export interface MemoryPushHub {
  readonly post: PushPost;
  /** A push-mode transport at `address` whose `send` goes through `pull` (OPENADR.md §1.7). */
  transport(pull: Transport, address: string): Transport;
}

/**
 * Creates the hub. A push to an address nobody listens on fails as `TransportError('connect')`;
 * an exchange the VEN never answers stays open (the pusher drops it on stop).
 */
export function createMemoryPushHub(): MemoryPushHub {
  const endpoints = new Map<string, Subject<InboundExchange>>();
  return {
    post: (address, service, body) =>
      new Observable<PushAnswer>((subscriber) => {
        const endpoint = endpoints.get(address);
        if (!endpoint?.observed) {
          subscriber.error(new TransportError('connect', `nobody listens at ${address}`));
          return;
        }
        let settled = false;
        const settle = (answer: PushAnswer): void => {
          if (settled) return;
          settled = true;
          subscriber.next(answer);
          subscriber.complete();
        };
        endpoint.next({ service, body, respond: (xml) => settle({ status: 200, body: xml }), reject: (status, reason) => settle({ status, body: reason }) });
      }),
    transport(pull, address) {
      const inbound = endpoints.get(address) ?? new Subject<InboundExchange>();
      endpoints.set(address, inbound);
      return {
        send: (request) => pull.send(request),
        inbound$: inbound.asObservable(),
        pushAddress: address,
        close: async () => {
          endpoints.delete(address);
          inbound.complete();
        },
      };
    },
  };
}
