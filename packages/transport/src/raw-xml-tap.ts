import type { InboundExchange, OadrService, Transport } from '@rxadr/core';
import { asyncScheduler, map, tap, type SchedulerLike } from 'rxjs';

/** One body seen by {@link rawXmlTap}. */
export interface RawXmlExchange {
  /** `out`: sent by the VEN (a request, or its answer to a pushed request); `in`: received. */
  readonly direction: 'out' | 'in';
  readonly service: OadrService;
  /** The exact XML text. */
  readonly body: string;
  /** HTTP status, set only for `in` bodies of a non-200 answer. */
  readonly status?: number;
  /** `scheduler.now()` when the body passed the tap. */
  readonly at?: number;
}

/**
 * A `Transport -> Transport` wrapper that reports every XML body passing through (STYLE.md
 * rule 2): each request when it is sent, each answer when it arrives (including the body of an
 * `http-status` failure), and in push mode (OPENADR.md §1.7) each pushed request and the
 * VEN's answer to it. Bodies are reported unchanged; a throwing `onExchange` is ignored so
 * that logging never breaks the exchange.
 *
 * Compose it outermost of the wire, i.e. after signing, so that it sees the signed bytes:
 * `rawXmlTap(log)(signingTransport(httpTransport(options)))`.
 *
 * @example
 * const transport = rawXmlTap((e) => console.log(e.direction, e.service, e.body))(httpTransport({ vtnUrl }));
 */
export function rawXmlTap(
  onExchange: (exchange: RawXmlExchange) => void,
  options: { readonly scheduler?: SchedulerLike } = {},
): (inner: Transport) => Transport {
  const scheduler = options.scheduler ?? asyncScheduler;
  const report = (exchange: Omit<RawXmlExchange, 'at'>): void => {
    try {
      onExchange({ ...exchange, at: scheduler.now() });
    } catch {
      // A faulty observer must not change what goes over the wire.
    }
  };
  return (inner) => {
    const { inbound$, pushAddress, signsMessages } = inner;
    return {
      send: (request) => {
        const { service } = request;
        return inner.send(request).pipe(
          tap({
            subscribe: () => report({ direction: 'out', service, body: request.body }),
            next: (body) => report({ direction: 'in', service, body }),
            error: (error: unknown) => {
              const failure = error as { status?: unknown; body?: unknown };
              if (typeof failure.status === 'number' && typeof failure.body === 'string') {
                report({ direction: 'in', service, body: failure.body, status: failure.status });
              }
            },
          }),
        );
      },
      ...(inbound$ !== undefined && { inbound$: inbound$.pipe(map((exchange) => tapInbound(exchange, report))) }),
      ...(pushAddress !== undefined && { pushAddress }),
      ...(signsMessages !== undefined && { signsMessages }),
      // Bound explicitly: a class-based inner transport keeps `close` on its prototype.
      ...(inner.close !== undefined && { close: () => inner.close?.() ?? Promise.resolve() }),
    };
  };
}

function tapInbound(exchange: InboundExchange, report: (exchange: Omit<RawXmlExchange, 'at'>) => void): InboundExchange {
  const { service, body } = exchange;
  report({ direction: 'in', service, body });
  return {
    service,
    body,
    respond: (answer) => {
      report({ direction: 'out', service, body: answer });
      exchange.respond(answer);
    },
    reject: (status, reason) => exchange.reject(status, reason),
  };
}
