import type { OadrEvent } from '../model/model-exports.js';
import { eventResources, signalResources, wholeVenTargeting, type ResourceTargeting } from '../control/ven-resource.js';
import type { EventRecord } from './event-record.js';
import type { EventIntervalSnapshot, EventSnapshot, SignalSnapshot, VenEventStatus } from './event-snapshot.js';

/** The instants that shape one event on the VEN's clock (§4.2, §4.5), in epoch ms. */
export interface EventTimes {
  readonly start: number;
  /** Undefined = open-ended (duration 0, rule 47). */
  readonly end: number | undefined;
  readonly nearFrom: number | undefined;
}

/** The startafter window of an event in ms (0 without tolerance). */
export function startafterMs(event: OadrEvent): number {
  const { properties } = event.eiEvent.eiActivePeriod;
  const startafter = properties.tolerance?.startafter;
  return startafter ? Math.max(0, startafter.toMillis(properties.dtstart.getTime())) : 0;
}

/** Start, end and near boundary of an event with its random offset (rule 30, rule 47, §4.5). */
export function eventTimes(event: OadrEvent, randomOffsetMs: number): EventTimes {
  const { properties } = event.eiEvent.eiActivePeriod;
  const start = properties.dtstart.getTime() + randomOffsetMs;
  const end = properties.duration.isZero ? undefined : properties.duration.addToMillis(start);
  const rampUp = properties.xEiRampUp;
  const nearFrom = rampUp && !rampUp.isZero && !rampUp.negative ? start - rampUp.toMillis(start) : undefined;
  return { start, end, nearFrom };
}

/** The status of a schedule at `now`, ignoring cancellation (§4.5). */
export function scheduleStatus(times: EventTimes, now: number): VenEventStatus {
  if (times.end !== undefined && now >= times.end) return 'completed';
  if (now >= times.start) return 'active';
  if (times.nearFrom !== undefined && now >= times.nearFrom) return 'near';
  return 'far';
}

/**
 * The VEN's own status of a record at `now` (§4.5): a cancelled event that was running stays
 * `active` until its randomised stop (rule 65), then is `cancelled`.
 */
export function recordStatus(record: EventRecord, now: number): VenEventStatus {
  const status = scheduleStatus(eventTimes(record.event, record.randomOffsetMs), now);
  const { cancellation } = record;
  if (cancellation) return now < cancellation.stopAt && status === 'active' ? 'active' : 'cancelled';
  return status;
}

export function signalIntervals(intervals: OadrEvent['eiEvent']['eiEventSignals']['eiEventSignal'][number]['intervals'], start: number, end: number | undefined): EventIntervalSnapshot[] {
  let at = start;
  return intervals.map((interval, index) => {
    const from = interval.dtstart ? interval.dtstart.getTime() : at;
    const to = interval.duration && !interval.duration.isZero ? interval.duration.addToMillis(from) : end;
    at = to ?? from;
    const payload = interval.streamPayloadBase.find((p) => p.type === 'signalPayload');
    const value = payload?.type === 'signalPayload' && payload.payloadBase.type === 'payloadFloat' ? payload.payloadBase.value : undefined;
    return { index, uid: interval.uid, start: new Date(from), end: to === undefined ? undefined : new Date(to), value };
  });
}

/** Every boundary of a record (status changes and interval starts), for the timers of `events$`. */
export function boundaries(record: EventRecord): number[] {
  const times = eventTimes(record.event, record.randomOffsetMs);
  const list = [times.start];
  if (times.nearFrom !== undefined) list.push(times.nearFrom);
  if (times.end !== undefined) list.push(times.end);
  for (const signal of record.event.eiEvent.eiEventSignals.eiEventSignal) {
    for (const interval of signalIntervals(signal.intervals, times.start, times.end)) {
      list.push(interval.start.getTime());
      if (interval.end) list.push(interval.end.getTime());
    }
  }
  if (record.cancellation) list.push(record.cancellation.stopAt);
  return list;
}

/** The first boundary strictly after `now`, or undefined when nothing changes any more. */
export function nextBoundary(record: EventRecord, now: number): number | undefined {
  if (record.cancellation) return record.cancellation.stopAt > now ? record.cancellation.stopAt : undefined;
  let next: number | undefined;
  for (const t of boundaries(record)) if (t > now && (next === undefined || t < next)) next = t;
  return next;
}

/** The snapshot `events$` emits for a record at `now`; `targeting` names the VEN's resources (default: the VEN as one). */
export function eventSnapshot(record: EventRecord, now: number, targeting: ResourceTargeting = wholeVenTargeting(undefined, undefined)): EventSnapshot {
  const { event } = record;
  const descriptor = event.eiEvent.eventDescriptor;
  const times = eventTimes(event, record.randomOffsetMs);
  const status = recordStatus(record, now);
  const end = record.cancellation ? Math.min(record.cancellation.stopAt, times.end ?? Infinity) : times.end;
  const signals: SignalSnapshot[] = event.eiEvent.eiEventSignals.eiEventSignal.map((signal, k) => {
    const intervals = signalIntervals(signal.intervals, times.start, times.end);
    const current = status === 'active' ? intervals.find((i) => now >= i.start.getTime() && (i.end === undefined || now < i.end.getTime())) : undefined;
    return {
      signalName: signal.signalName,
      signalType: signal.signalType,
      signalID: signal.signalID,
      itemBase: signal.itemBase,
      intervals,
      currentInterval: current?.index,
      currentValue: current?.value,
      resources: signalResources(event, k, targeting),
    };
  });
  return {
    eventID: descriptor.eventID,
    modificationNumber: descriptor.modificationNumber,
    marketContext: descriptor.eiMarketContext,
    priority: descriptor.priority ?? 0,
    status,
    vtnStatus: descriptor.eventStatus,
    testEvent: descriptor.testEvent !== undefined && descriptor.testEvent.trim() !== 'false',
    cancelled: record.cancellation !== undefined,
    scheduledStart: event.eiEvent.eiActivePeriod.properties.dtstart,
    start: new Date(times.start),
    end: end === undefined || end === Infinity ? undefined : new Date(end),
    nearFrom: times.nearFrom === undefined ? undefined : new Date(times.nearFrom),
    randomOffsetMs: record.randomOffsetMs,
    resources: eventResources(event, targeting),
    signals,
    responseRequired: event.oadrResponseRequired,
    optType: record.answer?.modificationNumber === descriptor.modificationNumber ? record.answer.optType : undefined,
    at: new Date(now),
    event,
  };
}
