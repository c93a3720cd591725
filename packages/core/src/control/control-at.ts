import type { OptType } from '../model/model-exports.js';
import type { EventAnswer, EventRecord } from '../ven/event-record.js';
import type { OptRecord } from '../ven/opt-record.js';
import { controlKey, type ControlEventRef, type ControlSignal, type ControlValue } from './control-value.js';
import { controlBoundaries, signalPhaseAt, type SignalPhase } from './event-phase.js';
import { signalResources, targetsResource, type ResourceTargeting, type VenResource } from './ven-resource.js';

/** Everything the value in force depends on besides the time. */
export interface ControlInputs {
  /** The known events (the event engine's records, with answers, offsets and cancellations). */
  readonly records: readonly EventRecord[];
  /** The opts the VEN created; event-specific ones override the event's answer per resource (§6). */
  readonly opts: readonly OptRecord[];
  readonly targeting: ResourceTargeting;
  /** Whether test events (`ei:testEvent` other than `false`, rule 6) drive resources. */
  readonly includeTestEvents: boolean;
  /** The last answer seen per eventID, kept while a newer version awaits its decision. Default none. */
  readonly earlierAnswers?: ReadonlyMap<string, EventAnswer>;
}

/** The values in force at one instant and when to look again. */
export interface ControlState {
  /** One value per resource and signal that some opted-in event names, in a stable order. */
  readonly values: readonly ControlValue[];
  /** The next instant after `now` at which any of them may change; undefined = none scheduled. */
  readonly next: number | undefined;
}

interface Driver {
  readonly record: EventRecord;
  readonly signalIndex: number;
}

interface Candidate extends Driver {
  readonly at: SignalPhase;
}

function isTestEvent(record: EventRecord): boolean {
  const test = record.event.eiEvent.eventDescriptor.testEvent;
  return test !== undefined && test.trim() !== 'false';
}

function latestOpt(opts: readonly OptRecord[], eventID: string, modificationNumber: number, resource: VenResource | undefined, targeting: ResourceTargeting): OptType | undefined {
  let chosen: OptRecord | undefined;
  for (const opt of opts) {
    const q = opt.qualifiedEventID;
    if (!q || q.eventID !== eventID || q.modificationNumber !== modificationNumber) continue;
    if (opt.status === 'cancelling' || opt.status === 'cancelled') continue;
    if (!resource || !targetsResource(opt.target, resource, targeting)) continue;
    if (!chosen || opt.createdDateTime.getTime() >= chosen.createdDateTime.getTime()) chosen = opt;
  }
  return chosen?.optType;
}

/**
 * Whether the VEN takes part in this version of the event with this resource: the latest
 * event-specific opt naming the resource (§6 use 2; not cancelled), else the event's own answer
 * (§4.8). While a new version awaits its decision, and for a cancelled event running out to its
 * randomised stop (rule 65), the answer to the earlier version holds (`earlier`, or the one the
 * record still carries), so a modification does not drop the device to normal for the moment of
 * deciding. No answer at all = not taking part.
 */
export function participation(record: EventRecord, resourceID: string, opts: readonly OptRecord[], targeting: ResourceTargeting, earlier?: EventAnswer): OptType | undefined {
  const { eventID, modificationNumber } = record.event.eiEvent.eventDescriptor;
  const resource = targeting.resources.find((r) => r.resourceID === resourceID);
  const own = latestOpt(opts, eventID, modificationNumber, resource, targeting);
  if (own) return own;
  if (record.answer?.modificationNumber === modificationNumber) return record.answer.optType;
  const kept = record.answer;
  const previous = kept && (!earlier || kept.modificationNumber >= earlier.modificationNumber) ? kept : earlier;
  if (!previous || previous.modificationNumber > modificationNumber) return undefined;
  return latestOpt(opts, eventID, previous.modificationNumber, resource, targeting) ?? previous.optType;
}

const TIER = { active: 0, 'ramp-up': 1, recovery: 2 } as const;

/** 0 = no priority = lowest; otherwise lower numbers rank higher (§4.1). */
function priorityRank(record: EventRecord): number {
  const priority = record.event.eiEvent.eventDescriptor.priority ?? 0;
  return priority === 0 ? Infinity : priority;
}

/**
 * Rule 18 for one resource and signal: an active event beats one in ramp-up, which beats one in
 * recovery (only an active event is in force; the windows around it fill the time when none is);
 * then the higher priority wins, across market contexts; at equal priority the first activated
 * wins (the earlier start, then the earlier eventID for a stable answer). The same ranking is
 * applied inside one market context, where the digest leaves overlaps undefined.
 */
function rank(a: Candidate, b: Candidate): number {
  return (
    TIER[a.at.phase] - TIER[b.at.phase] ||
    priorityRank(a.record) - priorityRank(b.record) ||
    a.at.since - b.at.since ||
    a.record.event.eiEvent.eventDescriptor.eventID.localeCompare(b.record.event.eiEvent.eventDescriptor.eventID) ||
    a.signalIndex - b.signalIndex
  );
}

function ref(c: Candidate): ControlEventRef {
  const d = c.record.event.eiEvent.eventDescriptor;
  const signal = c.record.event.eiEvent.eiEventSignals.eiEventSignal[c.signalIndex];
  return { eventID: d.eventID, modificationNumber: d.modificationNumber, marketContext: d.eiMarketContext, priority: d.priority ?? 0, signalID: signal?.signalID ?? '', phase: c.at.phase };
}

function resolve(drivers: readonly Driver[], now: number): Candidate[] {
  const candidates: Candidate[] = [];
  for (const d of drivers) {
    const at = signalPhaseAt(d.record, d.signalIndex, now);
    if (at) candidates.push({ ...d, at });
  }
  return candidates.sort(rank);
}

function sameHolding(a: Candidate | undefined, b: Candidate | undefined): boolean {
  if (!a || !b) return a === b;
  return a.record === b.record && a.signalIndex === b.signalIndex && a.at.phase === b.at.phase && a.at.value === b.at.value;
}

/**
 * The value in force now for every resource and signal (the pure core of `ven.control$`,
 * STYLE.md rule 4): only events the VEN takes part in for that resource drive it (§4.8, §6), test
 * events only when asked (rule 6), each signal reaching the resources its event-level and
 * signal-level targets name (§4.3, §4.4), overlaps resolved by rule 18. Signals of different
 * name, type or unit are independent values.
 */
export function controlAt(inputs: ControlInputs, now: number): ControlState {
  const byKey = new Map<string, { resourceID: string; signal: ControlSignal; drivers: Driver[] }>();
  for (const record of inputs.records) {
    if (!inputs.includeTestEvents && isTestEvent(record)) continue;
    record.event.eiEvent.eiEventSignals.eiEventSignal.forEach((s, signalIndex) => {
      for (const resourceID of signalResources(record.event, signalIndex, inputs.targeting)) {
        if (participation(record, resourceID, inputs.opts, inputs.targeting, inputs.earlierAnswers?.get(record.event.eiEvent.eventDescriptor.eventID)) !== 'optIn') continue;
        const signal: ControlSignal = { signalName: s.signalName, signalType: s.signalType, unit: s.itemBase };
        const key = controlKey(resourceID, signal);
        let entry = byKey.get(key);
        if (!entry) byKey.set(key, (entry = { resourceID, signal, drivers: [] }));
        entry.drivers.push({ record, signalIndex });
      }
    });
  }
  let next: number | undefined;
  const values: ControlValue[] = [];
  for (const [key, { resourceID, signal, drivers }] of [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const ranked = resolve(drivers, now);
    const winner = ranked[0];
    const ahead = [...new Set(drivers.flatMap((d) => controlBoundaries(d.record)))].filter((t) => t > now).sort((a, b) => a - b);
    if (ahead[0] !== undefined && (next === undefined || ahead[0] < next)) next = ahead[0];
    const until = ahead.find((t) => !sameHolding(resolve(drivers, t)[0], winner));
    values.push({
      resourceID,
      signal,
      key,
      phase: winner ? winner.at.phase : 'normal',
      value: winner?.at.value,
      event: winner ? ref(winner) : undefined,
      superseded: ranked.slice(1).map(ref),
      until: until === undefined ? undefined : new Date(until),
      at: new Date(now),
    });
  }
  return { values, next };
}
