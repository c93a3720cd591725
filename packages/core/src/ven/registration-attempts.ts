import { EMPTY, concat, concatMap, defer, catchError, type Observable } from 'rxjs';
import { classifyCode, classifyExchange, retryDelay, type ExchangeVerdict } from '../ledger/retry-policy.js';
import type { LoopKit } from './loop-kit.js';
import { createPartyRegistration, readRegistration } from './registration.js';
import type { Inbound } from './ven-channel.js';
import { sendMessage } from './ven-context.js';
import { VenError } from './ven-error.js';
import type { RegistrationState } from './ven-store.js';

/** A registration attempt: with the IDs the VEN holds, or fresh without them (reconciliation). */
export type RegistrationMode = 'held' | 'fresh';

/** The registrations of one VEN (§3.1), part of the VEN loop (internal). */
export interface RegistrationAttempts {
  /** One attempt (oadrQueryRegistration first when fresh); retried with the retry policy until the VTN registers the VEN. */
  register(attempt: number, mode: RegistrationMode): Observable<unknown>;
  /** Restarts the loop and registers once the pacing allows. */
  registerSoon(mode: RegistrationMode): void;
}

function registrationVerdict(answer: Inbound | undefined): ExchangeVerdict {
  const message = answer?.message;
  if (message?.type === 'oadrCreatedPartyRegistration') {
    const { responseCode, responseDescription } = message.eiResponse;
    return classifyCode(responseCode, responseDescription, message);
  }
  return classifyExchange('oadrCreatedPartyRegistration', { answer: message });
}

/**
 * Creates the registration attempts. A held registration the VTN refuses (463 from signed VTNs
 * that forgot the venID, or any 4xx) is tried again fresh at once; other failures back off. Each
 * registration within `retry.maxMs` of the previous one waits longer (pacing), plus the start jitter.
 */
export function createRegistrationAttempts(kit: LoopKit, deps: { succeeded(gen: number, registration: RegistrationState): Observable<unknown> }): RegistrationAttempts {
  const { ctx, report, setStatus } = kit;
  const { options } = ctx;
  const { scheduler, logger, retry } = options;
  // Pacing of registrations: each one within `retry.maxMs` of the previous waits longer.
  let lastRegistrationAt: number | undefined;
  let registrationStreak = 0;

  const register = (attempt: number, mode: RegistrationMode): Observable<unknown> =>
    defer(() => {
      const gen = kit.generation();
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
          if (gen !== kit.generation()) return EMPTY;
          const message = answer?.message;
          if (message?.type === 'oadrCreatedPartyRegistration' && /^2\d\d$/.test(message.eiResponse.responseCode)) {
            const result = readRegistration(message, ids.venID, options.defaultPollFrequencyMs);
            if (!result.ok) throw result.error;
            if (result.capped) logger.warn('the VTN asked for a poll interval above 24 h; polling every 24 h', {});
            return deps.succeeded(gen, result.registration);
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
          if (gen !== kit.generation()) return EMPTY;
          report(error);
          const delayMs = retryDelay(retry, attempt, options.random);
          setStatus({ state: 'backoff', phase: 'registration', attempt, delayMs, cause: error instanceof Error ? error : new Error(String(error)) });
          kit.sleep(delayMs, () => register(attempt + 1, mode));
          return EMPTY;
        }),
      );
    });

  /** The delay before the next registration: the retry policy over registrations in quick succession, plus the start jitter. */
  const pace = (): number => {
    const now = scheduler.now();
    const since = lastRegistrationAt === undefined ? Infinity : now - lastRegistrationAt;
    if (since > retry.maxMs) registrationStreak = 0;
    const wait = registrationStreak === 0 ? 0 : Math.max(0, retryDelay(retry, registrationStreak, options.random) - since);
    return wait + kit.jitter();
  };

  return {
    register,
    registerSoon(mode) {
      kit.restart();
      const delayMs = pace();
      if (delayMs <= 0) ctx.enqueue(register(1, mode));
      else {
        setStatus({ state: 'backoff', phase: 'registration', attempt: 1, delayMs, cause: new Error('waiting before registering again (paced by the retry policy)') });
        kit.sleep(delayMs, () => register(1, mode));
      }
    },
  };
}
