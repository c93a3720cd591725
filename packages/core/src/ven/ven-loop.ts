import { EMPTY, concat, concatMap, defer, catchError, tap, type Observable } from 'rxjs';
import { classifyCode, responseOf } from '../ledger/retry-policy.js';
import type { MessageOf, OadrMessage } from '../model/message.js';
import type { OadrService } from '../transport/transport.js';
import type { LedgerDriver } from './ledger-driver.js';
import { createLoopKit } from './loop-kit.js';
import { createPollCycle } from './poll-cycle.js';
import { createRegistrationAttempts } from './registration-attempts.js';
import { sendReportMessages } from './report-handler.js';
import type { Inbound } from './ven-channel.js';
import { currentVenID, sendMessage, type VenContext } from './ven-context.js';
import { VenError } from './ven-error.js';
import type { RegistrationState } from './ven-store.js';
import { dispatchVtnMessage } from './vtn-dispatch.js';

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
  const { scheduler, logger } = options;
  const kit = createLoopKit(ctx);
  const { report, setStatus, jitter } = kit;
  // A registration is underway: owed records that need one wait.
  let reconciling = false;
  // The registration underway renews an earlier one (the report module ends requests not renewed).
  let renewing = false;
  let cancelled = false;

  const reportContext = () => ({ venID: currentVenID(ctx), now: new Date(scheduler.now()) });
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

  const polls = createPollCycle(kit, { driver, registered: isRegistered, dispatch, refused });

  /**
   * After (re-)registration or on resume: METADATA (§1.6, §10 item 5), event sync (oadrRequestEvent),
   * owed records, a poll at once; the wait after it puts the periodic polls at the VEN's phase (`pollPhase`).
   */
  const afterRegistration = (gen: number, renewed: boolean): Observable<unknown> =>
    concat(
      defer(() => {
        if (gen !== kit.generation()) return EMPTY;
        if (renewed) options.reports.reregistered?.(reportContext());
        return sendReportMessages(options.reports.registered(reportContext()), options.reports, reportContext, (m) => watched(m)).pipe(
          catchError((error: unknown) => (report(error), EMPTY)),
        );
      }),
      defer(() =>
        gen !== kit.generation()
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
        if (gen !== kit.generation() || ctx.stopped) return EMPTY;
        polls.phase();
        ctx.enqueue(polls.poll(gen));
        return EMPTY;
      }),
    );

  const succeeded = (gen: number, registration: RegistrationState): Observable<unknown> => {
    const renewed = renewing;
    ctx.registration = registration;
    reconciling = false;
    renewing = false;
    cancelled = false;
    ctx.persist();
    polls.reset();
    kit.announce('registered');
    // Everything still owed is sent again now, addressed with the (possibly new) venID.
    ctx.ledger.rescheduleAll(scheduler.now());
    driver.kick();
    return afterRegistration(gen, renewed);
  };

  const registrations = createRegistrationAttempts(kit, { succeeded });

  function reconcile(reason: string): void {
    // Answered, but one re-registration at a time; none once the registration was cancelled.
    if (ctx.stopped || cancelled || reconciling) return;
    logger.warn(`reconciling with the VTN: ${reason}`, {});
    reconciling = true;
    renewing = true;
    registrations.registerSoon(ctx.registration ? 'held' : 'fresh');
  }

  function reregister(): void {
    if (ctx.stopped) return;
    if (!ctx.registration || cancelled) {
      cancelled = false;
      reconciling = true;
      renewing = false;
      registrations.registerSoon('fresh');
      return;
    }
    reconciling = true;
    renewing = true;
    registrations.registerSoon('held');
  }

  function dropRegistration(by: 'vtn' | 'ven'): void {
    kit.restart();
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
      defer(() => (gen === kit.generation() ? afterRegistration(gen, false) : EMPTY)),
    );

  return {
    start() {
      const held = ctx.registration;
      if (held) {
        kit.announce('registered');
        driver.kick();
        const gen = kit.generation();
        const delayMs = jitter();
        if (delayMs > 0) kit.sleep(delayMs, () => resume(gen, held));
        else ctx.enqueue(resume(gen, held));
        return;
      }
      reconciling = true;
      const delayMs = jitter();
      if (delayMs > 0) kit.sleep(delayMs, () => registrations.register(1, 'fresh'));
      else ctx.enqueue(registrations.register(1, 'fresh'));
    },
    reregister,
    reconcile,
    dropRegistration,
    registered: isRegistered,
    stop: () => kit.restart(),
    dispatch,
    send: watched,
  };
}
