import { DATA_QUALITIES } from '../model/model-exports.js';
import { DEFAULT_MISSING_MARKER, type MissingMarker } from './data-report.js';
import type { BufferFullPolicy } from './delivery-buffer.js';
import type { ReportCapability } from './report-capability.js';
import { createReportCatalog, type ReportCatalog } from './report-catalog.js';
import { ReportError } from './report-error.js';
import type { RetryPolicy } from './report-outbox.js';

/** Options of `createReports`. Every field is optional. */
export interface ReportsOptions {
  /** The data points the VEN offers (built with `telemetryUsage`, `telemetryStatus`, `historyUsage`, `customReport`). Default none. */
  readonly reports?: readonly ReportCapability[];
  /** Most data reports kept while the VTN cannot be reached. Default 10 000. */
  readonly bufferLimit?: number;
  /** Which report is lost when the buffer is full: the oldest waiting one, or the new one. Default `'drop-oldest'`. */
  readonly onBufferFull?: BufferFullPolicy;
  /**
   * Pacing of retries after a failed send. Connect failures, timeouts and HTTP 5xx are retried until
   * they succeed; other HTTP statuses at most `maxRefusedAttempts` times in all (§1.5: any non-200 is
   * "not delivered"). Default `{ initialMs: 5 000, factor: 2, maxMs: 60 000, maxRefusedAttempts: 5 }`.
   */
  readonly retry?: Partial<RetryPolicy>;
  /** How a value that is not known is sent. Default {@link DEFAULT_MISSING_MARKER} (0 flagged `No Quality - No Value`). */
  readonly missingReading?: MissingMarker;
}

/** The options after `resolveReportsOptions`: complete and checked. */
export interface ResolvedReportsOptions {
  readonly catalog: ReportCatalog;
  readonly bufferLimit: number;
  readonly onBufferFull: BufferFullPolicy;
  readonly retry: RetryPolicy;
  readonly missingReading: MissingMarker;
}

/** Retry pacing of the outbox: 5 s, doubling, at most 60 s between attempts; a report refused with HTTP 4xx is tried 5 times. */
export const DEFAULT_RETRY: RetryPolicy = { initialMs: 5_000, factor: 2, maxMs: 60_000, maxRefusedAttempts: 5 };

function fail(message: string): never {
  throw new ReportError('config', `createReports: ${message}`);
}

/** Checks and completes the options once (STYLE.md rule 13); throws `ReportError('config')` saying what to change. */
export function resolveReportsOptions(options: ReportsOptions): ResolvedReportsOptions {
  const reports = options.reports ?? [];
  if (!Array.isArray(reports)) fail('reports must be an array of report capabilities (use telemetryUsage(…) and friends)');
  reports.forEach((r, i) => {
    if (typeof r !== 'object' || r === null || typeof r.rID !== 'string' || typeof r.reportSpecifierID !== 'string' || !r.source) {
      fail(`reports[${i}] is not a report capability; build it with telemetryUsage, telemetryStatus, historyUsage or customReport`);
    }
  });
  const bufferLimit = options.bufferLimit ?? 10_000;
  if (!Number.isInteger(bufferLimit) || bufferLimit < 1) fail(`bufferLimit must be a whole number ≥ 1, got ${bufferLimit}`);
  const onBufferFull = options.onBufferFull ?? 'drop-oldest';
  if (onBufferFull !== 'drop-oldest' && onBufferFull !== 'drop-newest') fail(`onBufferFull must be 'drop-oldest' or 'drop-newest', got '${String(onBufferFull)}'`);
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  if (!(retry.initialMs > 0)) fail(`retry.initialMs must be a positive number of milliseconds, got ${retry.initialMs}`);
  if (!(retry.factor >= 1)) fail(`retry.factor must be ≥ 1, got ${retry.factor}`);
  if (!(retry.maxMs >= retry.initialMs)) fail(`retry.maxMs (${retry.maxMs}) must be ≥ retry.initialMs (${retry.initialMs})`);
  if (!(Number.isInteger(retry.maxRefusedAttempts) && retry.maxRefusedAttempts >= 1)) {
    fail(`retry.maxRefusedAttempts must be a whole number ≥ 1 (1 = never retry an HTTP 4xx), got ${retry.maxRefusedAttempts}`);
  }
  const missingReading = options.missingReading ?? DEFAULT_MISSING_MARKER;
  const quality = missingReading.quality;
  if (typeof missingReading.value !== 'number' || !((DATA_QUALITIES as readonly string[]).includes(quality) || quality.startsWith('x-'))) {
    fail(`missingReading needs a number value and an oadrDataQuality (one of the schema's list or an x- token), got ${JSON.stringify(missingReading)}`);
  }
  return { catalog: createReportCatalog(reports), bufferLimit, onBufferFull, retry, missingReading };
}
