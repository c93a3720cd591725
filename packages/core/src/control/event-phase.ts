import type { EventRecord } from '../ven/event-record.js';
import { eventTimes, signalIntervals } from '../ven/event-schedule.js';
import type { ControlPhase } from './control-value.js';

/** One signal of one event at one instant, when it is not `normal`. */
export interface SignalPhase {
  readonly phase: Exclude<ControlPhase, 'normal'>;
  readonly value: number;
  /** When the event's current phase began (its activation, for rule 18's "first activated"). */
  readonly since: number;
}

/** The instants that shape an event for a device (§4.2), in epoch ms. */
interface ControlTimes {
  readonly rampFrom: number | undefined;
  readonly start: number;
  /** The end in force: the randomised stop of a cancelled running event (rule 65); undefined = open-ended. */
  readonly end: number | undefined;
  readonly recoveryEnd: number | undefined;
  /** A cancelled event is over for the device from this instant on (no recovery after a cancellation). */
  readonly stopAt: number | undefined;
  /** The end as scheduled (bounds an open-ended last interval). */
  readonly scheduledEnd: number | undefined;
}

function controlTimes(record: EventRecord): ControlTimes {
  const times = eventTimes(record.event, record.randomOffsetMs);
  const { cancellation } = record;
  const recovery = record.event.eiEvent.eiActivePeriod.properties.xEiRecovery;
  if (cancellation) {
    const end = Math.min(cancellation.stopAt, times.end ?? Infinity);
    return { rampFrom: times.nearFrom, start: times.start, end, recoveryEnd: undefined, stopAt: cancellation.stopAt, scheduledEnd: times.end };
  }
  const recoveryEnd = times.end !== undefined && recovery && !recovery.isZero && !recovery.negative ? recovery.addToMillis(times.end) : undefined;
  return { rampFrom: times.nearFrom, start: times.start, end: times.end, recoveryEnd, stopAt: undefined, scheduledEnd: times.end };
}

function payloads(record: EventRecord, signalIndex: number, times: ControlTimes) {
  const signal = record.event.eiEvent.eiEventSignals.eiEventSignal[signalIndex];
  return signal ? signalIntervals(signal.intervals, times.start, times.scheduledEnd) : [];
}

/**
 * The phase and value of one signal of one event at `now` (§4.2, §4.3, §4.5), or undefined when
 * the event does not drive it now. Interval k runs from start + Σ duration[0..k-1] (with the
 * random offset, rule 30); a cancelled event stops at its randomised stop (rule 65) and has no
 * recovery; an interval without a float payload drives nothing.
 */
export function signalPhaseAt(record: EventRecord, signalIndex: number, now: number): SignalPhase | undefined {
  const times = controlTimes(record);
  if (times.stopAt !== undefined && now >= times.stopAt) return undefined;
  const intervals = payloads(record, signalIndex, times);
  const first = intervals[0]?.value;
  const last = intervals[intervals.length - 1]?.value;
  if (now < times.start) {
    if (times.rampFrom === undefined || now < times.rampFrom || first === undefined) return undefined;
    return { phase: 'ramp-up', value: first, since: times.rampFrom };
  }
  if (times.end === undefined || now < times.end) {
    const current = intervals.find((i) => now >= i.start.getTime() && (i.end === undefined || now < i.end.getTime()));
    return current?.value === undefined ? undefined : { phase: 'active', value: current.value, since: times.start };
  }
  if (times.recoveryEnd !== undefined && now < times.recoveryEnd && last !== undefined) return { phase: 'recovery', value: last, since: times.end };
  return undefined;
}

/** Every instant at which {@link signalPhaseAt} may change for this record, unsorted. */
export function controlBoundaries(record: EventRecord): number[] {
  const times = controlTimes(record);
  const list = [times.start];
  for (const t of [times.rampFrom, times.end, times.recoveryEnd, times.stopAt]) if (t !== undefined) list.push(t);
  record.event.eiEvent.eiEventSignals.eiEventSignal.forEach((_, k) => {
    for (const interval of payloads(record, k, times)) {
      list.push(interval.start.getTime());
      if (interval.end) list.push(interval.end.getTime());
    }
  });
  return list;
}
