import { catchError, defaultIfEmpty, forkJoin, from, map, of, take, type Observable } from 'rxjs';
import { Duration } from '../codec/duration.js';
import type { HistoryPoint, ReportCapability } from './report-capability.js';
import { ReportError } from './report-error.js';
import type { SampledWindow } from './sampled-window.js';

function query(point: ReportCapability, fromMs: number, toMs: number, granularityMs: number, onError: (e: ReportError) => void): Observable<readonly HistoryPoint[]> {
  if (point.source.kind !== 'stored') return of([]);
  const fail = (cause: unknown) => {
    onError(new ReportError('source', `history query of rID '${point.rID}' (report '${point.reportSpecifierID}') failed; its values are reported as missing`, { cause }));
    return of([] as readonly HistoryPoint[]);
  };
  try {
    const result = point.source.query(new Date(fromMs), new Date(toMs), Duration.fromMillis(granularityMs));
    const result$ = Array.isArray(result) ? of(result as readonly HistoryPoint[]) : from(result as PromiseLike<readonly HistoryPoint[]> | Observable<readonly HistoryPoint[]>);
    return result$.pipe(take(1), defaultIfEmpty([] as readonly HistoryPoint[]), catchError(fail));
  } catch (cause) {
    return fail(cause);
  }
}

/**
 * Fills the stored (history) data points of a window from their query functions (§5.4
 * historical requests): each point goes to the interval that contains it, the last one wins; a
 * one-shot window takes the most recent point of the last `oadrMinPeriod`. Windows without
 * stored points pass through unchanged and synchronously.
 */
export function fillStored(window: SampledWindow, points: readonly ReportCapability[], granularityMs: number, onError: (e: ReportError) => void): Observable<SampledWindow> {
  const stored = points.map((p, i) => [p, i] as const).filter(([p]) => p.source.kind === 'stored');
  if (stored.length === 0 || window.intervals.length === 0) return of(window);
  const snapshot = window.fromMs === window.toMs;
  const queries = stored.map(([point, index]) => {
    const g = snapshot ? point.samplingRate.minPeriod.toMillis(window.atMs) : granularityMs;
    const fromMs = snapshot ? window.atMs - g : window.fromMs;
    return query(point, fromMs, snapshot ? window.atMs : window.toMs, g, onError).pipe(map((found) => ({ index, found })));
  });
  return forkJoin(queries).pipe(
    map((results) => {
      for (const { index, found } of results) {
        const sorted = [...found].sort((a, b) => a.at.getTime() - b.at.getTime());
        for (const point of sorted) {
          const at = point.at.getTime();
          const interval = snapshot ? window.intervals[0] : window.intervals.find((iv) => iv.startMs <= at && at < (iv.endMs ?? iv.startMs));
          if (interval) interval.readings[index] = point;
        }
      }
      return window;
    }),
  );
}
