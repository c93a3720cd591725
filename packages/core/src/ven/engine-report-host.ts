import { EMPTY, Observable, catchError, defer, tap } from 'rxjs';
import type { OadrMessage } from '../model/message.js';
import type { ReportHost } from '../reports/report-host.js';
import type { LedgerDriver } from './ledger-driver.js';
import type { Inbound } from './ven-channel.js';
import type { VenContext } from './ven-context.js';

/**
 * The engine's side of `ReportHandler.attach`: report messages go through the VEN's one-at-a-time
 * exchange queue (so answers already queued go first), on the VEN's scheduler; the report slot of
 * the VEN state is read from and written to the VEN's store.
 */
export function createEngineReportHost(
  ctx: VenContext,
  slot: { get(): unknown; set(value: unknown): void },
  engine: {
    readonly driver: LedgerDriver;
    readonly registered: () => boolean;
    /** The engine's send: an answer with 463 (or 452 on the VEN's own IDs) starts reconciliation. */
    readonly send: (message: OadrMessage) => Observable<Inbound | undefined>;
  },
): ReportHost {
  const { driver, registered } = engine;
  return {
    scheduler: ctx.options.scheduler,
    ledger: ctx.ledger,
    hooks: (kind, hooks) => driver.hooks(kind, hooks),
    // Undefined while re-registering too: nothing is sent under a registration the VTN may have forgotten.
    venID: () => (registered() ? ctx.registration?.venID : undefined),
    load: () => slot.get(),
    save: (value) => {
      slot.set(value);
      ctx.persist();
    },
    send: (message) =>
      new Observable<OadrMessage | undefined>((subscriber) => {
        let wanted = true;
        ctx.enqueue(
          defer(() =>
            wanted
              ? (ctx.stopped ? EMPTY : engine.send(message)).pipe(
                  tap({ next: (answer) => subscriber.next(answer?.message), error: (error: unknown) => subscriber.error(error), complete: () => subscriber.complete() }),
                  // The report module owns retries and reports its own failures.
                  catchError(() => EMPTY),
                )
              : EMPTY,
          ),
        );
        return () => {
          wanted = false;
        };
      }),
  };
}
