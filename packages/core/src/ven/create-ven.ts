import { BehaviorSubject, Subject, concatMap, distinctUntilChanged, map, merge, type Observable, type Subscription } from 'rxjs';
import { controlStream } from '../control/control-stream.js';
import type { ControlValue } from '../control/control-value.js';
import { createPartialParticipation, withPartialParticipation } from '../control/partial-participation.js';
import { targetedSnapshot } from '../control/targeted-snapshot.js';
import { VEN_RESOURCE_ID, type ResourceTargeting } from '../control/ven-resource.js';
import { encodeMessage } from '../codec/decode-message.js';
import { createLedger } from '../ledger/create-ledger.js';
import type { Ledger } from '../ledger/ledger.js';
import { createMemoryJournal, type LedgerJournal } from '../ledger/ledger-journal.js';
import type { LedgerChange } from '../ledger/obligation.js';
import type { OadrMessage } from '../model/message.js';
import { scheduleClamped } from '../time/clamped-timer.js';
import { createdEventObligation } from './created-event.js';
import { createLedgerDriver } from './ledger-driver.js';
import { createWorkQueue } from './work-queue.js';
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
import { currentVenID, owe, runQueued, sendMessage, type VenContext } from './ven-context.js';
import { VenError, isVenError, venErrorData } from './ven-error.js';
import { createVenLoop } from './ven-loop.js';
import { resolveVenOptions, type VenOptions } from './ven-options.js';
import type { VenStatus } from './ven-status.js';
import { EMPTY_VEN_STATE, type RegistrationState } from './ven-store.js';

/**
 * What the VEN owes the VTN, as users see it (docs/ledger.md): the pending records, counters
 * over the VEN's lifetime (persisted), and every change.
 *
 * @example
 * ven.ledger.counters$.subscribe((c) => metrics.gauge('owed', c.pending));
 * ven.obligations$.pipe(filter((c) => c.record.state === 'failed')).subscribe((c) => alert(c.record.lastError));
 */
export type VenLedger = Pick<Ledger, 'pending' | 'counters' | 'counters$' | 'changes$'>;

/** A running OpenADR 2.0b VEN (see {@link createVen}). */
export interface Ven {
  /** The current status first, then every change (idle, registering, registered, polling, backoff, cancelled, stopped). */
  readonly status$: Observable<VenStatus>;
  /** The current events first, then a snapshot whenever an event changes or crosses a status or interval boundary (§4.5). */
  readonly events$: Observable<EventSnapshot>;
  /**
   * The value in force now for every resource and signal (signalName + signalType + unit): the
   * current values first, then every change — at interval, ramp-up and recovery boundaries, and at
   * once on a modification, cancellation, opt change or registration loss (see {@link ControlValue}).
   * Only events the VEN opted in to drive it, per resource (§6 partial participation); test events
   * only with `includeTestEvents`; overlaps resolved by rule 18.
   *
   * @example
   * ven.control$.subscribe((c) => console.log(c.resourceID, c.signal.signalName, c.phase, c.value, c.event?.eventID));
   */
  readonly control$: Observable<ControlValue>;
  /** Every message decoded from the VTN: answers, polled and pushed messages. */
  readonly messages$: Observable<OadrMessage>;
  /** Every problem the VEN survived: transport failures, bad documents, decision failures, rejected events. */
  readonly errors$: Observable<VenError>;
  /** The opts the VEN created, with their state (§6). */
  readonly opts$: Observable<readonly OptRecord[]>;
  /** Every change of an owed message: added (pending), settled, failed, superseded, dropped (`ledger.changes$`). */
  readonly obligations$: Observable<LedgerChange>;
  /** The obligations ledger: what the VEN still owes, and counters (docs/ledger.md). */
  readonly ledger: VenLedger;
  readonly status: VenStatus;
  readonly registration: RegistrationState | undefined;
  /** Sets the decision operator for events from now on (STYLE.md rule 5). */
  decide(operator: DecisionOperator): void;
  /** Registers (or resumes a stored registration), syncs events and polls. Once. */
  start(): void;
  /**
   * Finishes the exchange in flight (abandoned after `stopTimeoutMs`, default 5 s on the
   * scheduler), saves the state and the ledger, closes the transport (`transport.close`), then
   * ends: no timers, no subscriptions, streams complete. Always resolves. Final. Records still
   * owed stay in the store and are sent after the next start.
   */
  stop(): Promise<void>;
  /**
   * Registers again with the current IDs, as after oadrRequestReregistration (§3.1), falling
   * back to a fresh registration if the VTN refuses them; after a cancellation (status
   * `cancelled`) or without a registration, registers afresh. Paced by the retry policy.
   */
  reregister(): void;
  /** The same as `reregister()`: the way out of status `cancelled`. */
  register(): void;
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
  let operator = options.decide;
  let started = false;
  let inbound: Subscription | undefined;
  let stopping: Promise<void> | undefined;
  let reportsSlot = stored.reports;
  let reportsAttachment: Subscription | undefined;

  // A store without its own journal keeps the ledger inside the state it saves (a whole-state save per change).
  const inState = options.store.journal === undefined;
  const stateJournal = createMemoryJournal(stored.ledger ?? []);
  const journal: LedgerJournal = options.store.journal ?? {
    load: () => stateJournal.load(),
    append: (ops) => {
      stateJournal.append(ops);
      ctx.persist();
    },
  };
  const errors = new Subject<VenError>();
  const queue = createWorkQueue((error) => errors.next(isVenError(error) ? error : new VenError('transport', String(error), { cause: error })));
  const ledger = createLedger({ scheduler: options.scheduler, policy: options.retry, random: options.random, bounds: options.ledgerBounds, journal, source: 'the VEN store' });
  // Every record added, and every reschedule, wakes the driver (also records the report module adds).
  const { complete: _complete, ...ledgerView } = ledger;
  const kickingLedger: Ledger = {
    ...ledgerView,
    get counters() {
      return ledger.counters;
    },
    add: (record) => {
      const added = ledger.add(record);
      driver.kick();
      return added;
    },
    rescheduleAll: (at) => {
      ledger.rescheduleAll(at);
      driver.kick();
    },
  };

  const ctx: VenContext = {
    options,
    channel: createVenChannel(options.transport, (m) => messages.next(m)),
    events: undefined as never,
    ids: createIdSource(options.scheduler, options.random),
    status: new BehaviorSubject<VenStatus>({ state: 'idle' }),
    errors,
    opts: new BehaviorSubject<readonly OptRecord[]>(stored.opts),
    ledger: kickingLedger,
    registration: stored.registration,
    stopped: false,
    enqueue: (work) => queue.enqueue(work),
    persist: () => {
      try {
        options.store.save({
          version: 2,
          registration: ctx.registration,
          events: ctx.events.records(),
          opts: ctx.opts.value,
          reports: reportsSlot,
          ...(inState ? { ledger: [...stateJournal.entries] } : {}),
        });
      } catch (error) {
        ctx.errors.next(isVenError(error) ? error : new VenError('store', 'cannot save the VEN state', { cause: error }));
      }
    },
  };
  // Every problem reaches the logger once, with its codes, so it is not silent for a user who does not subscribe to errors$.
  ctx.errors.subscribe((error) => options.logger.warn(error.message, venErrorData(error)));
  const targeting = (): ResourceTargeting => ({ resources: options.resources ?? [{ resourceID: VEN_RESOURCE_ID }], venID: currentVenID(ctx), venTargets: options.venTargets });
  const partial = createPartialParticipation({
    records: () => ctx.events.records(),
    opts: () => ctx.opts.value,
    targeting,
    createOpt: (request) => opts.create(request),
    onError: (error) => ctx.errors.next(error),
    now: () => options.scheduler.now(),
  });
  const runner = createDecisionRunner({
    operator: () => withPartialParticipation(operator, partial),
    defaultDecision: options.defaultDecision,
    deadlineMs: options.decisionDeadlineMs,
    scheduler: options.scheduler,
    onChange: (decision) => ctx.events.change(decision),
    onError: (error) => ctx.errors.next(error),
  });
  const decisions: typeof runner = { ...runner, ask: (snapshot) => runner.ask(targetedSnapshot(snapshot, targeting())) };
  (ctx as { events: VenContext['events'] }).events = createEventEngine({
    scheduler: options.scheduler,
    random: options.random,
    checks: () => ({ venID: currentVenID(ctx), marketContexts: options.marketContexts, targets: options.ownTargets() }),
    vtnID: () => ctx.registration?.vtnID,
    decisions,
    answer: (message) => owe(ctx, createdEventObligation(message)),
    answered: (eventID, modificationNumber) => partial.answered(eventID, modificationNumber),
    changed: () => ctx.persist(),
    error: (e) => ctx.errors.next(e),
  });
  ctx.events.restore(stored.events);
  const driver = createLedgerDriver(ctx, { registered: () => loop.registered(), reconcile: (reason) => loop.reconcile(reason) });
  const loop = createVenLoop(ctx, driver);
  const opts = createOptService(ctx, driver);

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
    events$: ctx.events.events$.pipe(map((snapshot) => targetedSnapshot(snapshot, targeting()))),
    control$: controlStream({
      scheduler: options.scheduler,
      records: () => ctx.events.records(),
      opts: () => [...ctx.opts.value, ...partial.queued()],
      targeting,
      includeTestEvents: options.includeTestEvents,
      registered: () => ctx.registration !== undefined,
      changes$: merge(ctx.events.events$, ctx.opts, ctx.status),
    }),
    messages$: messages.asObservable(),
    errors$: ctx.errors.asObservable(),
    opts$: ctx.opts.asObservable(),
    obligations$: ledger.changes$,
    ledger: {
      pending: () => ledger.pending(),
      get counters() {
        return ledger.counters;
      },
      counters$: ledger.counters$,
      changes$: ledger.changes$,
    },
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
      inbound = listenForPushes();
      reportsAttachment = options.reports.attach?.(createEngineReportHost(ctx, { get: () => reportsSlot, set: (value) => (reportsSlot = value) }, { driver, registered: () => loop.registered(), send: (m) => loop.send(m) }));
      loop.start();
      queue.start();
    },
    stop() {
      if (stopping) return stopping;
      reportsAttachment?.unsubscribe();
      ctx.stopped = true;
      loop.stop();
      driver.stop();
      opts.stop();
      inbound?.unsubscribe();
      ctx.events.stop();
      stopping = (async () => {
        // The exchange in flight may finish; one that hangs is abandoned after the bound.
        let bound: Subscription | undefined;
        await Promise.race([queue.close(), new Promise<void>((resolve) => (bound = scheduleClamped(options.scheduler, resolve, options.stopTimeoutMs)))]);
        bound?.unsubscribe();
        queue.abort();
        ctx.persist();
        try {
          options.store.journal?.close?.();
          await options.transport.close?.();
        } catch (error) {
          ctx.errors.next(isVenError(error) ? error : new VenError('transport', `closing the transport: ${String(error)}`, { cause: error }));
        }
        ctx.status.next({ state: 'stopped' });
        for (const subject of [ctx.status, ctx.errors, ctx.opts, messages]) subject.complete();
        ledger.complete();
      })();
      return stopping;
    },
    reregister: () => loop.reregister(),
    register: () => loop.reregister(),
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
