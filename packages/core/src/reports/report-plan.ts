import type { RequestRecord } from './request-record.js';

/**
 * When the next report of a request is due (epoch ms), or undefined when none is left
 * (OPENADR.md §5.4). Pure.
 * - one-shot: at arrival;
 * - historical, or cancelled with reportToFollow: at `endMs`;
 * - periodic: the first `startMs + j·reportBackMs` (j ≥ 1) by which at least one new interval has
 *   ended (any later one when recording on change), and at `endMs` at the latest.
 */
export function nextDeliveryMs(record: RequestRecord): number | undefined {
  if (record.shape === 'one-shot') return record.receivedMs;
  if (record.shape === 'historical' || record.toFollow) return record.endMs ?? record.receivedMs;
  const end = record.endMs ?? Number.POSITIVE_INFINITY;
  if (record.cursorMs >= end) return undefined;
  const { startMs, reportBackMs: back, granularityMs: g } = record;
  const j = g > 0 ? Math.ceil((Math.min(record.cursorMs + g, end) - startMs) / back) : Math.floor((record.cursorMs - startMs) / back) + 1;
  return Math.min(startMs + Math.max(1, j) * back, end);
}

/**
 * The end of the data a report due at `atMs` covers: the last interval boundary at or before
 * `atMs`, or the request's end. Never before the cursor. Pure.
 */
export function coverEndMs(record: RequestRecord, atMs: number): number {
  const end = record.endMs ?? Number.POSITIVE_INFINITY;
  if (atMs >= end) return Math.max(record.cursorMs, end);
  if (record.granularityMs === 0) return Math.max(record.cursorMs, atMs);
  const g = record.granularityMs;
  return Math.max(record.cursorMs, record.startMs + Math.floor((atMs - record.startMs) / g) * g);
}

/** True when a report covering up to `toMs` is the request's last. */
export function isFinal(record: RequestRecord, toMs: number): boolean {
  return record.shape !== 'periodic' || record.toFollow || (record.endMs !== null && toMs >= record.endMs);
}

/**
 * The intervals inside `[fromMs, toMs)` as `[start, end]` pairs: aligned at `startMs + k·g`, the
 * last one cut at `toMs`; one interval when the granularity is 0. Pure.
 */
export function intervalBounds(record: RequestRecord, fromMs: number, toMs: number): Array<readonly [number, number]> {
  const g = record.granularityMs;
  if (toMs <= fromMs) return [];
  if (g === 0) return [[fromMs, toMs]];
  const out: Array<readonly [number, number]> = [];
  let start = fromMs;
  while (start < toMs) {
    const k = Math.floor((start - record.startMs) / g) + 1;
    const end = Math.min(record.startMs + k * g, toMs);
    out.push([start, end]);
    start = end;
  }
  return out;
}

/**
 * When the next live sample is taken at or after `atMs`: the end of an interval (its value is
 * the latest reading at that moment), or undefined when the request does not sample. Pure.
 */
export function nextSampleMs(record: RequestRecord, atMs: number): number | undefined {
  const g = record.granularityMs;
  if (g === 0 || record.shape === 'one-shot' || record.metadata) return undefined;
  const end = record.endMs ?? Number.POSITIVE_INFINITY;
  const k = Math.max(1, Math.ceil((atMs - record.startMs) / g));
  const at = Math.min(record.startMs + k * g, end);
  return at >= atMs ? at : undefined;
}
