import type { ReportRequest } from '../model/report.js';
import type { ReportCapability } from './report-capability.js';
import type { ReportCatalog } from './report-catalog.js';
import type { RequestRecord, RequestShape } from './request-record.js';
import { inInstantRange } from '../time/instant-range.js';

/** The reportSpecifierID that asks for the metadata again (rule 306, OPENADR.md §5.3 step 4). */
export const METADATA_SPECIFIER = 'METADATA';

/**
 * Why (part of) a request was refused:
 * - `unknown-specifier` (452): no offered report has this reportSpecifierID — the request is refused;
 * - `unknown-rid` (452): the report has no such rID — the request is refused (§5.3 step 5);
 * - `granularity-out-of-range` (454): the granularity is outside the rID's oadrMinPeriod…oadrMaxPeriod — that rID is dropped;
 * - `on-change-not-supported` (454): granularity 0 (on change) for an rID that does not record changes — that rID is dropped;
 * - `invalid-interval` (454): a negative granularity, reportBackDuration or interval duration, or one that reaches
 *   past the instants rxadr represents (years 0001–9999, e.g. `P999999999D`) — the request is refused;
 * - `no-rids` (454): every rID was dropped — the request is refused.
 */
export type RequestProblemCode = 'unknown-specifier' | 'unknown-rid' | 'granularity-out-of-range' | 'on-change-not-supported' | 'invalid-interval' | 'no-rids';

/** One problem found in a report request, with the response code it maps to. */
export interface RequestProblem {
  readonly reportRequestID: string;
  readonly code: RequestProblemCode;
  /** The OpenADR response code this problem maps to (§8). */
  readonly responseCode: '452' | '454';
  readonly rID?: string;
  readonly description: string;
}

/** The result of checking one oadrReportRequest: the record to keep (if any) and every problem found. */
export interface RequestValidation {
  readonly record: RequestRecord | undefined;
  readonly problems: readonly RequestProblem[];
}

const RESPONSE: Record<RequestProblemCode, '452' | '454'> = {
  'unknown-specifier': '452',
  'unknown-rid': '452',
  'granularity-out-of-range': '454',
  'on-change-not-supported': '454',
  'invalid-interval': '454',
  'no-rids': '454',
};

function problem(reportRequestID: string, code: RequestProblemCode, description: string, rID?: string): RequestProblem {
  return { reportRequestID, code, responseCode: RESPONSE[code], ...(rID !== undefined ? { rID } : {}), description: `${reportRequestID}: ${description}` };
}

function shapeOf(request: ReportRequest): RequestShape {
  const { reportInterval, reportBackDuration } = request.reportSpecifier;
  if (!reportBackDuration.isZero) return 'periodic';
  return reportInterval ? 'historical' : 'one-shot';
}

/** Checks the granularity against one rID's sampling range; undefined when acceptable. */
function granularityProblem(id: string, point: ReportCapability, shape: RequestShape, granularityMs: number): RequestProblem | undefined {
  if (shape === 'one-shot') return undefined;
  const { minPeriod, maxPeriod, onChange } = point.samplingRate;
  if (granularityMs === 0) {
    if (shape === 'historical' || (onChange && point.source.kind === 'live')) return undefined;
    return problem(id, 'on-change-not-supported', `rID '${point.rID}' does not record changes (oadrOnChange false); request a granularity from ${minPeriod} to ${maxPeriod}`, point.rID);
  }
  if (granularityMs < minPeriod.toMillis() || granularityMs > maxPeriod.toMillis()) {
    return problem(id, 'granularity-out-of-range', `granularity outside ${minPeriod}..${maxPeriod} offered for rID '${point.rID}'`, point.rID);
  }
  return undefined;
}

/**
 * Checks one oadrReportRequest against the offered reports (OPENADR.md §5.3 step 5, §5.4) and
 * turns it into a {@link RequestRecord}. Pure: `nowMs` is the scheduler's time of arrival.
 *
 * A historical request with granularity 0 uses the coarsest oadrMinPeriod of its rIDs; one with
 * reportInterval duration 0 covers the window up to now ("all available data").
 */
export function validateRequest(request: ReportRequest, catalog: ReportCatalog, nowMs: number): RequestValidation {
  const id = request.reportRequestID;
  const spec = request.reportSpecifier;
  const shape = shapeOf(request);
  const interval = spec.reportInterval;
  if (spec.granularity.negative || spec.reportBackDuration.negative || interval?.duration.negative) {
    return { record: undefined, problems: [problem(id, 'invalid-interval', 'granularity, reportBackDuration and the reportInterval duration must not be negative')] };
  }
  const startMs = interval ? interval.dtstart.getTime() : nowMs;
  // §9: every instant the request implies must be one the VEN can schedule and write back.
  const instants: ReadonlyArray<readonly [string, number]> = [
    ['reportInterval dtstart', startMs],
    ['the reportInterval end', interval && !interval.duration.isZero ? interval.duration.addToMillis(startMs) : startMs],
    ['dtstart + granularity', spec.granularity.addToMillis(startMs)],
    ['dtstart + reportBackDuration', spec.reportBackDuration.addToMillis(startMs)],
  ];
  const outside = instants.find(([, ms]) => !inInstantRange(ms));
  if (outside) return { record: undefined, problems: [problem(id, 'invalid-interval', `${outside[0]} is outside years 0001–9999`)] };
  const base = { reportRequestID: id, reportSpecifierID: spec.reportSpecifierID, shape, startMs, cursorMs: startMs, receivedMs: nowMs, toFollow: false };
  const reportBackMs = shape === 'periodic' ? spec.reportBackDuration.toMillis(startMs) : 0;
  const endMs = interval && !interval.duration.isZero ? interval.duration.addToMillis(startMs) : shape === 'historical' ? Math.max(startMs, nowMs) : null;

  if (spec.reportSpecifierID === METADATA_SPECIFIER) {
    return { record: { ...base, rIDs: [], metadata: true, granularityMs: 0, reportBackMs, endMs: shape === 'historical' ? null : endMs, shape: shape === 'historical' ? 'one-shot' : shape }, problems: [] };
  }
  const report = catalog.get(spec.reportSpecifierID);
  if (!report) return { record: undefined, problems: [problem(id, 'unknown-specifier', `no report with reportSpecifierID '${spec.reportSpecifierID}'`)] };

  const requested = [...new Set(spec.specifierPayload.map((p) => p.rID))];
  const unknown = requested.filter((rID) => !report.byRID.has(rID));
  if (unknown.length > 0) {
    return { record: undefined, problems: unknown.map((rID) => problem(id, 'unknown-rid', `report '${report.reportSpecifierID}' has no rID '${rID}'`, rID)) };
  }
  const granularityMs = spec.granularity.toMillis(startMs);
  const problems: RequestProblem[] = [];
  const rIDs = requested.filter((rID) => {
    const found = granularityProblem(id, report.byRID.get(rID)!, shape, granularityMs);
    if (found) problems.push(found);
    return found === undefined;
  });
  if (rIDs.length === 0) return { record: undefined, problems: [...problems, problem(id, 'no-rids', 'no rID left to report')] };
  const effectiveGranularity =
    shape === 'historical' && granularityMs === 0 ? Math.max(...rIDs.map((rID) => report.byRID.get(rID)!.samplingRate.minPeriod.toMillis(startMs))) : granularityMs;
  return { record: { ...base, rIDs, metadata: false, granularityMs: shape === 'one-shot' ? 0 : effectiveGranularity, reportBackMs, endMs }, problems };
}
