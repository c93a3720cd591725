import { EMPTY, concat, concatMap, defer, catchError, ignoreElements, timer, type Observable, type Subscription } from 'rxjs';
import { backoffDelay } from './backoff.js';
import { currentVenID, sendMessage, type VenContext } from './ven-context.js';
import type { Inbound } from './ven-channel.js';
import { VenError, isVenError } from './ven-error.js';
import type { VenStatus } from './ven-status.js';
import { createPartyRegistration, readRegistration } from './registration.js';
import { dispatchVtnMessage } from './vtn-dispatch.js';
import { sendReportMessages } from './report-handler.js';

/** The registration and poll loop of one VEN (§1.6, §3.1). */
export interface VenLoop {
  /** Registers (or resumes a stored registration), syncs events, then polls. */
  start(): void;
  /** Registers again with the current IDs; replaces the poll schedule (no second timer). */
  reregister(): void;
  /** Drops registration state and stops polling (§3.1). */
  dropRegistration(by: 'vtn' | 'ven'): void;
  /** Cancels the pending wake-up; nothing runs afterwards. */
  stop(): void;
  /** Handles a pushed or polled VTN message. */
  dispatch(inbound: Inbound): Observable<void>;
}

/** Creates the loop. Every wait runs on `ctx.options.scheduler`; every exchange through `ctx.enqueue`. */
export function createVenLoop(ctx: VenContext): VenLoop {
  const { options } = ctx;
  const { scheduler, logger } = options;
  // Bumped whenever the loop is restarted or ended: work of an older generation stops at its next step.
  let generation = 0;
  let wakeup: Subscription | undefined;
  let pollFailures = 0;

  const setStatus = (status: VenStatus): void => {
    if (!ctx.stopped) ctx.status.next(status);
  };
  const report = (error: unknown): void => {
    const venError = isVenError(error) ? error : new VenError('transport', String(error), { cause: error });
    ctx.errors.next(venError); // createVen logs it through the logger
  };
  const sleep = (ms: number, then: () => Observable<unknown>): void => {
    wakeup?.unsubscribe();
    const gen = generation;
    wakeup = timer(ms, scheduler).subscribe(() => {
      wakeup = undefined;
      if (gen === generation && !ctx.stopped) ctx.enqueue(then());
    });
  };
  const reportContext = () => ({ venID: currentVenID(ctx), now: new Date(scheduler.now()) });
  const registered = (state: 'registered' | 'polling'): void => {
    const r = ctx.registration;
    if (r) setStatus({ state, venID: r.venID, registrationID: r.registrationID, vtnID: r.vtnID, pollFrequencyMs: r.pollFrequencyMs });
  };

  const dispatch = (inbound: Inbound): Observable<void> =>
    dispatchVtnMessage(inbound, {
      venID: () => currentVenID(ctx),
      registrationID: () => ctx.registration?.registrationID,
      now: () => new Date(scheduler.now()),
      send: (message, service) => sendMessage(ctx, message, service),
      events: ctx.events,
      reports: options.reports,
      cancelled: () => dropRegistration('vtn'),
      reregister: () => reregister(),
      error: report,
    });

  const scheduleNextPoll = (gen: number): void => {
    const every = ctx.registration?.pollFrequencyMs ?? options.defaultPollFrequencyMs;
    sleep(every + Math.round(options.pollJitter * every * options.random()), () => poll(gen));
  };

  /** One poll; a non-empty answer is handled and followed by another poll at once (drain). */
  const poll = (gen: number): Observable<unknown> =>
    defer(() => {
      const registration = ctx.registration;
      if (gen !== generation || !registration) return EMPTY;
      return sendMessage(ctx, { type: 'oadrPoll', venID: registration.venID }).pipe(
        concatMap((answer) => {
          if (pollFailures > 0 || ctx.status.value.state !== 'polling') registered('polling');
          pollFailures = 0;
          if (!answer || answer.message.type === 'oadrResponse') {
            return concat(answer ? dispatch(answer) : EMPTY, defer(() => (gen === generation && scheduleNextPoll(gen), EMPTY)));
          }
          return concat(dispatch(answer), defer(() => (gen === generation && !ctx.stopped && ctx.enqueue(poll(gen)), EMPTY)));
        }),
        catchError((error: unknown) => {
          if (gen !== generation) return EMPTY;
          report(error);
          if (isVenError(error) && error.code === 'decode') {
            scheduleNextPoll(gen);
            return EMPTY;
          }
          pollFailures += 1;
          const delayMs = backoffDelay(options.backoff, pollFailures, options.random);
          setStatus({ state: 'backoff', phase: 'poll', attempt: pollFailures, delayMs, cause: error instanceof Error ? error : new Error(String(error)) });
          sleep(delayMs, () => poll(gen));
          return EMPTY;
        }),
      );
    });

  /** After (re-)registration or on resume: report metadata hook, event sync (oadrRequestEvent), first poll. */
  const afterRegistration = (gen: number, fresh: boolean): Observable<unknown> =>
    concat(
      defer(() => (fresh ? sendReportMessages(options.reports.registered(reportContext()), options.reports, reportContext, (m) => sendMessage(ctx, m)) : EMPTY)),
      defer(() =>
        sendMessage(ctx, { type: 'oadrRequestEvent', eiRequestEvent: { requestID: ctx.ids('req'), venID: currentVenID(ctx) } }).pipe(
          concatMap((answer) => (answer ? dispatch(answer) : EMPTY)),
          // A failed sync must not end the loop: polling goes on (with its own backoff) and the VTN redistributes.
          catchError((error: unknown) => (report(error), EMPTY)),
        ),
      ),
      defer(() => (gen === generation && !ctx.stopped && ctx.enqueue(poll(gen)), EMPTY)),
    );

  const register = (attempt: number, reuse: boolean): Observable<unknown> =>
    defer(() => {
      const gen = generation;
      setStatus({ state: 'registering', attempt });
      const current = reuse ? ctx.registration : undefined;
      const ids = current ? { venID: current.venID, registrationID: current.registrationID } : { venID: options.venId };
      const query$ = current ? EMPTY : sendMessage(ctx, { type: 'oadrQueryRegistration', requestID: ctx.ids('req') }).pipe(ignoreElements());
      return concat(query$, defer(() => sendMessage(ctx, createPartyRegistration(options, ctx.ids('req'), ids)))).pipe(
        concatMap((answer) => {
          if (answer?.message.type !== 'oadrCreatedPartyRegistration') {
            throw new VenError('registration-rejected', `expected oadrCreatedPartyRegistration, got ${answer ? answer.message.type : 'an empty answer'}`);
          }
          const result = readRegistration(answer.message, ids.venID, options.defaultPollFrequencyMs);
          if (!result.ok) throw result.error;
          if (result.capped) logger.warn('the VTN asked for a poll interval above 24 h; polling every 24 h', {});
          ctx.registration = result.registration;
          ctx.persist();
          pollFailures = 0;
          registered('registered');
          return afterRegistration(gen, true);
        }),
        catchError((error: unknown) => {
          if (gen !== generation) return EMPTY;
          report(error);
          const delayMs = backoffDelay(options.backoff, attempt, options.random);
          setStatus({ state: 'backoff', phase: 'registration', attempt, delayMs, cause: error instanceof Error ? error : new Error(String(error)) });
          sleep(delayMs, () => register(attempt + 1, reuse));
          return EMPTY;
        }),
      );
    });

  const restart = (): void => {
    generation += 1;
    wakeup?.unsubscribe();
    wakeup = undefined;
  };

  function reregister(): void {
    restart();
    if (!ctx.stopped) ctx.enqueue(register(1, ctx.registration !== undefined));
  }

  function dropRegistration(by: 'vtn' | 'ven'): void {
    restart();
    options.reports.registrationEnded?.();
    ctx.registration = undefined;
    ctx.events.clear();
    ctx.persist();
    setStatus({ state: 'cancelled', by });
  }

  return {
    start() {
      if (ctx.registration) {
        registered('registered');
        const gen = generation;
        ctx.enqueue(afterRegistration(gen, false));
      } else ctx.enqueue(register(1, false));
    },
    reregister,
    dropRegistration,
    stop: restart,
    dispatch,
  };
}
