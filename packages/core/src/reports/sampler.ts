import { Observable, concatMap, distinctUntilChanged, startWith, throttleTime, type SchedulerLike, type Subscription } from 'rxjs';
import { createChangeLog, type ChangeLog } from './change-log.js';
import type { LiveReadings } from './live-readings.js';
import { coverEndMs, intervalBounds, isFinal, nextDeliveryMs, nextSampleMs } from './report-plan.js';
import type { Reading, ReportCapability } from './report-capability.js';
import type { ReportError } from './report-error.js';
import type { RequestRecord } from './request-record.js';
import type { SampledInterval, SampledWindow } from './sampled-window.js';
import { fillStored } from './stored-readings.js';

/** What a sampler needs. */
export interface SamplerDeps {
  readonly scheduler: SchedulerLike;
  /** The capabilities of the request's rIDs, in the same order (empty for METADATA requests). */
  readonly points: readonly ReportCapability[];
  readonly live: LiveReadings;
  /** Emits the new end time when the request is cancelled with reportToFollow (§5.7). */
  readonly end$: Observable<number>;
  readonly onError: (error: ReportError) => void;
  /**
   * Where the samples of intervals not yet delivered are kept, by interval end (epoch ms). Pass a
   * map that outlives the sampler to keep them across a restart. Default: a fresh map.
   */
  readonly samples?: Map<number, Array<Reading | undefined>>;
}

/**
 * The stale flag (OPENADR.md §5.5 oadrDataQuality): a live reading older than the point's
 * oadrMaxPeriod when it is sampled — the source sent nothing new for longer than the slowest
 * sampling the VEN offers — is sent with `No New Value - Previous Value Used` (the value is the
 * last one known). A reading that carries its own quality keeps it. Pure.
 */
export function staleMarked(point: ReportCapability, reading: Reading | undefined, atMs: number | undefined, nowMs: number): Reading | undefined {
  if (reading === undefined || atMs === undefined) return reading;
  const maxMs = point.samplingRate.maxPeriod.toMillis(atMs);
  if (!(maxMs > 0) || nowMs - atMs <= maxMs) return reading;
  if (typeof reading === 'object' && 'value' in reading) return reading.quality !== undefined ? reading : { ...reading, quality: STALE_QUALITY };
  return { value: reading, quality: STALE_QUALITY };
}

/** The quality of a stale reading. */
export const STALE_QUALITY = 'No New Value - Previous Value Used' as const;

/** Deep equality for readings (numbers, statuses, samples): a repeated value is no change. */
export function sameReading(a: Reading, b: Reading): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

/**
 * The reports of one request as an Observable on the injected scheduler (OPENADR.md §5.4, §5.5).
 *
 * At each interval end it takes the latest reading of each live rID (missing when none is known);
 * with granularity 0 it records changes instead, not faster than each rID's oadrMinPeriod. At each
 * delivery time it emits the intervals since the previous report, stored rIDs filled from their
 * query, then completes after the final one. Reports that fell due while it was not running
 * (restart) are emitted at once, in order, their live values missing.
 */
export function sampleRequest(initial: RequestRecord, deps: SamplerDeps): Observable<SampledWindow> {
  const { scheduler, points, live } = deps;
  const windows$ = new Observable<SampledWindow>((subscriber) => {
    let record = initial;
    let action: Subscription | undefined;
    const samples = deps.samples ?? new Map<number, Array<Reading | undefined>>();
    const onChange = record.shape === 'periodic' && record.granularityMs === 0 && !record.metadata;
    const logs: ChangeLog[] = onChange ? points.map(() => createChangeLog()) : [];
    let nextSample = nextSampleMs(record, scheduler.now());

    const sampleNow = (): Array<Reading | undefined> => {
      const row = new Array<Reading | undefined>(points.length);
      const nowMs = scheduler.now();
      for (let i = 0; i < points.length; i++) row[i] = staleMarked(points[i]!, live.latest(points[i]!), live.latestAt(points[i]!), nowMs);
      return row;
    };
    const stored = points.some((p) => p.source.kind === 'stored');
    /** Not before this: the catch-up of a backlog is paced (one reportBackDuration of backlog per delivery). */
    let holdUntil: number | undefined;

    const windowAt = (dueMs: number, nowMs: number): SampledWindow => {
      const base = { reportRequestID: record.reportRequestID, atMs: nowMs };
      if (record.shape === 'one-shot') {
        const intervals = record.metadata ? [] : [{ startMs: nowMs, endMs: undefined, rIDs: record.rIDs, readings: sampleNow() }];
        return { ...base, fromMs: nowMs, toMs: nowMs, intervals, final: true };
      }
      const fromMs = record.cursorMs;
      const toMs = coverEndMs(record, dueMs);
      const intervals: SampledInterval[] = [];
      if (onChange) {
        const held = logs.flatMap((log, i) => log.segments(fromMs, toMs).map((s) => ({ ...s, rID: record.rIDs[i]! })));
        held.sort((a, b) => a.startMs - b.startMs);
        for (const s of held) intervals.push({ startMs: s.startMs, endMs: s.endMs, rIDs: [s.rID], readings: [s.reading] });
        for (const log of logs) log.trim(toMs);
      } else if (!record.metadata) {
        for (const [startMs, endMs] of intervalBounds(record, fromMs, toMs)) {
          const row = samples.get(endMs) ?? (endMs === nowMs ? sampleNow() : new Array<Reading | undefined>(points.length));
          intervals.push({ startMs, endMs, rIDs: record.rIDs, readings: row });
        }
        for (const key of samples.keys()) if (key <= toMs) samples.delete(key);
      }
      return { ...base, fromMs, toMs, intervals, final: isFinal(record, toMs) };
    };

    /** Runs what is due now at once (a one-shot report follows its oadrCreatedReport directly), the rest on the scheduler. */
    const plan = (): void => {
      action?.unsubscribe();
      action = undefined;
      if (subscriber.closed) return;
      const due = nextDeliveryMs(record);
      const paced = due !== undefined && holdUntil !== undefined ? Math.max(due, holdUntil) : due;
      const next = Math.min(paced ?? Number.POSITIVE_INFINITY, nextSample ?? Number.POSITIVE_INFINITY);
      if (next === Number.POSITIVE_INFINITY) return;
      const delay = next - scheduler.now();
      if (delay <= 0) run();
      else action = scheduler.schedule(run, delay);
    };

    const run = (): void => {
      const nowMs = scheduler.now();
      if (nextSample !== undefined && nextSample <= nowMs) {
        samples.set(nextSample, sampleNow());
        nextSample = nextSampleMs(record, nextSample + 1);
      }
      if (holdUntil !== undefined && holdUntil <= nowMs) holdUntil = undefined;
      let due = nextDeliveryMs(record);
      // Backlog (§5.4 with a dtstart in the past, or periods that fell due while the VEN was down): periods
      // without any data are not sent (the cursor moves past them); of those with data, at most one
      // reportBackDuration of backlog goes out per delivery, beside the current one.
      let budget = 2;
      while (due !== undefined && due <= nowMs && holdUntil === undefined) {
        const window = windowAt(due, nowMs);
        record = { ...record, cursorMs: window.toMs };
        const backlog = record.shape === 'periodic' && due < nowMs && !window.final;
        if (backlog && !stored && !window.intervals.some((iv) => iv.readings.some((r) => r !== undefined))) {
          due = nextDeliveryMs(record);
          continue;
        }
        if (backlog && --budget === 0) holdUntil = nowMs + record.reportBackMs;
        subscriber.next(window);
        // The consumer may have stopped this request while handling the report (a piggy-backed cancel).
        if (subscriber.closed) return;
        if (window.final) {
          subscriber.complete();
          return;
        }
        due = nextDeliveryMs(record);
      }
      plan();
    };

    if (onChange) {
      points.forEach((point, i) => {
        const known = live.latest(point);
        const changes$ = known === undefined ? live.changes$(point) : live.changes$(point).pipe(startWith(known));
        const minMs = point.samplingRate.minPeriod.toMillis();
        const paced$ = minMs > 0 ? changes$.pipe(throttleTime(minMs, scheduler, { leading: true, trailing: true })) : changes$;
        subscriber.add(paced$.pipe(distinctUntilChanged(sameReading)).subscribe((reading) => logs[i]!.record(scheduler.now(), reading)));
      });
    }
    subscriber.add(
      deps.end$.subscribe((endMs) => {
        if (record.shape === 'one-shot') return;
        record = { ...record, toFollow: true, endMs: record.endMs === null ? endMs : Math.min(record.endMs, endMs) };
        nextSample = nextSampleMs(record, scheduler.now());
        plan();
      }),
    );
    plan();
    return () => action?.unsubscribe();
  });
  if (points.every((p) => p.source.kind === 'live')) return windows$;
  return windows$.pipe(concatMap((w) => (w.intervals.length === 0 ? [w] : fillStored(w, points, initial.granularityMs, deps.onError))));
}
