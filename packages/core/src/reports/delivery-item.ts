import type { MessageOf } from '../model/message.js';
import type { ReportName } from '../model/report.js';
import { dataReport, type MissingMarker } from './data-report.js';
import type { Reading } from './report-capability.js';
import type { SampledInterval, SampledWindow } from './sampled-window.js';

/**
 * A data report waiting for delivery. It keeps the samples, not the `oadrReport`: the message is
 * built when it is sent (with the venID of that moment), which keeps an outage buffer small.
 */
export interface DeliveryItem {
  /** The oadrUpdateReport requestID, kept across retries. */
  readonly requestID: string;
  readonly eiReportID: string;
  readonly reportSpecifierID: string;
  readonly reportName: ReportName;
  readonly window: SampledWindow;
}

interface IntervalJson {
  readonly startMs: number;
  readonly endMs: number | null;
  /** Present only when they differ from the window's. */
  readonly rIDs?: readonly string[];
  readonly readings: ReadonlyArray<Reading | null>;
}

/** The persisted form of a {@link DeliveryItem}: plain JSON; missing values are null. */
export interface DeliveryItemJson {
  readonly requestID: string;
  readonly eiReportID: string;
  readonly reportSpecifierID: string;
  readonly reportName: string;
  readonly reportRequestID: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly atMs: number;
  readonly final: boolean;
  readonly rIDs: readonly string[];
  readonly intervals: readonly IntervalJson[];
}

/** Converts a waiting delivery to JSON (non-finite numbers become missing values). */
export function deliveryToJson(item: DeliveryItem): DeliveryItemJson {
  const { window } = item;
  const rIDs = window.intervals[0]?.rIDs ?? [];
  return {
    requestID: item.requestID,
    eiReportID: item.eiReportID,
    reportSpecifierID: item.reportSpecifierID,
    reportName: item.reportName,
    reportRequestID: window.reportRequestID,
    fromMs: window.fromMs,
    toMs: window.toMs,
    atMs: window.atMs,
    final: window.final,
    rIDs,
    intervals: window.intervals.map((iv) => ({
      startMs: iv.startMs,
      endMs: iv.endMs ?? null,
      ...(iv.rIDs === rIDs ? {} : { rIDs: iv.rIDs }),
      readings: iv.readings.map((r) => (r === undefined || (typeof r === 'number' && !Number.isFinite(r)) ? null : r)),
    })),
  };
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);
const isNum = (u: unknown): u is number => typeof u === 'number' && Number.isFinite(u);
const isStrings = (u: unknown): u is string[] => Array.isArray(u) && u.every((s) => typeof s === 'string');

/** Reads a persisted delivery back; undefined when it is malformed. */
export function deliveryFromJson(json: unknown): DeliveryItem | undefined {
  if (!isObject(json)) return undefined;
  const { requestID, eiReportID, reportSpecifierID, reportName, reportRequestID, fromMs, toMs, atMs, final, rIDs, intervals } = json;
  if (typeof requestID !== 'string' || typeof eiReportID !== 'string' || typeof reportSpecifierID !== 'string' || typeof reportName !== 'string') return undefined;
  if (typeof reportRequestID !== 'string' || !isNum(fromMs) || !isNum(toMs) || !isNum(atMs) || typeof final !== 'boolean' || !isStrings(rIDs) || !Array.isArray(intervals)) return undefined;
  const read: SampledInterval[] = [];
  for (const iv of intervals) {
    if (!isObject(iv) || !isNum(iv['startMs']) || !(iv['endMs'] === null || isNum(iv['endMs'])) || !Array.isArray(iv['readings'])) return undefined;
    const own = iv['rIDs'];
    if (own !== undefined && !isStrings(own)) return undefined;
    const readings = (iv['readings'] as unknown[]).map((r) => (r === null ? undefined : (r as Reading)));
    if (!readings.every((r) => r === undefined || typeof r === 'number' || isObject(r))) return undefined;
    read.push({ startMs: iv['startMs'], endMs: iv['endMs'] ?? undefined, rIDs: own ?? rIDs, readings });
  }
  return {
    requestID,
    eiReportID,
    reportSpecifierID,
    reportName: reportName as ReportName,
    window: { reportRequestID, fromMs, toMs, atMs, final, intervals: read },
  };
}

/** The oadrUpdateReport that delivers a waiting report, built at send time (§5.5). */
export function deliveryMessage(item: DeliveryItem, venID: string, missing: MissingMarker): MessageOf<'oadrUpdateReport'> {
  return { type: 'oadrUpdateReport', requestID: item.requestID, oadrReport: [dataReport(item.window, item, missing)], venID };
}
