import { DATA_QUALITIES } from '../model/model-exports.js';
import { DEFAULT_MISSING_MARKER, type MissingMarker } from './data-report.js';
import type { ReportCapability } from './report-capability.js';
import { createReportCatalog, type ReportCatalog } from './report-catalog.js';
import { ReportError } from './report-error.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../ledger/retry-policy.js';

/** Options of `createReports`. Every field is optional. */
export interface ReportsOptions {
  /** The data points the VEN offers (built with `telemetryUsage`, `telemetryStatus`, `historyUsage`, `customReport`). Default none. */
  readonly reports?: readonly ReportCapability[];
  /**
   * Pacing of retries when the host lends no ledger (a custom `ReportHost`); under `createVen` the VEN's
   * ledger and its one retry policy pace every report message. Retried: a send that did not deliver (transport, TLS, timeout, any HTTP error, a
   * body that is not OpenADR, the wrong reply, OpenADR 5xx: all retried without limit, §1.5).
   * Default {@link DEFAULT_RETRY_POLICY} (5 s, ×2, at most 5 min, ±20 % jitter).
   */
  readonly retry?: Partial<RetryPolicy>;
  /** Random source of the retry jitter, [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** How a value that is not known is sent. Default {@link DEFAULT_MISSING_MARKER} (0 flagged `No Quality - No Value`). */
  readonly missingReading?: MissingMarker;
}

/** The options after `resolveReportsOptions`: complete and checked. */
export interface ResolvedReportsOptions {
  readonly catalog: ReportCatalog;
  readonly retry: RetryPolicy;
  readonly random: () => number;
  readonly missingReading: MissingMarker;
}

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
  const legacy = options as { bufferLimit?: unknown; onBufferFull?: unknown };
  if (legacy.bufferLimit !== undefined || legacy.onBufferFull !== undefined) {
    fail('bufferLimit and onBufferFull are gone: waiting reports live in the VEN\'s obligations ledger, bounded by createVen({ ledger: { bounds } }) (oldest intervals dropped first)');
  }
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  if (!(retry.initialMs > 0)) fail(`retry.initialMs must be a positive number of milliseconds, got ${retry.initialMs}`);
  if (!(retry.factor >= 1)) fail(`retry.factor must be ≥ 1, got ${retry.factor}`);
  if (!(retry.maxMs >= retry.initialMs)) fail(`retry.maxMs (${retry.maxMs}) must be ≥ retry.initialMs (${retry.initialMs})`);
  if (!(retry.jitter >= 0 && retry.jitter <= 1)) fail(`retry.jitter must be between 0 and 1, got ${retry.jitter}`);
  const random = options.random ?? Math.random;
  if (typeof random !== 'function') fail('random must be a function returning a number in [0, 1)');
  const missingReading = options.missingReading ?? DEFAULT_MISSING_MARKER;
  const quality = missingReading.quality;
  if (typeof missingReading.value !== 'number' || !((DATA_QUALITIES as readonly string[]).includes(quality) || quality.startsWith('x-'))) {
    fail(`missingReading needs a number value and an oadrDataQuality (one of the schema's list or an x- token), got ${JSON.stringify(missingReading)}`);
  }
  return { catalog: createReportCatalog(reports), retry, random, missingReading };
}
