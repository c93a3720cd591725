/**
 * The three request shapes of OPENADR.md §5.4:
 * - `one-shot`: no reportInterval and reportBackDuration 0 — one report with the current values, now;
 * - `periodic`: reportBackDuration > 0 — sample every granularity (granularity 0: record on change),
 *   deliver every reportBackDuration from the start until the end (or until cancelled);
 * - `historical`: reportInterval with reportBackDuration 0 — one report covering the window.
 */
export type RequestShape = 'one-shot' | 'periodic' | 'historical';

/**
 * One accepted report request as the VEN keeps (and persists) it: plain JSON, times in epoch
 * milliseconds of the injected scheduler.
 *
 * Intervals are `[startMs + k·granularityMs, …)`, the last one cut at `endMs`. Deliveries fall on
 * `startMs + j·reportBackMs` (and on `endMs`); each carries the intervals that ended since
 * `cursorMs`, so windows neither overlap nor leave gaps.
 */
export interface RequestRecord {
  readonly reportRequestID: string;
  readonly reportSpecifierID: string;
  /** This request's own accepted rIDs, in the order requested (empty for METADATA requests). */
  readonly rIDs: readonly string[];
  readonly shape: RequestShape;
  /** A METADATA request (§5.3 step 4): each delivery re-sends the metadata instead of data. */
  readonly metadata: boolean;
  /** Sampling period; 0 = record on change (periodic) or unused (one-shot). */
  readonly granularityMs: number;
  /** Delivery period; 0 for one-shot and historical requests. */
  readonly reportBackMs: number;
  readonly startMs: number;
  /** Where reporting stops; null = until cancelled (reportInterval duration 0 or absent). */
  readonly endMs: number | null;
  /** Start of the first interval not yet delivered. */
  readonly cursorMs: number;
  readonly receivedMs: number;
  /** Cancelled with reportToFollow: one final report up to `endMs`, then done (§5.7). */
  readonly toFollow: boolean;
}
