import type { SchedulerLike, Subscription } from 'rxjs';
import type { MessageOf, OadrMessage, OadrMessageType, OptType } from '@rxadr/core';
import type { RecordedRequest, VtnRecorder } from './vtn-recorder.js';

/** Why an expectation failed: the deadline passed, or it was still open at `assertNoPendingExpectations`. */
export class VtnExpectationError extends Error {
  override readonly name = 'VtnExpectationError';
  constructor(
    readonly code: 'timeout' | 'unmet',
    message: string,
    /** Summaries of what arrived while the expectation waited. */
    readonly arrived: readonly string[],
  ) {
    super(message);
  }
}

/** Common options: the deadline in ms of scheduler time (default 10 000) and whether messages already recorded count. */
export interface ExpectOptions {
  readonly within?: number;
  /** Also match messages recorded before the call (oldest first). Default false: only what arrives next. */
  readonly past?: boolean;
}

/** What a VEN should send; each method resolves with the first matching message. */
export interface VtnExpect {
  /** Any message type, with an optional predicate. */
  message<T extends OadrMessageType>(type: T, options?: ExpectOptions & { readonly where?: (message: MessageOf<T>) => boolean; readonly description?: string }): Promise<MessageOf<T>>;
  /** oadrCreatedEvent with an eventResponse matching every given field (OPENADR.md §4.8). */
  createdEvent(options?: ExpectOptions & { readonly eventID?: string; readonly modificationNumber?: number; readonly optType?: OptType; readonly responseCode?: string; readonly venID?: string }): Promise<MessageOf<'oadrCreatedEvent'>>;
  /** oadrCreatePartyRegistration (OPENADR.md §3.1). */
  registration(options?: ExpectOptions & { readonly venName?: string }): Promise<MessageOf<'oadrCreatePartyRegistration'>>;
  /** oadrCreateOpt (OPENADR.md §6), optionally for one event. */
  createOpt(options?: ExpectOptions & { readonly optType?: OptType; readonly eventID?: string }): Promise<MessageOf<'oadrCreateOpt'>>;
  /** oadrUpdateReport carrying a report for `reportRequestID` (OPENADR.md §5.5). */
  updateReport(options?: ExpectOptions & { readonly reportRequestID?: string }): Promise<MessageOf<'oadrUpdateReport'>>;
}

/** Expectations plus the end-of-test check. */
export interface VtnExpectations {
  readonly expect: VtnExpect;
  /** Throws a `VtnExpectationError('unmet')` naming every expectation still waiting, and drops them (their timers too). */
  assertNoPendingExpectations(): void;
}

/** One line per message, with the fields tests usually filter on. */
export function summarize(request: RecordedRequest): string {
  const m = request.message;
  if (!m) return `${request.service}: ${request.rejected ? `refused (${request.rejected})` : '(undecodable)'}`;
  if (m.type === 'oadrCreatedEvent') {
    const answers = (m.eiCreatedEvent.eventResponses ?? []).map((r) => `${r.qualifiedEventID.eventID}#${r.qualifiedEventID.modificationNumber} ${r.optType} ${r.responseCode}`);
    return `oadrCreatedEvent(${answers.join(', ')})`;
  }
  return request.fault ? `${m.type} [${request.fault}]` : m.type;
}

interface Waiter {
  readonly description: string;
  readonly arrived: string[];
  fail(error: VtnExpectationError): void;
  /** Marks the promise handled, for failures the caller learns about by a throw instead. */
  silence(): void;
}

/**
 * Creates the expectation API of a mock VTN, in the spirit of undici's MockAgent: ask for what
 * the VEN should send and await it. Deadlines run on `scheduler`, so under a virtual clock an
 * expectation is checked as the clock advances and fails as soon as the clock passes its deadline.
 *
 * @example
 * const answer = vtn.expect.createdEvent({ eventID, optType: 'optIn', within: 30_000 });
 * clock.advanceBy(30_000);
 * await answer;
 */
export function createVtnExpectations(recorder: VtnRecorder, scheduler: SchedulerLike): VtnExpectations {
  const waiting = new Set<Waiter>();

  function wait<T extends OadrMessage>(description: string, match: (m: OadrMessage) => m is T, options: ExpectOptions = {}): Promise<T> {
    const within = options.within ?? 10_000;
    const earlier = options.past ? recorder.requests.find((r) => r.message && match(r.message))?.message : undefined;
    if (earlier) return Promise.resolve(earlier as T);
    let silence = (): void => undefined;
    const promise = new Promise<T>((resolve, reject) => {
      let subscription: Subscription | undefined;
      const waiter: Waiter = {
        description,
        arrived: [],
        fail(error) {
          done();
          reject(error);
        },
        silence: () => silence(),
      };
      const done = (): void => {
        waiting.delete(waiter);
        subscription?.unsubscribe();
        deadline.unsubscribe();
      };
      const deadline = scheduler.schedule(() => {
        const seen = waiter.arrived.length ? waiter.arrived.join('; ') : 'nothing';
        waiter.fail(new VtnExpectationError('timeout', `expected ${description} within ${within} ms; arrived instead: ${seen}`, waiter.arrived));
      }, within);
      waiting.add(waiter);
      subscription = recorder.requests$.subscribe((request) => {
        if (request.message && match(request.message)) {
          done();
          resolve(request.message);
        } else waiter.arrived.push(summarize(request));
      });
    });
    silence = () => void promise.catch(() => undefined);
    return promise;
  }

  const ofType =
    <T extends OadrMessageType>(type: T, where: (m: MessageOf<T>) => boolean = () => true) =>
    (m: OadrMessage): m is MessageOf<T> =>
      m.type === type && where(m as MessageOf<T>);
  const fields = (o: object): string => {
    const shown = Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'within' && k !== 'past');
    return shown.length ? ` {${shown.map(([k, v]) => `${k}: ${String(v)}`).join(', ')}}` : '';
  };

  const expect: VtnExpect = {
    message: (type, options = {}) => wait(`${type}${options.description ? ` (${options.description})` : ''}`, ofType(type, options.where), options),
    createdEvent: (options = {}) =>
      wait(
        `oadrCreatedEvent${fields(options)}`,
        ofType('oadrCreatedEvent', (m) =>
          (options.venID === undefined || m.eiCreatedEvent.venID === options.venID) &&
          (m.eiCreatedEvent.eventResponses ?? []).some(
            (r) =>
              (options.eventID === undefined || r.qualifiedEventID.eventID === options.eventID) &&
              (options.modificationNumber === undefined || r.qualifiedEventID.modificationNumber === options.modificationNumber) &&
              (options.optType === undefined || r.optType === options.optType) &&
              (options.responseCode === undefined || r.responseCode === options.responseCode),
          ),
        ),
        options,
      ),
    registration: (options = {}) => wait(`oadrCreatePartyRegistration${fields(options)}`, ofType('oadrCreatePartyRegistration', (m) => options.venName === undefined || m.oadrVenName === options.venName), options),
    createOpt: (options = {}) =>
      wait(
        `oadrCreateOpt${fields(options)}`,
        ofType('oadrCreateOpt', (m) => (options.optType === undefined || m.optType === options.optType) && (options.eventID === undefined || m.qualifiedEventID?.eventID === options.eventID)),
        options,
      ),
    updateReport: (options = {}) =>
      wait(`oadrUpdateReport${fields(options)}`, ofType('oadrUpdateReport', (m) => options.reportRequestID === undefined || (m.oadrReport ?? []).some((r) => r.reportRequestID === options.reportRequestID)), options),
  };

  return {
    expect,
    assertNoPendingExpectations() {
      if (waiting.size === 0) return;
      const open = [...waiting];
      const error = new VtnExpectationError('unmet', `${open.length} expectation(s) still pending: ${open.map((w) => w.description).join('; ')}`, open.flatMap((w) => w.arrived));
      for (const waiter of open) {
        waiter.silence();
        waiter.fail(error);
      }
      throw error;
    },
  };
}
