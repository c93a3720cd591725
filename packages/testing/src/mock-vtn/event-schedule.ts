import { readFileSync } from 'node:fs';
import { Subscription, asyncScheduler, type SchedulerLike } from 'rxjs';
import { Duration, scheduleClamped } from '@rxadr/core';
import type { EventSpec, IntervalSpec } from './event-authoring.js';
import { checkJson, type JsonIssue, type JsonSchema } from './json-schema-check.js';
import type { VtnModel } from './vtn-model.js';
import type { OfferedReportsPolicy } from './vtn-report-requests.js';

/** A change of a scheduled event while the VTN runs (modificationNumber + 1, rule 5). */
export interface ScheduledChange extends Partial<Pick<EventSpec, 'duration' | 'intervals' | 'priority' | 'rampUp' | 'startafter'>> {
  /** Offset from VTN start at which the event changes. */
  readonly at: string;
  /** A new dtstart: an offset from the change, or an instant. */
  readonly start?: string;
}

/**
 * One event of an events file (`rxadr mock-vtn --events FILE`, schema
 * `@rxadr/testing/schema/mock-vtn-events.schema.json`): when the VTN creates it (offset from
 * VTN start), when it starts (offset from its creation, or an instant), how it changes, and when
 * it is cancelled. Durations are ISO 8601 (`PT30S`, `PT1H`).
 *
 * @example
 * [{ "at": "PT5S", "start": "PT1M", "duration": "PT10M", "signalName": "SIMPLE",
 *    "intervals": [{ "duration": "PT5M", "value": 1 }, { "duration": "PT5M", "value": 2 }], "cancelAt": "PT2M" }]
 */
export interface ScheduledEvent extends Omit<EventSpec, 'start' | 'signals' | 'status'> {
  /** Offset from VTN start at which the event is created. Default `PT0S`. */
  readonly at?: string;
  /** dtstart: an offset from the event's creation, or an instant. Default `PT1M`. */
  readonly start?: string;
  /** Changes while the VTN runs, each at its own offset from VTN start. */
  readonly modify?: readonly ScheduledChange[];
  /** Offset from VTN start at which the event is cancelled (rule 59). */
  readonly cancelAt?: string;
}

/** A parsed events file: the events and the report-request policy. */
export interface EventsFile {
  readonly events: readonly ScheduledEvent[];
  readonly reports: OfferedReportsPolicy;
}

/** An events file that does not parse: every problem with its JSON path (`issues`). */
export class EventScheduleError extends Error {
  override readonly name = 'EventScheduleError';
  readonly issues: readonly JsonIssue[];

  constructor(issues: readonly JsonIssue[]) {
    super(`invalid events file:\n${issues.map((i) => `  ${i.path}: expected ${i.expected}, found ${i.found}`).join('\n')}`);
    this.issues = issues;
  }
}

let schema: JsonSchema | undefined;

/** The JSON Schema of events files, shipped in the package as `schema/mock-vtn-events.schema.json`. */
export function eventsFileSchema(): JsonSchema {
  schema ??= JSON.parse(readFileSync(new URL('../../schema/mock-vtn-events.schema.json', import.meta.url), 'utf8')) as JsonSchema;
  return schema;
}

const ms = (text: string): number => Duration.parse(text)?.toMillis() ?? Number.NaN;
const isOffset = (text: string): boolean => /^-?P/.test(text);

/** What the schema cannot say: the intervals add up to the event's duration (rule 8), instants parse. */
function meaning(events: readonly ScheduledEvent[]): JsonIssue[] {
  const issues: JsonIssue[] = [];
  const sum = (intervals: readonly IntervalSpec[]): number => intervals.reduce((total, i) => total + ms(i.duration), 0);
  events.forEach((event, i) => {
    const duration = ms(event.duration ?? 'PT1H');
    if (event.intervals && duration > 0 && sum(event.intervals) !== duration) {
      issues.push({ path: `$.events[${i}].intervals`, expected: `intervals adding up to the duration ${event.duration ?? 'PT1H'} (rule 8)`, found: `${sum(event.intervals) / 1000} s` });
    }
    for (const [path, start] of [[`$.events[${i}].start`, event.start], ...(event.modify ?? []).map((c, k) => [`$.events[${i}].modify[${k}].start`, c.start] as const)] as const) {
      if (start !== undefined && !isOffset(start) && Number.isNaN(new Date(start).getTime())) issues.push({ path, expected: 'a valid instant', found: JSON.stringify(start) });
    }
  });
  return issues;
}

/**
 * Parses and checks an events file against its JSON Schema ({@link eventsFileSchema}) and rule 8:
 * either `{ "events": [...], "reports": {...} }` or a bare array of events. Throws
 * {@link EventScheduleError} listing every problem with its path.
 */
export function parseEventsFile(json: string): EventsFile {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new EventScheduleError([{ path: '$', expected: 'a JSON document', found: (error as Error).message }]);
  }
  const document = Array.isArray(data) ? { events: data } : data;
  const issues = checkJson(document, eventsFileSchema()).map((issue) => (Array.isArray(data) ? { ...issue, path: issue.path.replace(/^\$\.events/, '$') } : issue));
  if (issues.length > 0) throw new EventScheduleError(issues);
  const file = document as { events?: ScheduledEvent[]; reports?: OfferedReportsPolicy };
  const events = file.events ?? [];
  const more = meaning(events);
  if (more.length > 0) throw new EventScheduleError(Array.isArray(data) ? more.map((issue) => ({ ...issue, path: issue.path.replace(/^\$\.events/, '$') })) : more);
  return { events, reports: file.reports ?? {} };
}

/** Parses and checks the events of an events file (see {@link parseEventsFile}). */
export function parseEventSchedule(json: string): ScheduledEvent[] {
  return [...parseEventsFile(json).events];
}

const startAt = (start: string, now: number): Date => (isOffset(start) ? new Date(now + ms(start)) : new Date(start));

/**
 * Plays a schedule against a model on `scheduler`: creates each event at `at`, applies its
 * `modify` changes and its `cancelAt`; returns the subscription that cancels what has not
 * happened yet. A change or cancellation of an event that is gone (removed, or cancelled through
 * the control interface) does nothing.
 */
export function playEventSchedule(model: VtnModel, schedule: readonly ScheduledEvent[], scheduler: SchedulerLike = asyncScheduler): Subscription {
  const t0 = scheduler.now();
  const all = new Subscription();
  const later = (offset: string, work: () => void): void => void all.add(scheduleClamped(scheduler, work, Math.max(0, t0 + ms(offset) - scheduler.now())));
  schedule.forEach((entry, i) => {
    const { at, start, cancelAt, modify, ...spec } = entry;
    const eventID = spec.eventID ?? `scheduled-${i + 1}`;
    later(at ?? 'PT0S', () => void model.createEvent({ ...spec, eventID, start: startAt(start ?? 'PT1M', scheduler.now()) }));
    for (const { at: when, start: newStart, ...changes } of modify ?? []) {
      later(when, () => {
        if (!model.events.has(eventID) || model.events.get(eventID)?.spec.status === 'cancelled') return;
        model.modifyEvent(eventID, { ...changes, ...(newStart !== undefined ? { start: startAt(newStart, scheduler.now()) } : {}) });
      });
    }
    if (cancelAt !== undefined) later(cancelAt, () => void (model.events.has(eventID) && model.cancelEvent(eventID)));
  });
  return all;
}
