import { EMPTY, Observable, catchError, defer, tap } from 'rxjs';
import type { OadrMessage } from '../model/message.js';
import type { ReportHost } from '../reports/report-host.js';
import type { LedgerDriver } from './ledger-driver.js';
import { sendMessage, type VenContext } from './ven-context.js';

/**
 * The engine's side of `ReportHandler.attach`: report messages go through the VEN's one-at-a-time
 * exchange queue (so answers already queued go first), on the VEN's scheduler; the report slot of
 * the VEN state is read from and written to the VEN's store.
 */
export function createEngineReportHost(ctx: VenContext, slot: { get(): unknown; set(value: unknown): void }, driver: LedgerDriver): ReportHost {
  return {
    scheduler: ctx.options.scheduler,
    ledger: ctx.ledger,
    hooks: (kind, hooks) => driver.hooks(kind, hooks),
    venID: () => ctx.registration?.venID,
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
              ? sendMessage(ctx, message).pipe(
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
