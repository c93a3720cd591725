import { Observable, type Subscription } from 'rxjs';
import { retryDelay } from '../ledger/retry-policy.js';
import type { MessageOf, OadrMessage } from '../model/message.js';
import { refuseForeignVenID } from './foreign-ven.js';
import type { LedgerDriver } from './ledger-driver.js';
import type { LoopKit } from './loop-kit.js';
import { firstPollDelay, nextPollAt, pollPhaseOf } from './poll-phase.js';
import type { Inbound } from './ven-channel.js';
import { currentVenID, sendMessage } from './ven-context.js';
import { isVenError } from './ven-error.js';

/** What a poll may carry (§1.6); anything else is the wrong type and never re-polls at once. */
const POLL_ANSWERS = new Set<OadrMessage['type']>([
  'oadrDistributeEvent',
  'oadrCreateReport',
  'oadrRegisterReport',
  'oadrCancelReport',
  'oadrUpdateReport',
  'oadrCancelPartyRegistration',
  'oadrRequestReregistration',
]);

/** The periodic poll of one VEN (§1.6), part of the VEN loop (internal). */
export interface PollCycle {
  /** Owed records first (rule 64), then one poll. */
  poll(gen: number): Observable<unknown>;
  /** The next periodic wait is the first after a registration: it puts the polls at the VEN's phase. */
  phase(): void;
  /** A registration succeeded: failures and immediate polls start from zero. */
  reset(): void;
}

export interface PollCycleDeps {
  readonly driver: LedgerDriver;
  /** True while the VEN holds a registration the VTN agrees with. */
  registered(): boolean;
  dispatch(inbound: Inbound): Observable<void>;
  /** A non-2xx oadrResponse (reconcile or report). */
  refused(what: string, response: MessageOf<'oadrResponse'>): void;
}

/**
 * Creates the poll cycle: after each answer the next poll is due a period (plus jitter) after the
 * last one was due, at the VEN's phase after a registration; an answer that carries a message polls
 * again at once, a bounded number of times in a row; a failed poll backs off with the retry policy.
 */
export function createPollCycle(kit: LoopKit, deps: PollCycleDeps): PollCycle {
  const { ctx, report, setStatus } = kit;
  const { options } = ctx;
  const { scheduler, retry } = options;
  let pollFailures = 0;
  let immediatePolls = 0;
  let phasing = false;
  // When the last periodic poll was due: the next one is due a period (plus jitter) after it, not
  // after the poll ran, so polls run late by a busy process keep their phase (see `nextPollAt`).
  // Undefined after a failed poll: the wait after the retry that succeeds counts from its answer.
  let pollDueAt: number | undefined;

  const scheduleNextPoll = (gen: number): void => {
    immediatePolls = 0;
    if (gen !== kit.generation()) return;
    const registration = ctx.registration;
    const every = registration?.pollFrequencyMs ?? options.defaultPollFrequencyMs;
    const now = scheduler.now();
    if (phasing) {
      // A fleet registered in the same second polls spread over the period (see `pollPhase`).
      phasing = false;
      const fraction = pollPhaseOf(options.pollPhase, options.venName, registration?.venID ?? currentVenID(ctx));
      pollDueAt = now + firstPollDelay(fraction, every);
    } else pollDueAt = nextPollAt(pollDueAt ?? now, every + Math.round(options.pollJitter * every * options.random()), every, now);
    kit.sleep(pollDueAt - now, () => poll(gen));
  };

  /** A failed poll (or a failed dispatch of its answer): reported; an undecodable answer waits a period, anything else backs off. */
  const pollFailed = (gen: number, error: unknown): void => {
    if (gen !== kit.generation()) return;
    report(error);
    immediatePolls = 0;
    if (isVenError(error) && error.code === 'decode') {
      scheduleNextPoll(gen);
      return;
    }
    pollFailures += 1;
    pollDueAt = undefined;
    const delayMs = retryDelay(retry, pollFailures, options.random);
    setStatus({ state: 'backoff', phase: 'poll', attempt: pollFailures, delayMs, cause: error instanceof Error ? error : new Error(String(error)) });
    kit.sleep(delayMs, () => poll(gen));
  };

  /**
   * The poll's answer, before its dispatch: the next poll is scheduled now for an empty answer or an
   * oadrResponse (returns undefined); a VTN message is returned for dispatch.
   */
  const pollAnswer = (gen: number, answer: Inbound | undefined): Inbound | undefined => {
    if (pollFailures > 0 || ctx.status.value.state !== 'polling') kit.announce('polling');
    pollFailures = 0;
    const message = answer?.message;
    if (!answer || !message) {
      scheduleNextPoll(gen);
      return undefined;
    }
    if (message.type === 'oadrResponse') {
      // Rule 21 (§4.7): a poll answer naming another VEN is reported and otherwise ignored (its code
      // says nothing about this VEN, so a 463 in it must not start a reconciliation).
      const foreign = refuseForeignVenID(message, currentVenID(ctx));
      if (foreign) report(foreign.error);
      else if (!/^2\d\d$/.test(message.eiResponse.responseCode)) deps.refused('oadrPoll', message);
      scheduleNextPoll(gen);
      return undefined;
    }
    return answer;
  };

  /** After a VTN message was dispatched: a message may hide more behind it, so poll again at once, a bounded number of times in a row. */
  const dispatched = (gen: number, message: OadrMessage): void => {
    if (gen !== kit.generation() || ctx.stopped) return;
    if (POLL_ANSWERS.has(message.type) && immediatePolls < options.maxImmediatePolls) {
      immediatePolls += 1;
      ctx.enqueue(poll(gen));
    } else scheduleNextPoll(gen);
  };

  /**
   * One poll: owed records (the driver's flush), then oadrPoll, then the answer's dispatch. Written
   * as one observable that steps through the three (rather than a chain of operators) because a
   * fleet runs it every period for every VEN and an idle poll is mostly this plumbing. A failed send
   * or dispatch goes to `pollFailed` and the poll completes; an error of the flush ends it.
   */
  const poll = (gen: number): Observable<unknown> =>
    new Observable<unknown>((subscriber) => {
      let inner: Subscription | undefined;
      /** Subscribes to one step; `next` runs when it completes (maybe at once). */
      const step = <T>(source: Observable<T>, onValue: ((value: T) => void) | undefined, next: () => void, failed: (error: unknown) => void): void => {
        let done = false;
        const subscription = source.subscribe({
          next: onValue,
          error: (error: unknown) => {
            done = true;
            failed(error);
          },
          complete: () => {
            done = true;
            next();
          },
        });
        if (!done) inner = subscription;
      };
      const fail = (error: unknown): void => {
        pollFailed(gen, error);
        subscriber.complete();
      };
      const guarded = (work: () => void) => (): void => {
        try {
          work();
        } catch (error) {
          fail(error);
        }
      };
      const send = (): void => {
        const registration = ctx.registration;
        if (gen !== kit.generation() || !registration || !deps.registered()) return subscriber.complete();
        let answered = false;
        let answer: Inbound | undefined;
        const take = (value: Inbound | undefined): void => {
          answered = true;
          answer = value;
        };
        step(
          sendMessage(ctx, { type: 'oadrPoll', venID: registration.venID }),
          take,
          guarded(() => {
            // No answer at all (the VEN stopped meanwhile): nothing follows.
            const message = answered ? pollAnswer(gen, answer) : undefined;
            if (!message) return subscriber.complete();
            step(deps.dispatch(message), undefined, guarded(() => (dispatched(gen, message.message), subscriber.complete())), fail);
          }),
          fail,
        );
      };
      if (gen !== kit.generation() || !deps.registered()) return subscriber.complete();
      step(deps.driver.flush(), undefined, send, (error) => subscriber.error(error));
      return () => inner?.unsubscribe();
    });

  return {
    poll,
    phase: () => void (phasing = true),
    reset() {
      pollFailures = 0;
      immediatePolls = 0;
    },
  };
}
