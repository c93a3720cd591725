import { Subject, Subscription, type Observable } from 'rxjs';
import type { Reading, ReportCapability } from './report-capability.js';
import { ReportError } from './report-error.js';

/** The latest reading of every live data point, and the readings as they arrive. */
export interface LiveReadings {
  /** The latest reading, or undefined when none arrived yet or the source failed since. */
  latest(point: ReportCapability): Reading | undefined;
  /** When the latest reading arrived (the connecting clock's ms), or undefined. */
  latestAt(point: ReportCapability): number | undefined;
  /** Readings of one point as they arrive (hot; never errors). */
  changes$(point: ReportCapability): Observable<Reading>;
  /** Subscribes to every live source, timing readings with `now`; unsubscribing stops them. A failing source reports once on `onError` and counts as missing afterwards. */
  connect(now?: () => number): Subscription;
}

interface Slot {
  latest: Reading | undefined;
  at: number | undefined;
  readonly changes: Subject<Reading>;
}

/**
 * Creates the live reading table for the given data points (each source is subscribed once,
 * however many requests use it, so a one-shot request gets the current value at once).
 */
export function createLiveReadings(points: readonly ReportCapability[], onError: (error: ReportError) => void): LiveReadings {
  const slots = new Map<ReportCapability, Slot>();
  for (const point of points) if (point.source.kind === 'live') slots.set(point, { latest: undefined, at: undefined, changes: new Subject() });
  return {
    latest: (point) => slots.get(point)?.latest,
    latestAt: (point) => slots.get(point)?.at,
    changes$: (point) => {
      const slot = slots.get(point);
      if (!slot) throw new ReportError('config', `rID '${point.rID}' has no live source`);
      return slot.changes.asObservable();
    },
    connect(now = () => Number.NaN) {
      const all = new Subscription();
      for (const [point, slot] of slots) {
        if (point.source.kind !== 'live') continue;
        all.add(
          point.source.readings$.subscribe({
            next: (reading) => {
              slot.latest = reading;
              const at = now();
              slot.at = Number.isFinite(at) ? at : undefined;
              slot.changes.next(reading);
            },
            error: (cause: unknown) => {
              slot.latest = undefined;
              slot.at = undefined;
              onError(new ReportError('source', `readings$ of rID '${point.rID}' (report '${point.reportSpecifierID}') failed; its values are reported as missing`, { cause }));
            },
          }),
        );
      }
      all.add(() => {
        for (const slot of slots.values()) {
          slot.latest = undefined;
          slot.at = undefined;
        }
      });
      return all;
    },
  };
}
