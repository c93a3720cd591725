import { Observable, type Subscription } from 'rxjs';
import { classifyExchange, type ExchangeVerdict } from '../ledger/retry-policy.js';
import type { ObligationHooks } from '../ledger/ledger.js';
import type { Obligation, ObligationKind } from '../ledger/obligation.js';
import type { OadrMessage } from '../model/message.js';
import { scheduleAt } from '../time/clamped-timer.js';
import { currentVenID, sendMessage, type VenContext } from './ven-context.js';
import { VenError, isVenError, type VenErrorCode } from './ven-error.js';

/** The engine part that sends the ledger's due records (internal). */
export interface LedgerDriver {
  /** Sends every due record, one at a time, then completes (the poll loop runs it before each poll, rule 64). */
  flush(): Observable<void>;
  /** A record was added or the registration changed: queue a flush and re-arm the timer. */
  kick(): void;
  /** Registers the hooks of one kind (one set per kind; a later call replaces it). */
  hooks(kind: ObligationKind, hooks: ObligationHooks): void;
  /** Cancels the timer; nothing is sent afterwards. */
  stop(): void;
}

export interface LedgerDriverDeps {
  /** True while the VEN holds a registration the VTN agrees with (records that need one wait otherwise). */
  readonly registered: () => boolean;
  /** A record's exchange said the VTN does not know the VEN (463, 452 on own IDs): reconcile. */
  readonly reconcile: (reason: string) => void;
}

/**
 * The message of a record as sent now: the same identities (requestID, eventID, optID, …),
 * addressed with the VEN's current venID (a fresh registration after reconciliation may have
 * given it a new one).
 */
export function addressedTo(message: OadrMessage, venID: string): OadrMessage {
  if (venID === '') return message;
  if (message.type === 'oadrCreatedEvent') return { ...message, eiCreatedEvent: { ...message.eiCreatedEvent, venID } };
  if ('venID' in message && message.venID !== undefined && message.venID !== venID) return { ...message, venID } as OadrMessage;
  return message;
}

const ERROR_CODE: Partial<Record<ObligationKind, VenErrorCode>> = { 'create-opt': 'opt-rejected', 'cancel-opt': 'opt-rejected' };

/**
 * Creates the driver: it takes `ledger.due(now, registered)` records one at a time through the
 * VEN's exchange queue, classifies each outcome with `classifyExchange`, applies the verdict,
 * calls the kind's hooks, reports failures on `errors$` (terminal ones as
 * `VenError('obligation-failed' | 'opt-rejected')` with the code and text), and keeps one
 * clamped timer armed for `ledger.nextDue`.
 */
export function createLedgerDriver(ctx: VenContext, deps: LedgerDriverDeps): LedgerDriver {
  const { ledger, options } = ctx;
  const { scheduler, logger } = options;
  const hooks = new Map<ObligationKind, ObligationHooks>();
  let timer: Subscription | undefined;
  let timerAt: number | undefined;
  let queued = false;
  let stopped = false;

  const arm = (): void => {
    if (stopped || ctx.stopped) return;
    const at = ledger.nextDue(deps.registered());
    if (at === timerAt && timer && !timer.closed) return;
    timer?.unsubscribe();
    timer = undefined;
    timerAt = at;
    if (at === undefined) return;
    timer = scheduleAt(scheduler, () => ((timer = undefined), (timerAt = undefined), kick()), Math.max(at, scheduler.now()));
  };

  const settle = (record: Obligation, verdict: ExchangeVerdict): void => {
    const after = ledger.applyVerdict(record.id, verdict);
    // Superseded or dropped while in flight: its answer changes nothing.
    if (!after) return;
    const hook = hooks.get(record.kind);
    switch (verdict.kind) {
      case 'settled':
        hook?.settled?.(after, verdict.answer);
        return;
      case 'terminal': {
        const code = ERROR_CODE[record.kind] ?? 'obligation-failed';
        const error = new VenError(code, `${record.message.type} (${record.key}) refused for good: ${verdict.reason}`, { responseCode: verdict.responseCode, ...(record.subject.eventID ? { eventID: record.subject.eventID } : {}) });
        logger.warn(error.message, { code: error.code, responseCode: verdict.responseCode });
        ctx.errors.next(error);
        hook?.failed?.(after, verdict);
        return;
      }
      case 'transient': {
        const cause = verdict.cause;
        const error = isVenError(cause) ? cause : new VenError(cause ? 'transport' : 'unexpected-message', `${record.message.type} (${record.key}): ${verdict.reason}; retried`, { ...(verdict.responseCode ? { responseCode: verdict.responseCode } : {}), ...(cause ? { cause } : {}) });
        logger.warn(`${error.message}; attempt ${after.attempts}, next in ${after.nextAttemptAt - scheduler.now()} ms`, { code: error.code });
        ctx.errors.next(error);
        return;
      }
      case 'reconcile':
        logger.warn(`${record.message.type} (${record.key}): ${verdict.reason}; registering again`, { responseCode: verdict.responseCode });
        deps.reconcile(verdict.reason);
        return;
    }
  };

  /** Sends one record; completes after its verdict is applied. */
  const attempt = (record: Obligation): Observable<void> =>
    new Observable<void>((subscriber) => {
      let answered = false;
      // A record that needs no registration (the answer to a cancelled one) keeps the venID it was about.
      const message = record.needsRegistration ? addressedTo(record.message, currentVenID(ctx)) : record.message;
      const sub = sendMessage(ctx, message).subscribe({
        next: (answer) => {
          answered = true;
          settle(record, classifyExchange(record.expects, { answer: answer?.message }));
        },
        error: (error: unknown) => {
          settle(record, classifyExchange(record.expects, { error }));
          subscriber.complete();
        },
        complete: () => {
          // The channel emits once; completing silently means the VEN stopped: nothing to apply.
          if (!answered && !ctx.stopped) settle(record, classifyExchange(record.expects, { answer: undefined }));
          subscriber.complete();
        },
      });
      return sub;
    });

  /** Due records one after the other, as a loop (no stack growth when exchanges complete synchronously). */
  const flush = (): Observable<void> =>
    new Observable<void>((subscriber) => {
      let current: Subscription | undefined;
      let closed = false;
      const sentNow = new Set<string>();
      const loop = (): void => {
        for (;;) {
          if (closed) return;
          const record = stopped || ctx.stopped ? undefined : ledger.due(scheduler.now(), deps.registered());
          // A record that failed in this very flush waits for its backoff, never twice in one go.
          if (!record || sentNow.has(record.id)) {
            arm();
            subscriber.complete();
            return;
          }
          sentNow.add(record.id);
          let sync = true;
          let done = false;
          current = attempt(record).subscribe({
            complete: () => {
              done = true;
              if (!sync) loop();
            },
          });
          sync = false;
          if (!done) return;
        }
      };
      loop();
      return () => {
        closed = true;
        current?.unsubscribe();
      };
    });

  function kick(): void {
    if (stopped || ctx.stopped) return;
    arm();
    if (queued || ledger.due(scheduler.now(), deps.registered()) === undefined) return;
    queued = true;
    ctx.enqueue(
      new Observable<void>((subscriber) => {
        queued = false;
        return flush().subscribe(subscriber);
      }),
    );
  }

  return {
    flush,
    kick,
    hooks(kind, value) {
      hooks.set(kind, value);
    },
    stop() {
      stopped = true;
      timer?.unsubscribe();
      timer = undefined;
    },
  };
}
