import type { Reading } from './report-capability.js';

/** One interval of a delivery: its values for the listed rIDs (undefined = missing). */
export interface SampledInterval {
  readonly startMs: number;
  /** Undefined for a point-in-time value (one-shot reports). */
  readonly endMs: number | undefined;
  readonly rIDs: readonly string[];
  readonly readings: Array<Reading | undefined>;
}

/** What one report of one request carries, before it becomes an `oadrReport` (§5.5). */
export interface SampledWindow {
  readonly reportRequestID: string;
  /** The data covered: `[fromMs, toMs)`; equal for a one-shot snapshot. */
  readonly fromMs: number;
  readonly toMs: number;
  /** When the report was made (its createdDateTime). */
  readonly atMs: number;
  readonly intervals: readonly SampledInterval[];
  /** The request's last report. */
  readonly final: boolean;
}
