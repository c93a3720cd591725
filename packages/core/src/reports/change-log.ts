import type { Reading } from './report-capability.js';

/** A stretch of time during which one value held (on-change recording, OPENADR.md §5.4). */
export interface HeldValue {
  readonly startMs: number;
  readonly endMs: number;
  /** Undefined when no value was known: delivered marked as missing. */
  readonly reading: Reading | undefined;
}

/** The changes of one data point, for requests that record on change (granularity 0). */
export interface ChangeLog {
  record(atMs: number, reading: Reading): void;
  /**
   * The window `[fromMs, toMs)` cut into stretches of constant value: the value held at `fromMs`
   * (missing if none was known), then one stretch per change. Contiguous, no overlaps.
   */
  segments(fromMs: number, toMs: number): HeldValue[];
  /** Forgets what lies before `toMs`, keeping the value held at `toMs`. */
  trim(toMs: number): void;
}

/** Creates an empty change log. */
export function createChangeLog(): ChangeLog {
  let entries: Array<{ readonly atMs: number; readonly reading: Reading }> = [];
  return {
    record(atMs, reading) {
      entries.push({ atMs, reading });
    },
    segments(fromMs, toMs) {
      if (toMs <= fromMs) return [];
      let value: Reading | undefined;
      let cursor = fromMs;
      const out: HeldValue[] = [];
      for (const entry of entries) {
        if (entry.atMs >= toMs) break;
        if (entry.atMs <= fromMs) {
          value = entry.reading;
          continue;
        }
        if (entry.atMs > cursor) out.push({ startMs: cursor, endMs: entry.atMs, reading: value });
        cursor = entry.atMs;
        value = entry.reading;
      }
      out.push({ startMs: cursor, endMs: toMs, reading: value });
      return out;
    },
    trim(toMs) {
      let keepFrom = 0;
      entries.forEach((entry, i) => {
        if (entry.atMs <= toMs) keepFrom = i;
      });
      entries = entries.slice(keepFrom);
    },
  };
}
