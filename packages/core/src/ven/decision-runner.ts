import { AsyncSubject, defer, of, Subscription, type Observable, type SchedulerLike } from 'rxjs';
import type { OptType } from '../model/model-exports.js';
import type { Decision, DecisionOperator } from './decision.js';
import type { EventSnapshot } from './event-snapshot.js';
import { VenError } from './ven-error.js';
import { clampedTimer } from '../time/clamped-timer.js';

export interface DecisionRunnerOptions {
  /** The current user operator (it may be replaced with `ven.decide`). */
  readonly operator: () => DecisionOperator | undefined;
  readonly defaultDecision: OptType;
  readonly deadlineMs: number;
  readonly scheduler: SchedulerLike;
  /** A decision that arrives after the first one: a change of mind (rule 17). */
  readonly onChange: (decision: Decision) => void;
  readonly onError: (error: VenError) => void;
}

/** Runs the user's decision operator per event version, each in isolation (STYLE.md rule 5, §4.6 rule 19). */
export interface DecisionRunner {
  /**
   * Subscribes the operator to this snapshot alone. The returned observable emits the first
   * answer once and completes: the decision, or the default when the operator errors,
   * completes without deciding, or misses the deadline.
   */
  ask(snapshot: EventSnapshot): Observable<OptType>;
  /** Stops listening for decisions on an event (it was modified, cancelled or dropped). */
  drop(eventID: string): void;
  dropAll(): void;
}

/** Creates the per-event decision runner used by the engine. */
export function createDecisionRunner(options: DecisionRunnerOptions): DecisionRunner {
  const running = new Map<string, { readonly sub: Subscription; readonly settle: () => void }>();

  /** Unsettled first answers get the default, so nothing waits for a decision that will never come. */
  const drop = (eventID: string): void => {
    const entry = running.get(eventID);
    running.delete(eventID);
    entry?.settle();
    entry?.sub.unsubscribe();
  };

  const ask = (snapshot: EventSnapshot): Observable<OptType> => {
    const { eventID, modificationNumber } = snapshot;
    drop(eventID);
    const operator = options.operator();
    // No operator: the default at once, with no deadline timer armed and cleared per event.
    if (!operator) return of(options.defaultDecision);
    const first = new AsyncSubject<OptType>();
    const entry = new Subscription();
    let settled = false;
    const fail = (message: string, cause?: unknown): void =>
      options.onError(new VenError('decision', `event ${eventID}: ${message}; applying ${options.defaultDecision}`, { eventID, cause }));
    const settle = (optType: OptType): void => {
      if (settled) return;
      settled = true;
      deadline.unsubscribe();
      first.next(optType);
      first.complete();
    };
    const deadline = clampedTimer(options.deadlineMs, options.scheduler).subscribe(() => {
      fail(`no decision within ${options.deadlineMs} ms`);
      settle(options.defaultDecision);
    });
    entry.add(deadline);
    running.set(eventID, { sub: entry, settle: () => settle(options.defaultDecision) });
    const finish = (): void => {
      if (running.get(eventID)?.sub === entry) running.delete(eventID);
      entry.unsubscribe();
    };
    const inner = defer(() => operator(of(snapshot))).subscribe({
      next: (decision) => {
        if (decision.eventID !== eventID || decision.modificationNumber !== modificationNumber) {
          options.onError(new VenError('decision', `event ${eventID}: ignored a decision for ${decision.eventID} #${decision.modificationNumber}`, { eventID }));
          return;
        }
        if (!settled) settle(decision.optType);
        else options.onChange(decision);
      },
      error: (error: unknown) => {
        if (!settled) fail('the decision operator failed', error);
        else options.onError(new VenError('decision', `event ${eventID}: the decision operator failed`, { eventID, cause: error }));
        settle(options.defaultDecision);
        finish();
      },
      complete: () => {
        if (!settled) fail('the decision operator completed without a decision');
        settle(options.defaultDecision);
        finish();
      },
    });
    if (!inner.closed) entry.add(inner);
    return first;
  };

  return {
    ask,
    drop,
    dropAll: () => {
      for (const eventID of [...running.keys()]) drop(eventID);
    },
  };
}
