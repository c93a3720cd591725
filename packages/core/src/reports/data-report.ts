import { Duration } from '../codec/duration.js';
import type { DataQuality, Interval, StreamPayload } from '../model/model-exports.js';
import type { OadrReport, ReportName } from '../model/report.js';
import type { Reading } from './report-capability.js';
import type { SampledWindow } from './sampled-window.js';

/** How a missing value is sent: the schema needs a payload, so a marker value flagged with `oadrDataQuality`. */
export interface MissingMarker {
  readonly value: number;
  readonly quality: DataQuality;
}

/** Default marker: value 0 flagged `No Quality - No Value` (the value carries no information; read the quality). */
export const DEFAULT_MISSING_MARKER: MissingMarker = { value: 0, quality: 'No Quality - No Value' };

/** The fields of a data report that do not come from the samples. */
export interface DataReportFields {
  readonly eiReportID: string;
  readonly reportSpecifierID: string;
  /** The data name, without `METADATA_` (§5.5). */
  readonly reportName: ReportName;
}

/** One `oadrReportPayload` for one rID (§3.5): a float, a resource status (§5.6), or the missing marker. */
export function reportPayload(rID: string, reading: Reading | undefined, missing: MissingMarker): StreamPayload {
  if (reading === undefined) {
    return { type: 'oadrReportPayload', rID, payloadBase: { type: 'payloadFloat', value: missing.value }, oadrDataQuality: missing.quality };
  }
  if (typeof reading === 'number') return { type: 'oadrReportPayload', rID, payloadBase: { type: 'payloadFloat', value: reading } };
  if (!('value' in reading)) return { type: 'oadrReportPayload', rID, payloadBase: { type: 'oadrPayloadResourceStatus', ...reading } };
  const { value } = reading;
  return {
    type: 'oadrReportPayload',
    rID,
    ...(reading.confidence !== undefined ? { confidence: reading.confidence } : {}),
    ...(reading.accuracy !== undefined ? { accuracy: reading.accuracy } : {}),
    payloadBase: typeof value === 'number' ? { type: 'payloadFloat', value } : { type: 'oadrPayloadResourceStatus', ...value },
    ...(reading.quality !== undefined ? { oadrDataQuality: reading.quality } : {}),
  };
}

/**
 * Turns a sampled window into a data `oadrReport` (OPENADR.md §5.5): dtstart and duration of the
 * covered data, one `ei:interval` per interval (dtstart, duration unless point-in-time, uid, one
 * payload per rID), the eiReportID, reportRequestID, reportSpecifierID, reportName and
 * createdDateTime. Pure.
 */
export function dataReport(window: SampledWindow, fields: DataReportFields, missing: MissingMarker = DEFAULT_MISSING_MARKER): OadrReport {
  const durations = new Map<number, Duration>();
  const durationOf = (ms: number): Duration => {
    let d = durations.get(ms);
    if (!d) durations.set(ms, (d = Duration.fromMillis(ms)));
    return d;
  };
  const intervals: Interval[] = window.intervals.map((iv, uid) => {
    const streamPayloadBase: StreamPayload[] = new Array(iv.rIDs.length);
    for (let i = 0; i < iv.rIDs.length; i++) streamPayloadBase[i] = reportPayload(iv.rIDs[i]!, iv.readings[i], missing);
    return {
      dtstart: new Date(iv.startMs),
      ...(iv.endMs !== undefined ? { duration: durationOf(iv.endMs - iv.startMs) } : {}),
      uid: String(uid),
      streamPayloadBase,
    };
  });
  return {
    dtstart: new Date(window.fromMs),
    ...(window.toMs > window.fromMs ? { duration: durationOf(window.toMs - window.fromMs) } : {}),
    ...(intervals.length > 0 ? { intervals } : {}),
    eiReportID: fields.eiReportID,
    reportRequestID: window.reportRequestID,
    reportSpecifierID: fields.reportSpecifierID,
    reportName: fields.reportName,
    createdDateTime: new Date(window.atMs),
  };
}
