import { EMPTY, concat, concatMap, defer, catchError, tap, type Observable, type Subscription } from 'rxjs';
import { classifyCode, classifyExchange, responseOf, retryDelay, type ExchangeVerdict } from '../ledger/retry-policy.js';
import type { MessageOf, OadrMessage } from '../model/message.js';
import type { OadrService } from '../transport/transport.js';
import { scheduleClamped } from '../time/clamped-timer.js';
import type { LedgerDriver } from './ledger-driver.js';
import { currentVenID, sendMessage, type VenContext } from './ven-context.js';
import type { Inbound } from './ven-channel.js';
import { VenError, isVenError } from './ven-error.js';
import type { VenStatus } from './ven-status.js';
import { createPartyRegistration, readRegistration } from './registration.js';
import { dispatchVtnMessage } from './vtn-dispatch.js';
import { refuseForeignVenID } from './foreign-ven.js';
import { firstPollDelay, nextPollAt, pollPhaseOf } from './poll-phase.js';
import { sendReportMessages } from './report-handler.js';
import type { RegistrationState } from './ven-store.js';

/** The registration and poll loop of one VEN (§1.6, §3.1). */
export interface VenLoop {
  /** Registers (or resumes a stored registration), syncs events, then polls. */
  start(): void;
  /** Registers again with the held IDs (fresh when the VEN holds none, e.g. after a cancellation). */
  reregister(): void;
  /** The VTN does not know the VEN as the VEN knows itself: register again, paced by the retry policy. */
  reconcile(reason: string): void;
  /** Drops registration state and stops polling (§3.1). */
  dropRegistration(by: 'vtn' | 'ven'): void;
  /** True while the VEN holds a registration the VTN agrees with (owed records that need one are sent). */
  registered(): boolean;
  /** Cancels the pending wake-up; nothing runs afterwards. */
  stop(): void;
  /** Handles a pushed or polled VTN message. */
  dispatch(inbound: Inbound): Observable<void>;
  /** Sends one message outside the ledger (direct answers, report messages); an answer with 463 or 452 on the VEN's own IDs reconciles. */
  send(message: OadrMessage, service?: OadrService): Observable<Inbound | undefined>;
}

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

/** A registration attempt: with the IDs the VEN holds, or fresh without them (reconciliation). */
type Mode = 'held' | 'fresh';

/**
 * Creates the loop. Every wait is one clamped scheduler delay on `ctx.options.scheduler`; every
 * exchange goes through `ctx.enqueue`; owed messages go through `driver` (flushed before each poll,
 * rule 64). Reconciliation (docs/ledger.md): on 463, a 452 about the VEN's own IDs,
 * oadrRequestReregistration, or an oadrQueryRegistration answer that names other IDs, the VEN
 * registers again with the held IDs, and fresh without them if the VTN refuses those; then it
 * offers METADATA again, tells the report module (`reregistered`), requests events, sends every
 * pending record again and polls. Registrations are paced by the retry policy.
 */
export function createVenLoop(ctx: VenContext, driver: LedgerDriver): VenLoop {
  const { options } = ctx;
  const { scheduler, logger, retry } = options;
  // Bumped whenever the loop is restarted or ended: work of an older generation stops at its next step.
  let generation = 0;
  let wakeup: Subscription | undefined;
  let pollFailures = 0;
  let immediatePolls = 0;
  // The next periodic wait is the first after a registration: it puts the polls at the VEN's phase.
  let phasing = false;
  // When the last periodic poll was due: the next one is due a period (plus jitter) after it, not
  // after the poll ran, so polls run late by a busy process keep their phase (see `nextPollAt`).
  // Undefined after a failed poll: the wait after the retry that succeeds counts from its answer.
  let pollDueAt: number | undefined;
  // A registration is underway: owed records that need one wait.
  let reconciling = false;
  // The registration underway renews an earlier one (the report module ends requests not renewed).
  let renewing = false;
  let cancelled = false;
  // Pacing of registrations: each one within `retry.maxMs` of the previous waits longer.
  let lastRegistrationAt: number | undefined;
  let registrationStreak = 0;

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
    wakeup = scheduleClamped(
      scheduler,
      () => {
        wakeup = undefined;
        if (gen === generation && !ctx.stopped) ctx.enqueue(then());
      },
      ms,
    );
  };
  const jitter = (): number => (options.startJitterMs > 0 ? Math.floor(options.random() * options.startJitterMs) : 0);
  const reportContext = () => ({ venID: currentVenID(ctx), now: new Date(scheduler.now()) });
  const registered = (state: 'registered' | 'polling'): void => {
    const r = ctx.registration;
    if (r) setStatus({ state, venID: r.venID, registrationID: r.registrationID, vtnID: r.vtnID, pollFrequencyMs: r.pollFrequencyMs });
  };
  const isRegistered = (): boolean => ctx.registration !== undefined && !reconciling && !cancelled;

  /** 463 (or 452 on the VEN's own IDs) in the answer to any exchange starts reconciliation. */
  const watched = (message: OadrMessage, service?: OadrService): Observable<Inbound | undefined> =>
    sendMessage(ctx, message, service).pipe(
      tap((answer) => {
        const response = answer && responseOf(answer.message);
        if (response && classifyCode(response.code, response.description, answer.message).kind === 'reconcile') {
          reconcile(`${message.type}: the VTN answered ${response.code} ${response.description ?? ''}`.trim());
        }
      }),
    );

  const dispatch = (inbound: Inbound): Observable<void> =>
    dispatchVtnMessage(inbound, {
      venID: () => currentVenID(ctx),
      registrationID: () => ctx.registration?.registrationID,
      now: () => new Date(scheduler.now()),
      send: watched,
      events: ctx.events,
      reports: options.reports,
      ledger: ctx.ledger,
      cancelled: () => dropRegistration('vtn'),
      reregister: () => reconcile('the VTN asked for a re-registration (oadrRequestReregistration)'),
      error: report,
    });

  /** A non-2xx oadrResponse: reconcile when it says the VTN does not know us, else report it. */
  const refused = (what: string, response: MessageOf<'oadrResponse'>): void => {
    const { responseCode, responseDescription } = response.eiResponse;
    const verdict = classifyCode(responseCode, responseDescription, response);
    if (verdict.kind === 'reconcile') reconcile(`${what}: ${verdict.reason}`);
    else report(new VenError('unexpected-message', `${what}: the VTN answered ${responseCode} ${responseDescription ?? ''}`.trim(), { responseCode }));
  };

  const scheduleNextPoll = (gen: number): void => {
    immediatePolls = 0;
    if (gen !== generation) return;
    const registration = ctx.registration;
    const every = registration?.pollFrequencyMs ?? options.defaultPollFrequencyMs;
    const now = scheduler.now();
    if (phasing) {
      // A fleet registered in the same second polls spread over the period (see `pollPhase`).
      phasing = false;
      const fraction = pollPhaseOf(options.pollPhase, options.venName, registration?.venID ?? currentVenID(ctx));
      pollDueAt = now + firstPollDelay(fraction, every);
    } else pollDueAt = nextPollAt(pollDueAt ?? now, every + Math.round(options.pollJitter * every * options.random()), every, now);
    sleep(pollDueAt - now, () => poll(gen));
  };

  const pollAnswer = (gen: number, answer: Inbound | undefined): Observable<unknown> => {
    if (pollFailures > 0 || ctx.status.value.state !== 'polling') registered('polling');
    pollFailures = 0;
    const message = answer?.message;
    if (!answer || !message) return defer(() => (scheduleNextPoll(gen), EMPTY));
    if (message.type === 'oadrResponse') {
      // Rule 21 (§4.7): a poll answer naming another VEN is reported and otherwise ignored (its code
      // says nothing about this VEN, so a 463 in it must not start a reconciliation).
      const foreign = refuseForeignVenID(message, currentVenID(ctx));
      if (foreign) report(foreign.error);
      else if (!/^2\d\d$/.test(message.eiResponse.responseCode)) refused('oadrPoll', message);
      return defer(() => (scheduleNextPoll(gen), EMPTY));
    }
    const carries = POLL_ANSWERS.has(message.type);
    return concat(
      dispatch(answer),
      defer(() => {
        if (gen !== generation || ctx.stopped) return EMPTY;
        // A message may hide more behind it: poll again at once, a bounded number of times in a row.
        if (carries && immediatePolls < options.maxImmediatePolls) {
          immediatePolls += 1;
          ctx.enqueue(poll(gen));
        } else scheduleNextPoll(gen);
        return EMPTY;
      }),
    );
  };

  /** Owed records first (rule 64), then one poll. */
  const poll = (gen: number): Observable<unknown> =>
    defer(() => {
      if (gen !== generation || !isRegistered()) return EMPTY;
      return concat(
        driver.flush(),
        defer(() => {
          const registration = ctx.registration;
          if (gen !== generation || !registration || !isRegistered()) return EMPTY;
          return sendMessage(ctx, { type: 'oadrPoll', venID: registration.venID }).pipe(
            concatMap((answer) => pollAnswer(gen, answer)),
            catchError((error: unknown) => {
              if (gen !== generation) return EMPTY;
              report(error);
              immediatePolls = 0;
              if (isVenError(error) && error.code === 'decode') {
                scheduleNextPoll(gen);
                return EMPTY;
              }
              pollFailures += 1;
              pollDueAt = undefined;
              const delayMs = retryDelay(retry, pollFailures, options.random);
              setStatus({ state: 'backoff', phase: 'poll', attempt: pollFailures, delayMs, cause: error instanceof Error ? error : new Error(String(error)) });
              sleep(delayMs, () => poll(gen));
              return EMPTY;
            }),
          );
        }),
      );
    });

  /**
   * After (re-)registration or on resume: METADATA (§1.6, §10 item 5), event sync (oadrRequestEvent),
   * owed records, a poll at once; the wait after it puts the periodic polls at the VEN's phase (`pollPhase`).
   */
  const afterRegistration = (gen: number, renewed: boolean): Observable<unknown> =>
    concat(
      defer(() => {
        if (gen !== generation) return EMPTY;
        if (renewed) options.reports.reregistered?.(reportContext());
        return sendReportMessages(options.reports.registered(reportContext()), options.reports, reportContext, (m) => watched(m)).pipe(
          catchError((error: unknown) => (report(error), EMPTY)),
        );
      }),
      defer(() =>
        gen !== generation
          ? EMPTY
          : sendMessage(ctx, { type: 'oadrRequestEvent', eiRequestEvent: { requestID: ctx.ids('req'), venID: currentVenID(ctx) } }).pipe(
              concatMap((answer) => {
                if (answer?.message.type === 'oadrResponse' && !/^2\d\d$/.test(answer.message.eiResponse.responseCode)) {
                  refused('oadrRequestEvent', answer.message);
                  return EMPTY;
                }
                return answer ? dispatch(answer) : EMPTY;
              }),
              // A failed sync must not end the loop: polling goes on (with its own backoff) and the VTN redistributes.
              catchError((error: unknown) => (report(error), EMPTY)),
            ),
      ),
      defer(() => {
        if (gen !== generation || ctx.stopped) return EMPTY;
        phasing = true;
        ctx.enqueue(poll(gen));
        return EMPTY;
      }),
    );

  const registrationVerdict = (answer: Inbound | undefined): ExchangeVerdict => {
    const message = answer?.message;
    if (message?.type === 'oadrCreatedPartyRegistration') {
      const { responseCode, responseDescription } = message.eiResponse;
      return classifyCode(responseCode, responseDescription, message);
    }
    return classifyExchange('oadrCreatedPartyRegistration', { answer: message });
  };

  const register = (attempt: number, mode: Mode): Observable<unknown> =>
    defer(() => {
      const gen = generation;
      setStatus({ state: 'registering', attempt });
      const held = mode === 'held' ? ctx.registration : undefined;
      const ids = held ? { venID: held.venID, registrationID: held.registrationID } : { venID: options.venId };
      if (attempt === 1) {
        lastRegistrationAt = scheduler.now();
        registrationStreak += 1;
      }
      const query$ = held ? EMPTY : sendMessage(ctx, { type: 'oadrQueryRegistration', requestID: ctx.ids('req') });
      return concat(
        query$.pipe(concatMap(() => EMPTY)),
        defer(() => sendMessage(ctx, createPartyRegistration(options, ctx.ids('req'), ids))),
      ).pipe(
        concatMap((answer) => {
          if (gen !== generation) return EMPTY;
          const message = answer?.message;
          if (message?.type === 'oadrCreatedPartyRegistration' && /^2\d\d$/.test(message.eiResponse.responseCode)) {
            const result = readRegistration(message, ids.venID, options.defaultPollFrequencyMs);
            if (!result.ok) throw result.error;
            if (result.capped) logger.warn('the VTN asked for a poll interval above 24 h; polling every 24 h', {});
            return succeeded(gen, result.registration);
          }
          const verdict = registrationVerdict(answer);
          // Signed VTNs answer 463 to a re-registration that carries a venID they forgot: start afresh.
          if (held && (verdict.kind === 'reconcile' || verdict.kind === 'terminal')) {
            const code = 'responseCode' in verdict ? verdict.responseCode : undefined;
            report(new VenError('registration-rejected', `the VTN refused the held registration (${verdict.reason}); registering afresh without the old IDs`, code ? { responseCode: code } : {}));
            return register(attempt + 1, 'fresh');
          }
          const code = 'responseCode' in verdict ? verdict.responseCode : undefined;
          throw new VenError(
            'registration-rejected',
            message?.type === 'oadrCreatedPartyRegistration' ? `the VTN refused the registration: ${message.eiResponse.responseCode} ${message.eiResponse.responseDescription ?? ''}`.trim() : `expected oadrCreatedPartyRegistration, got ${message ? message.type : 'an empty answer'}`,
            code ? { responseCode: code } : {},
          );
        }),
        catchError((error: unknown) => {
          if (gen !== generation) return EMPTY;
          report(error);
          const delayMs = retryDelay(retry, attempt, options.random);
          setStatus({ state: 'backoff', phase: 'registration', attempt, delayMs, cause: error instanceof Error ? error : new Error(String(error)) });
          sleep(delayMs, () => register(attempt + 1, mode));
          return EMPTY;
        }),
      );
    });

  const succeeded = (gen: number, registration: RegistrationState): Observable<unknown> => {
    const renewed = renewing;
    ctx.registration = registration;
    reconciling = false;
    renewing = false;
    cancelled = false;
    ctx.persist();
    pollFailures = 0;
    immediatePolls = 0;
    registered('registered');
    // Everything still owed is sent again now, addressed with the (possibly new) venID.
    ctx.ledger.rescheduleAll(scheduler.now());
    driver.kick();
    return afterRegistration(gen, renewed);
  };

  const restart = (): void => {
    generation += 1;
    wakeup?.unsubscribe();
    wakeup = undefined;
  };

  /** The delay before the next registration: the retry policy over registrations in quick succession, plus the start jitter. */
  const pace = (): number => {
    const now = scheduler.now();
    const since = lastRegistrationAt === undefined ? Infinity : now - lastRegistrationAt;
    if (since > retry.maxMs) registrationStreak = 0;
    const wait = registrationStreak === 0 ? 0 : Math.max(0, retryDelay(retry, registrationStreak, options.random) - since);
    return wait + jitter();
  };

  const registerSoon = (mode: Mode): void => {
    restart();
    const delayMs = pace();
    if (delayMs <= 0) ctx.enqueue(register(1, mode));
    else {
      setStatus({ state: 'backoff', phase: 'registration', attempt: 1, delayMs, cause: new Error('waiting before registering again (paced by the retry policy)') });
      sleep(delayMs, () => register(1, mode));
    }
  };

  function reconcile(reason: string): void {
    // Answered, but one re-registration at a time; none once the registration was cancelled.
    if (ctx.stopped || cancelled || reconciling) return;
    logger.warn(`reconciling with the VTN: ${reason}`, {});
    reconciling = true;
    renewing = true;
    registerSoon(ctx.registration ? 'held' : 'fresh');
  }

  function reregister(): void {
    if (ctx.stopped) return;
    if (!ctx.registration || cancelled) {
      cancelled = false;
      reconciling = true;
      renewing = false;
      registerSoon('fresh');
      return;
    }
    reconciling = true;
    renewing = true;
    registerSoon('held');
  }

  function dropRegistration(by: 'vtn' | 'ven'): void {
    restart();
    reconciling = false;
    cancelled = true;
    options.reports.registrationEnded?.();
    ctx.registration = undefined;
    ctx.events.clear();
    ctx.persist();
    setStatus({ state: 'cancelled', by });
    driver.kick();
  }

  /** Resume from the store: ask the VTN whether it still knows the VEN as stored (§3.1), then go on or reconcile. */
  const resume = (gen: number, held: RegistrationState): Observable<unknown> =>
    concat(
      sendMessage(ctx, { type: 'oadrQueryRegistration', requestID: ctx.ids('req') }).pipe(
        concatMap((answer) => {
          const message = answer?.message;
          if (message?.type === 'oadrCreatedPartyRegistration') {
            const { responseCode, responseDescription } = message.eiResponse;
            // The VTN names the VEN's IDs only when it knows the VEN (§3.1); other IDs, or a refusal, disagree.
            const otherIDs = (message.registrationID !== undefined && message.registrationID !== held.registrationID) || (message.venID !== undefined && message.venID !== held.venID);
            const refusal = !/^2\d\d$/.test(responseCode) && classifyCode(responseCode, responseDescription, message).kind === 'reconcile';
            if (otherIDs || refusal) {
              const what = otherIDs ? `registrationID ${message.registrationID ?? '-'}, venID ${message.venID ?? '-'}` : responseCode;
              reconcile(`the VTN's answer to oadrQueryRegistration (${what}) disagrees with the stored registration`);
            }
          } else if (message?.type === 'oadrResponse' && !/^2\d\d$/.test(message.eiResponse.responseCode)) refused('oadrQueryRegistration', message);
          return EMPTY;
        }),
        // Unreachable VTN: carry on; the poll loop backs off and finds out.
        catchError((error: unknown) => (report(error), EMPTY)),
      ),
      defer(() => (gen === generation ? afterRegistration(gen, false) : EMPTY)),
    );

  return {
    start() {
      const held = ctx.registration;
      if (held) {
        registered('registered');
        driver.kick();
        const gen = generation;
        const delayMs = jitter();
        if (delayMs > 0) sleep(delayMs, () => resume(gen, held));
        else ctx.enqueue(resume(gen, held));
        return;
      }
      reconciling = true;
      const delayMs = jitter();
      if (delayMs > 0) sleep(delayMs, () => register(1, 'fresh'));
      else ctx.enqueue(register(1, 'fresh'));
    },
    reregister,
    reconcile,
    dropRegistration,
    registered: isRegistered,
    stop: restart,
    dispatch,
    send: watched,
  };
}
