import { map, type Observable } from 'rxjs';
import { Duration } from '../codec/duration.js';
import type { DataQuality, EiTarget, ResourceStatus } from '../model/model-exports.js';
import type { ReadingType, ReportType } from '../model/report.js';
import { itemBaseFor, type UnitOptions } from './item-base.js';
import type { DataReportName, HistoryQuery, Reading, ReportCapability, SamplingRange } from './report-capability.js';
import { ReportError } from './report-error.js';

/** A sampling range as users write it: durations as `Duration` or ISO text. */
export interface SamplingRateInput {
  /** Fastest sampling (`oadrMinPeriod`), e.g. `'PT10S'`. */
  readonly min: Duration | string;
  /** Slowest sampling (`oadrMaxPeriod`), e.g. `'PT1H'`. */
  readonly max: Duration | string;
  /** Record values when they change (not faster than `min`). Default false (true for status). */
  readonly onChange?: boolean;
}

/** What every builder accepts besides its source. */
interface CommonOptions {
  /** The resource measured: `reportDataSource/resourceID` (§5.2). */
  readonly resourceId: string;
  /** The data point's ID. Default derived from the resource and the measurement (`meter-1/powerReal`), so it is stable across restarts. */
  readonly rID?: string;
  /** The report's ID. Default derived from the report name (`telemetry-usage`); points sharing it form one report. */
  readonly reportSpecifierID?: string;
  readonly reportSubject?: EiTarget;
  readonly marketContext?: string;
}

/** Options of {@link telemetryUsage}: a live measurement (§5.1 TELEMETRY_USAGE). */
export interface TelemetryUsageOptions extends CommonOptions, UnitOptions {
  readonly readings$: Observable<Reading>;
  readonly samplingRate: SamplingRateInput;
  /** Default `'usage'`. */
  readonly reportType?: ReportType;
  /** Default `'Direct Read'`. */
  readonly readingType?: ReadingType;
}

/** A load control state as users write it (§5.6). */
export interface LoadControlValue {
  readonly current: number;
  readonly min?: number;
  readonly max?: number;
  readonly normal?: number;
}

/** A resource status reading (TELEMETRY_STATUS, §5.6). */
export interface StatusReading {
  readonly online: boolean;
  /** Default false. */
  readonly manualOverride?: boolean;
  readonly capacity?: LoadControlValue;
  readonly levelOffset?: LoadControlValue;
  readonly percentOffset?: LoadControlValue;
  readonly setPoint?: LoadControlValue;
  readonly quality?: DataQuality;
}

/** Options of {@link telemetryStatus} (§5.6). */
export interface TelemetryStatusOptions extends CommonOptions {
  readonly status$: Observable<StatusReading>;
  /** Default `{ min: 'PT1S', max: 'P1D', onChange: true }`. */
  readonly samplingRate?: SamplingRateInput;
}

/** Options of {@link historyUsage}: stored interval data (§5.4 historical requests). */
export interface HistoryUsageOptions extends CommonOptions, UnitOptions {
  /** Stored data for a window at a granularity. */
  readonly query: HistoryQuery;
  readonly samplingRate: SamplingRateInput;
  /** How far back data can be served (the report's `xcal:duration`), e.g. `'P30D'`. */
  readonly historyDuration?: Duration | string;
  /** Default `'usage'`. */
  readonly reportType?: ReportType;
  /** Default `'Direct Read'`. */
  readonly readingType?: ReadingType;
}

/** Options of {@link customReport}: one data point of an `x-` report. */
export interface CustomReportOptions extends CommonOptions, Partial<UnitOptions> {
  /** An `x-` report name, e.g. `'x-thermostat'`. */
  readonly reportName: `x-${string}`;
  readonly reportType: ReportType;
  /** Default `'x-notApplicable'`. */
  readonly readingType?: ReadingType;
  readonly samplingRate: SamplingRateInput;
  /** Exactly one of `readings$` (live) and `query` (stored). */
  readonly readings$?: Observable<Reading>;
  readonly query?: HistoryQuery;
  readonly historyDuration?: Duration | string;
}

function fail(message: string): never {
  throw new ReportError('config', message);
}

function duration(name: string, value: Duration | string): Duration {
  const parsed = typeof value === 'string' ? Duration.parse(value) : value;
  if (!(parsed instanceof Duration) || parsed.negative) fail(`${name} must be a non-negative ISO 8601 duration such as 'PT10S', got ${String(value)}`);
  return parsed;
}

/** Checks and converts a sampling range: `min ≤ max`, and `min > 0` unless values are recorded on change. */
export function samplingRange(input: SamplingRateInput, defaultOnChange = false): SamplingRange {
  const minPeriod = duration('samplingRate.min', input.min);
  const maxPeriod = duration('samplingRate.max', input.max);
  const onChange = input.onChange ?? defaultOnChange;
  if (minPeriod.toMillis() > maxPeriod.toMillis()) fail(`samplingRate.min (${minPeriod}) must not exceed samplingRate.max (${maxPeriod})`);
  if (maxPeriod.isZero) fail('samplingRate.max must be longer than zero');
  return { minPeriod, maxPeriod, onChange };
}

function common(options: CommonOptions, reportName: DataReportName, suffix: string) {
  if (typeof options.resourceId !== 'string' || options.resourceId.trim() === '') fail(`${reportName}: resourceId is required (the resource the values come from)`);
  const rID = options.rID ?? `${options.resourceId}/${suffix}`;
  const reportSpecifierID = options.reportSpecifierID ?? reportName.toLowerCase().replace(/_/g, '-');
  if (rID.trim() === '') fail(`${reportName}: rID must not be empty`);
  if (reportSpecifierID.trim() === '' || reportSpecifierID === 'METADATA') fail(`${reportName}: reportSpecifierID must be non-empty and not 'METADATA' (reserved, §5.3)`);
  return {
    reportName,
    reportSpecifierID,
    rID,
    ...(options.reportSubject ? { reportSubject: options.reportSubject } : {}),
    reportDataSource: { resourceID: [options.resourceId] },
    ...(options.marketContext !== undefined ? { marketContext: options.marketContext } : {}),
  };
}

function liveSource(name: string, readings$: Observable<Reading> | undefined) {
  if (!readings$ || typeof readings$.subscribe !== 'function') fail(`${name}: readings$ must be an Observable of readings`);
  return { kind: 'live' as const, readings$ };
}

/**
 * A TELEMETRY_USAGE data point (§5.1): live measurements sampled at the VTN's granularity.
 *
 * @example
 * telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: meter.power$,
 *                  samplingRate: { min: 'PT10S', max: 'PT1H' } });
 */
export function telemetryUsage(options: TelemetryUsageOptions): ReportCapability {
  return {
    ...common(options, 'TELEMETRY_USAGE', options.measurement),
    reportType: options.reportType ?? 'usage',
    itemBase: itemBaseFor(options),
    readingType: options.readingType ?? 'Direct Read',
    samplingRate: samplingRange(options.samplingRate),
    source: liveSource('telemetryUsage', options.readings$),
  };
}

/** Converts a friendly status reading to `oadrPayloadResourceStatus` (§5.6). */
export function toResourceStatus(reading: StatusReading): ResourceStatus {
  const state = (v: LoadControlValue | undefined) =>
    v && { oadrCurrent: v.current, ...(v.min !== undefined ? { oadrMin: v.min } : {}), ...(v.max !== undefined ? { oadrMax: v.max } : {}), ...(v.normal !== undefined ? { oadrNormal: v.normal } : {}) };
  const loadControl = {
    ...(reading.capacity ? { oadrCapacity: state(reading.capacity) } : {}),
    ...(reading.levelOffset ? { oadrLevelOffset: state(reading.levelOffset) } : {}),
    ...(reading.percentOffset ? { oadrPercentOffset: state(reading.percentOffset) } : {}),
    ...(reading.setPoint ? { oadrSetPoint: state(reading.setPoint) } : {}),
  };
  return {
    oadrOnline: reading.online,
    oadrManualOverride: reading.manualOverride ?? false,
    ...(Object.keys(loadControl).length > 0 ? { oadrLoadControlState: loadControl } : {}),
  };
}

/**
 * A TELEMETRY_STATUS data point (§5.1, §5.6): online, manual override and load control state,
 * recorded on change by default (a request with granularity 0 gets every change).
 *
 * @example
 * telemetryStatus({ resourceId: 'chiller-A', status$: chiller.status$.pipe(map((s) => ({ online: s.up, manualOverride: s.manual }))) });
 */
export function telemetryStatus(options: TelemetryStatusOptions): ReportCapability {
  if (!options.status$ || typeof options.status$.subscribe !== 'function') fail('telemetryStatus: status$ must be an Observable of status readings');
  const readings$ = options.status$.pipe(
    map((r): Reading => (r.quality !== undefined ? { value: toResourceStatus(r), quality: r.quality } : toResourceStatus(r))),
  );
  return {
    ...common(options, 'TELEMETRY_STATUS', 'status'),
    reportType: 'x-resourceStatus',
    readingType: 'x-notApplicable',
    samplingRate: samplingRange(options.samplingRate ?? { min: 'PT1S', max: 'P1D' }, true),
    source: { kind: 'live', readings$ },
  };
}

/**
 * A HISTORY_USAGE data point (§5.1, §5.4): stored interval data served from `query(from, to, granularity)`.
 *
 * @example
 * historyUsage({ resourceId: 'meter-1', measurement: 'energyReal', unit: 'Wh', historyDuration: 'P30D',
 *                samplingRate: { min: 'PT15M', max: 'P1D' }, query: (from, to, g) => db.energy(from, to, g) });
 */
export function historyUsage(options: HistoryUsageOptions): ReportCapability {
  if (typeof options.query !== 'function') fail('historyUsage: query must be a function (from, to, granularity) => points');
  return {
    ...common(options, 'HISTORY_USAGE', options.measurement),
    reportType: options.reportType ?? 'usage',
    itemBase: itemBaseFor(options),
    readingType: options.readingType ?? 'Direct Read',
    samplingRate: samplingRange(options.samplingRate),
    source: { kind: 'stored', query: options.query },
    ...(options.historyDuration !== undefined ? { historyDuration: duration('historyDuration', options.historyDuration) } : {}),
  };
}

/**
 * A data point of a custom `x-` report (§5.1), live (`readings$`) or stored (`query`); the unit is optional.
 *
 * @example
 * customReport({ reportName: 'x-thermostat', resourceId: 'tstat-1', rID: 'setpoint', reportType: 'setPoint',
 *                measurement: 'temperature', unit: 'celsius', readings$: tstat.setpoint$, samplingRate: { min: 'PT1M', max: 'PT1H' } });
 */
export function customReport(options: CustomReportOptions): ReportCapability {
  if (typeof options.reportName !== 'string' || !options.reportName.startsWith('x-')) fail(`customReport: reportName must start with 'x-', got '${String(options.reportName)}'`);
  if ((options.readings$ === undefined) === (options.query === undefined)) fail('customReport: give exactly one of readings$ (live values) and query (stored values)');
  const source = options.query !== undefined ? { kind: 'stored' as const, query: options.query } : liveSource('customReport', options.readings$);
  return {
    ...common(options, options.reportName, options.measurement ?? 'value'),
    reportType: options.reportType,
    ...(options.measurement !== undefined ? { itemBase: itemBaseFor({ ...options, measurement: options.measurement }) } : {}),
    readingType: options.readingType ?? 'x-notApplicable',
    samplingRate: samplingRange(options.samplingRate),
    source,
    ...(options.historyDuration !== undefined ? { historyDuration: duration('historyDuration', options.historyDuration) } : {}),
  };
}
