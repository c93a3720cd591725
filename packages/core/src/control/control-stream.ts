import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { scheduleAt } from '../time/clamped-timer.js';
import type { EventAnswer, EventRecord } from '../ven/event-record.js';
import type { OptRecord } from '../ven/opt-record.js';
import { controlAt } from './control-at.js';
import type { ControlValue } from './control-value.js';
import { controlBoundaries } from './event-phase.js';
import type { ResourceTargeting } from './ven-resource.js';

/** What the observable layer of `control$` reads (all of it the VEN's current state). */
export interface ControlStreamDeps {
  readonly scheduler: SchedulerLike;
  readonly records: () => readonly EventRecord[];
  readonly opts: () => readonly OptRecord[];
  readonly targeting: () => ResourceTargeting;
  readonly includeTestEvents: boolean;
  /** False once the registration is gone: nothing the VTN sent is in force any more. */
  readonly registered: () => boolean;
  /** Emits whenever any of the above may have changed; completing it completes the stream. */
  readonly changes$: Observable<unknown>;
}

function normal(last: ControlValue, now: number): ControlValue {
  return { ...last, phase: 'normal', value: undefined, event: undefined, superseded: [], until: undefined, at: new Date(now) };
}

function same(a: ControlValue, b: ControlValue): boolean {
  const refs = (v: ControlValue) => JSON.stringify([v.event, v.superseded]);
  return a.phase === b.phase && a.value === b.value && a.until?.getTime() === b.until?.getTime() && refs(a) === refs(b);
}

/**
 * The observable layer of `ven.control$` (STYLE.md rule 4): on subscription the value in force
 * for every known resource and signal, then each change — at the next boundary {@link controlAt}
 * names (one clamped wait, so a boundary weeks ahead fires on time) and at once whenever
 * `changes$` says the events, answers or opts changed. A resource and signal no event names any
 * more goes back to `normal`. A completed event that the VTN stops sending during its recovery
 * window (rule 66) keeps its recovery here until the window ends, unless the registration ends.
 */
export function controlStream(deps: ControlStreamDeps): Observable<ControlValue> {
  return new Observable<ControlValue>((subscriber) => {
    const last = new Map<string, ControlValue>();
    const earlierAnswers = new Map<string, EventAnswer>();
    let lingering = new Map<string, EventRecord>();
    let seen = new Map<string, EventRecord>();
    let wake: Subscription | undefined;

    const records = (now: number): EventRecord[] => {
      const current = deps.records();
      const next = new Map(current.map((r) => [r.event.eiEvent.eventDescriptor.eventID, r] as const));
      const kept = new Map<string, EventRecord>();
      if (deps.registered()) {
        for (const [eventID, record] of [...lingering, ...seen]) {
          if (next.has(eventID) || record.cancellation) continue;
          if (controlBoundaries(record).some((t) => t > now)) kept.set(eventID, record);
        }
      } else earlierAnswers.clear();
      lingering = kept;
      seen = next;
      for (const r of current) if (r.answer) earlierAnswers.set(r.event.eiEvent.eventDescriptor.eventID, r.answer);
      return [...current, ...kept.values()];
    };

    const run = (): void => {
      if (subscriber.closed) return;
      const now = deps.scheduler.now();
      const state = controlAt({ records: records(now), opts: deps.opts(), targeting: deps.targeting(), includeTestEvents: deps.includeTestEvents, earlierAnswers }, now);
      const present = new Set<string>();
      for (const value of state.values) {
        present.add(value.key);
        const before = last.get(value.key);
        if (before && same(before, value)) continue;
        last.set(value.key, value);
        subscriber.next(value);
      }
      for (const [key, before] of last) {
        if (present.has(key) || before.phase === 'normal') continue;
        const value = normal(before, now);
        last.set(key, value);
        subscriber.next(value);
      }
      wake?.unsubscribe();
      wake = state.next === undefined ? undefined : scheduleAt(deps.scheduler, run, state.next);
    };

    const changes = deps.changes$.subscribe({ next: run, error: (e: unknown) => subscriber.error(e), complete: () => subscriber.complete() });
    run();
    return () => {
      changes.unsubscribe();
      wake?.unsubscribe();
    };
  });
}
