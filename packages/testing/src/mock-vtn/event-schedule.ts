import { Subscription, asyncScheduler, type SchedulerLike } from 'rxjs';
import { Duration, scheduleClamped } from '@rxadr/core';
import type { EventSpec, IntervalSpec } from './event-authoring.js';
import type { VtnModel } from './vtn-model.js';

/**
 * One entry of an event schedule file (`rxadr mock-vtn --events FILE`): when the VTN creates
 * the event (offset from VTN start), when it starts (offset from its creation), and optionally
 * when it is modified or cancelled. Durations are ISO 8601 (`PT30S`, `PT1H`).
 *
 * @example
 * [{ "at": "PT5S", "start": "PT1M", "duration": "PT10M", "signalName": "SIMPLE",
 *    "intervals": [{ "duration": "PT5M", "value": 1 }, { "duration": "PT5M", "value": 2 }], "cancelAt": "PT2M" }]
 */
export interface ScheduledEvent extends Omit<EventSpec, 'start'> {
  /** Offset from VTN start at which the event is created. Default `PT0S`. */
  readonly at?: string;
  /** Offset of the event start from its creation. Default `PT1M`. */
  readonly start?: string;
  /** Offset from VTN start at which the event is cancelled (rule 59). */
  readonly cancelAt?: string;
}

/** A schedule file that does not parse, with the JSON path of the problem. */
export class EventScheduleError extends Error {
  override readonly name = 'EventScheduleError';
}

const FIELDS = new Set(['at', 'start', 'cancelAt', 'eventID', 'duration', 'intervals', 'signalName', 'signalType', 'marketContext', 'priority', 'testEvent', 'rampUp', 'startafter', 'responseRequired', 'targets', 'venIDs']);

function ms(value: unknown, path: string): number {
  const d = typeof value === 'string' ? Duration.parse(value) : undefined;
  if (!d) throw new EventScheduleError(`${path}: expected an ISO 8601 duration such as "PT30S", got ${JSON.stringify(value)}`);
  return d.toMillis();
}

/** Parses and checks a schedule (a JSON array of {@link ScheduledEvent}). */
export function parseEventSchedule(json: string): ScheduledEvent[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new EventScheduleError(`events file is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) throw new EventScheduleError('events file: expected a JSON array of events');
  return data.map((entry: unknown, i) => {
    const path = `[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new EventScheduleError(`${path}: expected an object`);
    for (const key of Object.keys(entry)) if (!FIELDS.has(key)) throw new EventScheduleError(`${path}.${key}: unknown field`);
    const e = entry as ScheduledEvent;
    for (const key of ['at', 'start', 'cancelAt', 'duration', 'rampUp', 'startafter'] as const) if (e[key] !== undefined) ms(e[key], `${path}.${key}`);
    (e.intervals ?? []).forEach((interval: IntervalSpec, k) => {
      ms(interval.duration, `${path}.intervals[${k}].duration`);
      if (typeof interval.value !== 'number') throw new EventScheduleError(`${path}.intervals[${k}].value: expected a number`);
    });
    return e;
  });
}

/**
 * Plays a schedule against a model on `scheduler`; returns the subscription that cancels what
 * has not happened yet.
 */
export function playEventSchedule(model: VtnModel, schedule: readonly ScheduledEvent[], scheduler: SchedulerLike = asyncScheduler): Subscription {
  const t0 = scheduler.now();
  const all = new Subscription();
  schedule.forEach((entry, i) => {
    const { at, start, cancelAt, ...spec } = entry;
    const eventID = spec.eventID ?? `scheduled-${i + 1}`;
    all.add(scheduleClamped(scheduler, () => void model.createEvent({ ...spec, eventID, start: new Date(scheduler.now() + ms(start ?? 'PT1M', 'start')) }), ms(at ?? 'PT0S', 'at')));
    if (cancelAt !== undefined) all.add(scheduleClamped(scheduler, () => void (model.events.has(eventID) && model.cancelEvent(eventID)), Math.max(0, t0 + ms(cancelAt, 'cancelAt') - scheduler.now())));
  });
  return all;
}
