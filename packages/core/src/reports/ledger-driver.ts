import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import type { Ledger, ObligationHooks } from '../ledger/ledger.js';
import type { ObligationKind } from '../ledger/obligation.js';
import { classifyExchange, type ExchangeVerdict } from '../ledger/retry-policy.js';
import type { OadrMessage } from '../model/message.js';
import { scheduleAt } from '../time/clamped-timer.js';

/** What the driver needs from its host: time, a way to POST, and whether the VEN is registered. */
export interface LedgerDriverHost {
  readonly scheduler: SchedulerLike;
  send(message: OadrMessage): Observable<OadrMessage | undefined>;
  venID(): string | undefined;
}

/** Sends a ledger's due records, one at a time. */
export interface LedgerDriver {
  /** Sends what is due now (after a registration, or a new record). */
  kick(): void;
  /** Abandons the exchange in flight (its record stays pending) and the timer. */
  stop(): void;
}

/**
 * Drives a ledger for a host that lends none (a report module on a custom `ReportHost`): takes
 * the first due record, POSTs it, classifies the outcome with `classifyExchange` (the one retry
 * policy: the ledger schedules the next attempt), calls the kind's hooks when it ends, and waits
 * on the scheduler for the next due record. A loop, never recursion, whatever the queue length.
 * A reconcile verdict (463) leaves the record pending with its backoff: the host's registration
 * decides (the engine lends its own ledger and driver, which re-register).
 */
export function createLedgerDriver(ledger: Ledger, host: LedgerDriverHost, hooks: (kind: ObligationKind) => ObligationHooks | undefined): LedgerDriver {
  const { scheduler } = host;
  let inFlight: Subscription | undefined;
  let sending = false;
  let timer: Subscription | undefined;
  let draining = false;
  let stopped = false;

  const arm = (): void => {
    timer?.unsubscribe();
    timer = undefined;
    const at = ledger.nextDue(host.venID() !== undefined);
    if (at !== undefined) timer = scheduleAt(scheduler, () => ((timer = undefined), kick()), Math.max(at, scheduler.now()));
  };

  const finish = (id: string, verdict: ExchangeVerdict): void => {
    const record = ledger.get(id);
    const after = ledger.applyVerdict(id, verdict);
    if (record && after?.state === 'settled' && verdict.kind === 'settled') hooks(record.kind)?.settled?.(after, verdict.answer);
    else if (record && after?.state === 'failed') hooks(record.kind)?.failed?.(after, verdict);
  };

  /** Starts one exchange; true when it already ended (synchronous transports). */
  const sendOne = (id: string, message: OadrMessage, expects: OadrMessage['type']): boolean => {
    let answer: OadrMessage | undefined;
    let done = false;
    sending = true;
    const end = (verdict: ExchangeVerdict): void => {
      done = true;
      sending = false;
      inFlight = undefined;
      finish(id, verdict);
      if (!draining) kick();
    };
    const sub = host.send(message).subscribe({
      next: (a) => (answer = a),
      error: (error: unknown) => end(classifyExchange(expects, { error })),
      complete: () => end(classifyExchange(expects, { answer })),
    });
    if (!done) inFlight = sub;
    return done;
  };

  function kick(): void {
    if (stopped || draining || sending) return;
    draining = true;
    try {
      for (;;) {
        const record = ledger.due(scheduler.now(), host.venID() !== undefined);
        if (!record) break;
        if (!sendOne(record.id, record.message, record.expects)) return;
      }
      arm();
    } finally {
      draining = false;
    }
  }

  return {
    kick: () => {
      stopped = false;
      kick();
    },
    stop() {
      stopped = true;
      timer?.unsubscribe();
      timer = undefined;
      inFlight?.unsubscribe();
      inFlight = undefined;
      sending = false;
    },
  };
}
