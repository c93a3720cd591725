import type { Observable } from 'rxjs';
import type { Duration } from '../codec/duration.js';
import type { DataQuality, EiTarget, ItemBase, ResourceStatus } from '../model/model-exports.js';
import type { ReadingType, ReportType } from '../model/report.js';

/** The name of a data report (what `ei:reportName` carries in oadrUpdateReport; the metadata name adds `METADATA_`, §5.1). */
export type DataReportName = 'TELEMETRY_USAGE' | 'TELEMETRY_STATUS' | 'HISTORY_USAGE' | `x-${string}`;

/** A value with its quality marks (`oadrReportPayload`, §3.5). */
export interface ReadingSample {
  readonly value: number | ResourceStatus;
  /** `oadrDataQuality`, e.g. `'Quality Good - Non Specific'`. */
  readonly quality?: DataQuality;
  /** `ei:confidence`, 0–100. */
  readonly confidence?: number;
  /** `ei:accuracy`. */
  readonly accuracy?: number;
}

/** What a live source emits: a number, a resource status (TELEMETRY_STATUS, §5.6), or either with quality marks. */
export type Reading = number | ResourceStatus | ReadingSample;

/** One stored value returned by a history query: the value of the interval that contains `at`. */
export interface HistoryPoint extends ReadingSample {
  readonly at: Date;
}

/**
 * Stored data for the window `[from, to)` at `granularity` (§5.4 historical requests). Return the
 * points as an array, a promise or an observable of one array. Points outside the window are
 * ignored; when several fall into one interval the last one is used; an interval without a point
 * is delivered marked as missing.
 */
export type HistoryQuery = (
  from: Date,
  to: Date,
  granularity: Duration,
) => readonly HistoryPoint[] | PromiseLike<readonly HistoryPoint[]> | Observable<readonly HistoryPoint[]>;

/** Where the values of a data point come from: live readings (sampled) or stored data (queried). */
export type ReadingSource =
  | { readonly kind: 'live'; readonly readings$: Observable<Reading> }
  | { readonly kind: 'stored'; readonly query: HistoryQuery };

/** `oadr:oadrSamplingRate` (§5.2): fastest and slowest sampling supported, and whether changes are recorded as they happen. */
export interface SamplingRange {
  readonly minPeriod: Duration;
  readonly maxPeriod: Duration;
  readonly onChange: boolean;
}

/**
 * One data point (rID) the VEN offers (§5.2), with the report it belongs to and its source of
 * values. Data points with the same `reportSpecifierID` form one METADATA report. Make them with
 * the builders (`telemetryUsage`, `telemetryStatus`, `historyUsage`, `customReport`).
 */
export interface ReportCapability {
  readonly reportName: DataReportName;
  /** Stable across restarts (§5.2): the VTN's requests name it. */
  readonly reportSpecifierID: string;
  /** Stable across restarts, unique within the report. */
  readonly rID: string;
  readonly reportSubject?: EiTarget;
  readonly reportDataSource?: EiTarget;
  readonly reportType: ReportType;
  /** The unit; omitted for status points. */
  readonly itemBase?: ItemBase;
  readonly readingType: ReadingType;
  readonly marketContext?: string;
  readonly samplingRate: SamplingRange;
  readonly source: ReadingSource;
  /** How much data the VEN can serve (the METADATA report's `xcal:duration`); the longest given in one report is sent. */
  readonly historyDuration?: Duration;
}
