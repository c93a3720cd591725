import type { MessageOf } from '../model/message.js';
import type { OadrEvent, OptType, ResponseRequired } from '../model/model-exports.js';
import type { RejectedEvent } from './decode-distribution.js';
import { checkEvent, type EventCheckConfig } from './event-checks.js';
import type { EventRecord, EventTable } from './event-record.js';
import { eventRangeProblem } from './event-range.js';
import { eventTimes, scheduleStatus, startafterMs } from './event-schedule.js';

/** How one event of a distribution was classified (§4.6). */
export type EventOutcomeKind =
  | 'new' // rule 56
  | 'modified' // rule 57
  | 'unchanged' // rule 62
  | 'out-of-sequence' // rule 58 → 450
  | 'cancelled' // rule 59
  | 'unknown-cancelled' // rule 60: no error
  | 'completed' // already over on the VEN's clock: no answer
  | 'rejected'; // failed a check or could not be decoded (460, 462, 454)

/** The result for one event of a distribution: what to answer and whether the user must decide. */
export interface EventOutcome {
  readonly eventID: string;
  readonly modificationNumber: number;
  readonly kind: EventOutcomeKind;
  readonly responseRequired: ResponseRequired;
  /** True when this event gets an eventResponse (`always`, and not completed; §4.8). */
  readonly respond: boolean;
  readonly code: string;
  readonly description: string | undefined;
  /** True when the user's decision operator must be asked (new or modified version without an answer). */
  readonly needsDecision: boolean;
  /** The answer when no decision is needed. */
  readonly optType: OptType | undefined;
}

/** What the reducer needs besides state and message. */
export interface DistributionContext extends EventCheckConfig {
  readonly now: number;
  /** The registered vtnID; a distribution from another is refused as a whole (§4.7). */
  readonly vtnID: string | undefined;
  readonly random: () => number;
}

export interface DistributionResult {
  readonly events: EventTable;
  readonly outcomes: readonly EventOutcome[];
  /** Set when the whole message is refused (wrong vtnID → 452, §4.7); state is then unchanged. */
  readonly refused: { readonly code: string; readonly description: string } | undefined;
  /** Events implicitly cancelled because they were missing (rule 61). */
  readonly impliedCancellations: readonly string[];
}

type Distribution = MessageOf<'oadrDistributeEvent'>;

/** One outcome, its properties written out in one shape (no object spread: this runs per event per distribution). */
function outcome(
  event: { readonly eventID: string; readonly modificationNumber: number; readonly responseRequired: ResponseRequired },
  kind: EventOutcomeKind,
  fields: Partial<Pick<EventOutcome, 'code' | 'description' | 'needsDecision' | 'optType'>> = {},
): EventOutcome {
  return {
    eventID: event.eventID,
    modificationNumber: event.modificationNumber,
    responseRequired: event.responseRequired,
    kind,
    respond: event.responseRequired === 'always' && kind !== 'completed',
    code: fields.code ?? '200',
    description: fields.description,
    needsDecision: fields.needsDecision ?? false,
    optType: fields.optType,
  };
}

/** The stop instant after a cancellation at `now` (rule 65): random within startafter if the event runs. */
function cancel(record: EventRecord, now: number, random: () => number, implied: boolean, event: OadrEvent = record.event): EventRecord {
  const running = scheduleStatus(eventTimes(record.event, record.randomOffsetMs), now) === 'active';
  const stopAt = running ? now + Math.round(random() * startafterMs(record.event)) : now;
  return { ...record, event, cancellation: { receivedAt: now, stopAt, implied } };
}

/**
 * Ends the version the VEN runs when the VTN replaced it by one the VEN refuses (a 454, 460 or 462
 * answer to a higher modificationNumber): the VTN no longer stands behind the old version, so the
 * VEN stops it at once (no randomised stop: the VTN did not cancel) and its snapshot turns
 * `cancelled`, with the refusal in `cancellation.refused`. An already ended record is kept as is.
 */
function endRefused(record: EventRecord, now: number, code: string, description: string): EventRecord {
  if (record.cancellation) return record;
  return { ...record, cancellation: { receivedAt: now, stopAt: now, implied: false, refused: { code, description } } };
}

function isOver(event: OadrEvent, offset: number, now: number): boolean {
  return scheduleStatus(eventTimes(event, offset), now) === 'completed';
}

/**
 * The event store as a pure reducer (DESIGN.md, STYLE.md rule 4): applies one
 * oadrDistributeEvent at `now` to the known events, following §4.6 rule by rule, and says per
 * event what to answer (§4.8). Events listed in `rejected` (undecodable, rule 19) are answered
 * with their code and count as present (not implicitly cancelled).
 */
export function reduceDistribution(table: EventTable, message: Distribution, rejected: readonly RejectedEvent[], ctx: DistributionContext): DistributionResult {
  if (ctx.vtnID !== undefined && message.vtnID !== ctx.vtnID) {
    return { events: table, outcomes: [], refused: { code: '452', description: `vtnID ${message.vtnID} is not the registered ${ctx.vtnID}` }, impliedCancellations: [] };
  }
  const next = new Map(table);
  const outcomes: EventOutcome[] = [];
  const present = new Set<string>(rejected.map((r) => r.eventID));
  for (const oadrEvent of message.oadrEvent ?? []) {
    const descriptor = oadrEvent.eiEvent.eventDescriptor;
    const id = { eventID: descriptor.eventID, modificationNumber: descriptor.modificationNumber, responseRequired: oadrEvent.oadrResponseRequired };
    present.add(id.eventID);
    const known = next.get(id.eventID);
    const knownMod = known?.event.eiEvent.eventDescriptor.modificationNumber;
    if (known && knownMod !== undefined && id.modificationNumber < knownMod) {
      outcomes.push(outcome(id, 'out-of-sequence', { code: '450', description: `modificationNumber ${id.modificationNumber} is lower than ${knownMod}`, optType: known.answer?.optType ?? 'optOut' }));
      continue;
    }
    if (descriptor.eventStatus === 'cancelled') {
      if (!known) outcomes.push(outcome(id, 'unknown-cancelled', { optType: 'optIn' }));
      else {
        if (!known.cancellation || id.modificationNumber > (knownMod ?? 0)) {
          // A cancelling version whose times cannot be represented keeps the stored body (§9).
          const body = eventRangeProblem(oadrEvent) === undefined ? oadrEvent : known.event;
          next.set(id.eventID, known.cancellation ? { ...known, event: body } : cancel(known, ctx.now, ctx.random, false, body));
        }
        outcomes.push(outcome(id, 'cancelled', { optType: 'optIn' }));
      }
      continue;
    }
    if (known && id.modificationNumber === knownMod) {
      const answer = known.answer?.modificationNumber === knownMod ? known.answer : undefined;
      if (isOver(known.event, known.randomOffsetMs, ctx.now)) outcomes.push(outcome(id, 'completed'));
      else outcomes.push(outcome(id, 'unchanged', answer ? { optType: answer.optType } : { needsDecision: true }));
      continue;
    }
    const range = eventRangeProblem(oadrEvent);
    const failure = range !== undefined ? { code: '454', description: range } : checkEvent(oadrEvent, ctx);
    if (failure) {
      outcomes.push(outcome(id, 'rejected', { code: failure.code, description: failure.description, optType: 'optOut' }));
      if (known) next.set(id.eventID, endRefused(known, ctx.now, failure.code, failure.description));
      continue;
    }
    const window = startafterMs(oadrEvent);
    const sameWindow = known !== undefined && window === startafterMs(known.event);
    const offset = sameWindow ? known.randomOffsetMs : Math.round(ctx.random() * window);
    if (!known && isOver(oadrEvent, offset, ctx.now)) {
      outcomes.push(outcome(id, 'completed'));
      continue;
    }
    next.set(id.eventID, { event: oadrEvent, requestID: message.requestID, randomOffsetMs: offset, cancellation: undefined, answer: undefined });
    if (isOver(oadrEvent, offset, ctx.now)) outcomes.push(outcome(id, 'completed'));
    else outcomes.push(outcome(id, known ? 'modified' : 'new', { needsDecision: true }));
  }
  for (const r of rejected) {
    outcomes.push(outcome(r, 'rejected', { code: r.code, description: r.description, optType: 'optOut' }));
    const known = next.get(r.eventID);
    if (known && r.modificationNumber > known.event.eiEvent.eventDescriptor.modificationNumber) next.set(r.eventID, endRefused(known, ctx.now, r.code, r.description));
  }
  const impliedCancellations: string[] = [];
  for (const [eventID, record] of next) {
    if (present.has(eventID)) continue;
    if (record.cancellation || isOver(record.event, record.randomOffsetMs, ctx.now)) {
      if (!record.cancellation || record.cancellation.stopAt <= ctx.now) next.delete(eventID);
      continue;
    }
    next.set(eventID, cancel(record, ctx.now, ctx.random, true));
    impliedCancellations.push(eventID);
  }
  return { events: next, outcomes, refused: undefined, impliedCancellations };
}

/** Stores the answers given for the listed events (rule 62: a re-delivery re-sends them). */
export function recordAnswers(table: EventTable, answers: ReadonlyMap<string, { modificationNumber: number; optType: OptType }>): EventTable {
  const next = new Map(table);
  for (const [eventID, answer] of answers) {
    const record = next.get(eventID);
    if (record && record.event.eiEvent.eventDescriptor.modificationNumber === answer.modificationNumber) next.set(eventID, { ...record, answer });
  }
  return next;
}

/** Drops cancelled events whose stop has passed (rule 59: removed from known events). */
export function pruneEvents(table: EventTable, now: number): EventTable {
  let next: Map<string, EventRecord> | undefined;
  for (const [eventID, record] of table) {
    if (record.cancellation && record.cancellation.stopAt <= now) (next ??= new Map(table)).delete(eventID);
  }
  return next ?? table;
}
