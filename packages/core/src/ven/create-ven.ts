import { BehaviorSubject, EMPTY, Subject, catchError, concatMap, distinctUntilChanged, type Observable, type Subscription } from 'rxjs';
import { encodeMessage } from '../codec/decode-message.js';
import type { OadrMessage } from '../model/message.js';
import type { DecisionOperator } from './decision.js';
import { createDecisionRunner } from './decision-runner.js';
import { createEngineReportHost } from './engine-report-host.js';
import { createEventEngine } from './event-engine.js';
import type { EventSnapshot } from './event-snapshot.js';
import { createIdSource } from './id-source.js';
import { createOptService } from './opt-service.js';
import type { OptRecord } from './opt-record.js';
import type { CreateOptRequest } from './opt-request.js';
import { createVenChannel } from './ven-channel.js';
import { currentVenID, runQueued, sendMessage, type VenContext } from './ven-context.js';
import { VenError, isVenError, venErrorData } from './ven-error.js';
import { createVenLoop } from './ven-loop.js';
import { resolveVenOptions, type VenOptions } from './ven-options.js';
import type { VenStatus } from './ven-status.js';
import { EMPTY_VEN_STATE, type RegistrationState } from './ven-store.js';

/** A running OpenADR 2.0b VEN (see {@link createVen}). */
export interface Ven {
  /** The current status first, then every change (idle, registering, registered, polling, backoff, cancelled, stopped). */
  readonly status$: Observable<VenStatus>;
  /** The current events first, then a snapshot whenever an event changes or crosses a status or interval boundary (§4.5). */
  readonly events$: Observable<EventSnapshot>;
  /** Every message decoded from the VTN: answers, polled and pushed messages. */
  readonly messages$: Observable<OadrMessage>;
  /** Every problem the VEN survived: transport failures, bad documents, decision failures, rejected events. */
  readonly errors$: Observable<VenError>;
  /** The opts the VEN created, with their state (§6). */
  readonly opts$: Observable<readonly OptRecord[]>;
  readonly status: VenStatus;
  readonly registration: RegistrationState | undefined;
  /** Sets the decision operator for events from now on (STYLE.md rule 5). */
  decide(operator: DecisionOperator): void;
  /** Registers (or resumes a stored registration), syncs events and polls. Once. */
  start(): void;
  /** Finishes the exchange in flight, then ends: no timers, no subscriptions, streams complete. Final. */
  stop(): Promise<void>;
  /** Registers again with the current IDs, as after oadrRequestReregistration (§3.1). */
  reregister(): void;
  /** oadrCancelPartyRegistration from the VEN; on 200 drops the registration (status `cancelled`). */
  cancelRegistration(): Promise<void>;
  /** oadrCreateOpt (§6); resolves on oadrCreatedOpt 200, rejects with `VenError('opt-rejected')` carrying the VTN's code. */
  createOpt(request: CreateOptRequest): Promise<OptRecord>;
  /** oadrCancelOpt (§6); resolves on oadrCanceledOpt 200. */
  cancelOpt(optID: string): Promise<OptRecord>;
}

/**
 * Creates a VEN. Options are checked here, once: contradictory or missing settings throw
 * `VenError('config')`, and an unreadable store throws `VenError('store')`. Nothing is sent
 * before `start()`. Everything that waits or reads the time uses `options.scheduler`.
 *
 * @example
 * const ven = createVen({ venName: 'site-42', transport, decide: (e$) => e$.pipe(map(optIn)) });
 * ven.status$.subscribe(console.log);
 * ven.start();
 */
export function createVen(venOptions: VenOptions): Ven {
  const options = resolveVenOptions(venOptions);
  const stored = options.store.load() ?? EMPTY_VEN_STATE;
  const messages = new Subject<OadrMessage>();
  const jobs = new Subject<Observable<unknown>>();
  let operator = options.decide;
  let started = false;
  let queue: Subscription | undefined;
  let inbound: Subscription | undefined;
  let stopping: Promise<void> | undefined;
  let reportsSlot = stored.reports;
  let reportsAttachment: Subscription | undefined;

  const ctx: VenContext = {
    options,
    channel: createVenChannel(options.transport, (m) => messages.next(m)),
    events: undefined as never,
    ids: createIdSource(options.scheduler, options.random),
    status: new BehaviorSubject<VenStatus>({ state: 'idle' }),
    errors: new Subject<VenError>(),
    opts: new BehaviorSubject<readonly OptRecord[]>(stored.opts),
    registration: stored.registration,
    stopped: false,
    enqueue: (work) => jobs.next(work),
    persist: () => {
      try {
        options.store.save({ version: 1, registration: ctx.registration, events: ctx.events.records(), opts: ctx.opts.value, reports: reportsSlot });
      } catch (error) {
        ctx.errors.next(isVenError(error) ? error : new VenError('store', 'cannot save the VEN state', { cause: error }));
      }
    },
  };
  // Every problem reaches the logger once, with its codes, so it is not silent for a user who does not subscribe to errors$.
  ctx.errors.subscribe((error) => options.logger.warn(error.message, venErrorData(error)));
  const decisions = createDecisionRunner({
    operator: () => operator,
    defaultDecision: options.defaultDecision,
    deadlineMs: options.decisionDeadlineMs,
    scheduler: options.scheduler,
    onChange: (decision) => ctx.events.change(decision),
    onError: (error) => ctx.errors.next(error),
  });
  (ctx as { events: VenContext['events'] }).events = createEventEngine({
    scheduler: options.scheduler,
    random: options.random,
    checks: () => ({ venID: currentVenID(ctx), marketContexts: options.marketContexts, targets: options.targets }),
    vtnID: () => ctx.registration?.vtnID,
    decisions,
    send: (message) => sendMessage(ctx, message),
    enqueue: ctx.enqueue,
    changed: () => ctx.persist(),
  });
  ctx.events.restore(stored.events);
  const loop = createVenLoop(ctx);
  const opts = createOptService(ctx);

  const listenForPushes = (): Subscription | undefined =>
    options.transport.inbound$?.subscribe((exchange) => {
      let decoded;
      try {
        decoded = ctx.channel.decode(exchange.body);
      } catch (error) {
        ctx.errors.next(isVenError(error) ? error : new VenError('decode', String(error), { cause: error }));
        exchange.reject(400, 'not a valid OpenADR 2.0b document');
        return;
      }
      // §1.7: acknowledge in the HTTP answer, then send the real replies as POSTs (as [AV] does).
      exchange.respond(encodeMessage({ type: 'oadrResponse', eiResponse: { responseCode: '200', responseDescription: 'OK', requestID: '' }, venID: currentVenID(ctx) }));
      ctx.enqueue(loop.dispatch(decoded));
    });

  return {
    status$: ctx.status.pipe(distinctUntilChanged()),
    events$: ctx.events.events$,
    messages$: messages.asObservable(),
    errors$: ctx.errors.asObservable(),
    opts$: ctx.opts.asObservable(),
    get status() {
      return ctx.status.value;
    },
    get registration() {
      return ctx.registration;
    },
    decide(op) {
      operator = op;
    },
    start() {
      if (started || ctx.stopped) return;
      started = true;
      queue = jobs
        .pipe(concatMap((job) => (ctx.stopped ? EMPTY : job.pipe(catchError((error: unknown) => (ctx.errors.next(isVenError(error) ? error : new VenError('transport', String(error), { cause: error })), EMPTY))))))
        .subscribe();
      inbound = listenForPushes();
      reportsAttachment = options.reports.attach?.(createEngineReportHost(ctx, { get: () => reportsSlot, set: (value) => (reportsSlot = value) }));
      loop.start();
    },
    stop() {
      if (stopping) return stopping;
      reportsAttachment?.unsubscribe();
      ctx.stopped = true;
      loop.stop();
      inbound?.unsubscribe();
      ctx.events.stop();
      stopping = new Promise<void>((resolve) => {
        const finish = (): void => {
          ctx.status.next({ state: 'stopped' });
          for (const subject of [ctx.status, ctx.errors, ctx.opts, messages]) subject.complete();
          resolve();
        };
        if (!queue) return finish();
        queue.add(finish);
        jobs.complete();
      });
      return stopping;
    },
    reregister: () => loop.reregister(),
    cancelRegistration: () =>
      runQueued(
        ctx,
        sendMessage(ctx, { type: 'oadrCancelPartyRegistration', requestID: ctx.ids('req'), registrationID: ctx.registration?.registrationID ?? '', venID: currentVenID(ctx) }).pipe(
          concatMap(async (answer) => {
            const reply = answer?.message;
            if (reply?.type !== 'oadrCanceledPartyRegistration' || reply.eiResponse.responseCode !== '200') {
              const code = reply?.type === 'oadrCanceledPartyRegistration' ? reply.eiResponse.responseCode : undefined;
              throw new VenError('registration-rejected', `cancelRegistration: the VTN answered ${reply ? `${reply.type} ${code ?? ''}` : 'nothing'}`, code ? { responseCode: code } : {});
            }
            loop.dropRegistration('ven');
          }),
        ),
      ),
    createOpt: (request) => opts.create(request),
    cancelOpt: (optID) => opts.cancel(optID),
  };
}
