import { Observable, Subject, Subscription, concat, defer, from, type SchedulerLike } from 'rxjs';
import type { MessageOf } from '../model/message.js';
import type { OptType } from '../model/model-exports.js';
import { createdEvent, refusedDistribution, type EventAnswerLine } from './created-event.js';
import type { RejectedEvent } from './decode-distribution.js';
import type { Decision } from './decision.js';
import type { DecisionRunner } from './decision-runner.js';
import type { EventCheckConfig } from './event-checks.js';
import type { EventRecord, EventTable } from './event-record.js';
import { pruneEvents, recordAnswers, reduceDistribution } from './event-reducer.js';
import { eventSnapshot, nextBoundary } from './event-schedule.js';
import type { EventSnapshot } from './event-snapshot.js';
import { clampedTimerAt } from '../time/clamped-timer.js';
import { VenError } from './ven-error.js';
import { eventRangeProblem } from './event-range.js';

export interface EventEngineDeps {
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  readonly checks: () => EventCheckConfig;
  readonly vtnID: () => string | undefined;
  readonly decisions: DecisionRunner;
  /** Owes oadrCreatedEvent: the engine's ledger sends it (and again until the VTN settles it). */
  readonly answer: (message: MessageOf<'oadrCreatedEvent'>) => void;
  /** A decided event version has had its first answer owed (or none was required): opts that follow it may go (§6). */
  readonly answered?: (eventID: string, modificationNumber: number) => void;
  readonly changed: () => void;
  /** Receives a `VenError('event-rejected')` for every event answered with a 4xx (§4.6–§4.8). */
  readonly error?: (error: VenError) => void;
}

/** Known events, their status timers, decisions and oadrCreatedEvent answers (§4). */
export interface EventEngine {
  readonly events$: Observable<EventSnapshot>;
  /** Applies one oadrDistributeEvent and sends the oadrCreatedEvent it needs, if any (§4.8). */
  handle(message: MessageOf<'oadrDistributeEvent'>, rejected: readonly RejectedEvent[]): Observable<void>;
  /** Applies a later decision (rule 17): stores it and sends a new oadrCreatedEvent for that event. */
  change(decision: Decision): void;
  snapshots(): EventSnapshot[];
  records(): EventRecord[];
  /** Replaces the known events (after a restart) and arms their timers. */
  restore(records: readonly EventRecord[]): void;
  /** Forgets every event (registration cancelled), after a final `cancelled` snapshot of each. */
  clear(): void;
  /** Stops timers and decisions, completes `events$`. */
  stop(): void;
}

/** Creates the event part of the engine: the reducer's state plus the timers of `events$` (DESIGN.md). */
export function createEventEngine(deps: EventEngineDeps): EventEngine {
  let table: EventTable = new Map();
  const changes = new Subject<EventSnapshot>();
  const timers = new Map<string, Subscription>();
  const now = (): number => deps.scheduler.now();

  const emit = (eventID: string, at: number = now()): void => {
    const record = table.get(eventID);
    if (record) changes.next(eventSnapshot(record, at));
  };

  const arm = (eventID: string, from: number = now()): void => {
    timers.get(eventID)?.unsubscribe();
    timers.delete(eventID);
    const record = table.get(eventID);
    const at = record && nextBoundary(record, from);
    if (at === undefined) return;
    timers.set(
      eventID,
      clampedTimerAt(at, deps.scheduler).subscribe(() => {
        timers.delete(eventID);
        // A real clock may run a timer a millisecond before its boundary: take the boundary as
        // reached, so its snapshot is emitted and the next timer aims past it (never skipped).
        const reached = Math.max(now(), at);
        emit(eventID, reached);
        const pruned = pruneEvents(table, reached);
        if (pruned !== table) {
          table = pruned;
          deps.changed();
        }
        arm(eventID, reached);
      }),
    );
  };

  /** Whether a changed record may have other status boundaries (a recorded answer leaves them). */
  const rescheduled = (before: EventRecord | undefined, record: EventRecord): boolean =>
    before?.event !== record.event || before.cancellation !== record.cancellation || before.randomOffsetMs !== record.randomOffsetMs;

  /** Replaces the table: timers re-armed where the schedule changed, snapshots emitted, then saved unless `save` is false. */
  const setTable = (next: EventTable, save = true): void => {
    const before = table;
    table = next;
    for (const eventID of before.keys()) {
      if (next.has(eventID)) continue;
      deps.decisions.drop(eventID);
      arm(eventID);
    }
    for (const [eventID, record] of next) {
      const prior = before.get(eventID);
      if (prior === record) continue;
      if (record.cancellation || prior?.event !== record.event) deps.decisions.drop(eventID);
      if (rescheduled(prior, record)) arm(eventID);
      emit(eventID);
    }
    if (save) deps.changed();
  };

  /**
   * Applies one oadrDistributeEvent, asks for the decisions it needs, and owes its answer. One
   * observable per distribution, stepping by hand (no forkJoin, concatMap and merge per message):
   * decisions taken at once (the usual case) save the distribution once, with its answers; while
   * one is still pending, the distribution is saved now, and again when the decisions come.
   */
  const handle = (message: MessageOf<'oadrDistributeEvent'>, rejected: readonly RejectedEvent[]): Observable<void> =>
    new Observable<void>((subscriber) => {
      const checks = deps.checks();
      const result = reduceDistribution(table, message, rejected, { ...checks, now: now(), vtnID: deps.vtnID(), random: deps.random });
      const venID = checks.venID ?? '';
      if (result.refused) {
        deps.answer(refusedDistribution(venID, message.requestID, result.refused.code, result.refused.description));
        subscriber.complete();
        return undefined;
      }
      setTable(result.events, false);
      for (const o of result.outcomes) {
        if (o.code.startsWith('4')) deps.error?.(new VenError('event-rejected', `event ${o.eventID} #${o.modificationNumber}: answered ${o.code}${o.description ? ` (${o.description})` : ''}`, { eventID: o.eventID, responseCode: o.code }));
      }
      const needing = result.outcomes.filter((o) => o.needsDecision && table.has(o.eventID));
      let saved = false;
      const finish = (decisions: ReadonlyMap<string, OptType>): void => {
        const answers = new Map<string, { modificationNumber: number; optType: OptType }>();
        for (const [eventID, optType] of decisions) {
          answers.set(eventID, { modificationNumber: table.get(eventID)!.event.eiEvent.eventDescriptor.modificationNumber, optType });
        }
        if (answers.size > 0) {
          saved = true;
          setTable(recordAnswers(table, answers));
        }
        const lines: EventAnswerLine[] = [];
        for (const o of result.outcomes) {
          if (!o.respond) continue;
          lines.push({
            eventID: o.eventID,
            modificationNumber: o.modificationNumber,
            code: o.code,
            description: o.description,
            optType: o.optType ?? decisions.get(o.eventID) ?? 'optOut',
            requestID: message.requestID,
          });
        }
        const answer = createdEvent(venID, lines);
        if (answer) deps.answer(answer);
        for (const [eventID, { modificationNumber }] of answers) deps.answered?.(eventID, modificationNumber);
        subscriber.complete();
      };
      if (needing.length === 0) {
        saved = true;
        deps.changed();
        finish(new Map());
        return undefined;
      }
      // Each ask emits one decision and completes (DecisionRunner.ask), often synchronously.
      const decided: OptType[] = new Array<OptType>(needing.length);
      let waiting = needing.length;
      const asks = new Subscription();
      for (let i = 0; i < needing.length && !subscriber.closed; i++) {
        const { eventID } = needing[i]!;
        asks.add(
          deps.decisions.ask(eventSnapshot(table.get(eventID)!, now())).subscribe({
            next: (optType) => {
              decided[i] = optType;
            },
            error: (error: unknown) => subscriber.error(error),
            complete: () => {
              waiting -= 1;
              if (waiting === 0) finish(new Map(needing.map((o, at) => [o.eventID, decided[at]!])));
            },
          }),
        );
      }
      if (!saved) deps.changed();
      return asks;
    });

  const change = (decision: Decision): void => {
    const record = table.get(decision.eventID);
    if (!record || record.cancellation || record.event.eiEvent.eventDescriptor.modificationNumber !== decision.modificationNumber) return;
    if (record.answer?.optType === decision.optType && record.answer.modificationNumber === decision.modificationNumber) return;
    setTable(recordAnswers(table, new Map([[decision.eventID, decision]])));
    if (record.event.oadrResponseRequired !== 'always') return;
    const line: EventAnswerLine = { ...decision, code: '200', description: undefined, requestID: record.requestID };
    const answer = createdEvent(deps.checks().venID ?? '', [line]);
    if (answer) deps.answer(answer);
  };

  return {
    events$: defer(() => concat(from([...table.values()].map((r) => eventSnapshot(r, now()))), changes)),
    handle,
    change,
    snapshots: () => [...table.values()].map((r) => eventSnapshot(r, now())),
    records: () => [...table.values()],
    restore(records) {
      // A stored event whose instants cannot be represented (written before they were checked) is not scheduled (§9).
      const usable = records.filter((r) => {
        const problem = eventRangeProblem(r.event);
        const { eventID, modificationNumber } = r.event.eiEvent.eventDescriptor;
        if (problem) deps.error?.(new VenError('event-rejected', `stored event ${eventID} #${modificationNumber} dropped: ${problem}`, { eventID, responseCode: '454' }));
        return problem === undefined;
      });
      setTable(new Map(usable.map((r) => [r.event.eiEvent.eventDescriptor.eventID, r])));
    },
    clear() {
      deps.decisions.dropAll();
      // The user must not be left with an `active` event the VEN no longer runs (issue item 7).
      const at = now();
      for (const record of table.values()) changes.next({ ...eventSnapshot(record, at), status: 'cancelled', cancelled: true });
      for (const sub of timers.values()) sub.unsubscribe();
      timers.clear();
      table = new Map();
      deps.changed();
    },
    stop() {
      deps.decisions.dropAll();
      for (const sub of timers.values()) sub.unsubscribe();
      timers.clear();
      changes.complete();
    },
  };
}
