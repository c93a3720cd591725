import { Duration, type MessageOf, type OadrReport } from '@rxadr/core';
import { createVtnReportSide, type ReportRequestSpec, type VtnReportSide } from '../mock-vtn/vtn-report-side.js';
import { meterValuesBetween } from './scenario-meter.js';
import { check, checkEqual } from './scenario-assert.js';
import type { ScenarioHarness } from './scenario-harness.js';
import { ScenarioFailure, ScenarioSkip } from './scenario.js';

export const MINUTE = 60_000;

/** One data point (rID) of the VEN's METADATA oadrRegisterReport (OPENADR.md §5.2). */
export interface OfferedPoint {
  readonly reportSpecifierID: string;
  /** The METADATA name, e.g. `METADATA_TELEMETRY_USAGE` (§5.1). */
  readonly reportName: string;
  readonly rID: string;
  /** `oadrSamplingRate` in ms; 0 and Infinity when the VEN does not say. */
  readonly minMs: number;
  readonly maxMs: number;
  readonly hasSamplingRate: boolean;
}

/** What the VEN offers, as read from its oadrRegisterReport. */
export interface ReportOffer {
  readonly message: MessageOf<'oadrRegisterReport'>;
  readonly points: readonly OfferedPoint[];
}

/** Reads the data points out of an oadrRegisterReport. */
export function readOffer(message: MessageOf<'oadrRegisterReport'>): ReportOffer {
  const points = (message.oadrReport ?? []).flatMap((report) =>
    (report.oadrReportDescription ?? []).map((d): OfferedPoint => {
      const rate = d.oadrSamplingRate;
      return {
        reportSpecifierID: report.reportSpecifierID,
        reportName: report.reportName ?? '',
        rID: d.rID,
        minMs: rate?.oadrMinPeriod.toMillis() ?? 0,
        maxMs: rate?.oadrMaxPeriod.toMillis() ?? Number.POSITIVE_INFINITY,
        hasSamplingRate: rate !== undefined,
      };
    }),
  );
  return { message, points };
}

/** `[reportSpecifierID, rIDs]` of every report: what must stay stable across registrations (§5.2). */
export const offerShape = (offer: ReportOffer): Array<[string, string[]]> =>
  (offer.message.oadrReport ?? []).map((r) => [r.reportSpecifierID, (r.oadrReportDescription ?? []).map((d) => d.rID)]);

/** Replaces the mock VTN's default report side with one that can request and cancel reports (§5). */
export function installReportSide(h: ScenarioHarness): VtnReportSide {
  const side = createVtnReportSide();
  h.vtn.model.reports = side;
  return side;
}

/**
 * Starts the VEN with a report side installed, waits until it polls, and reads what it offers
 * from the first oadrRegisterReport it sent (§5.3 step 1). Skips the scenario when the VEN sent
 * none or offered no report, unless `optional`; forgets the requests recorded so far unless `keep`.
 */
export async function registerWithReports(
  h: ScenarioHarness,
  options: { readonly side?: VtnReportSide; readonly optional?: boolean; readonly keep?: boolean } = {},
): Promise<{ side: VtnReportSide; offer: ReportOffer | undefined; types: string[] }> {
  const side = options.side ?? installReportSide(h);
  h.start();
  await h.until('the VEN polls after registering', () => h.ven.status.state === 'polling', 120_000);
  const types = h.types();
  const first = h.sent('oadrRegisterReport')[0];
  const offer = first && (first.oadrReport ?? []).length > 0 ? readOffer(first) : undefined;
  if (!options.keep) h.forget();
  if (!offer && !options.optional) {
    throw new ScenarioSkip(first ? 'the VEN registered no reports (empty oadrRegisterReport)' : 'the VEN sent no oadrRegisterReport after registering: it offers no reports (give createVen `reports`)');
  }
  return { side, offer, types };
}

/** Like {@link registerWithReports}, for scenarios that need an offer. */
export async function registerOffering(h: ScenarioHarness, options: { readonly side?: VtnReportSide; readonly keep?: boolean } = {}): Promise<{ side: VtnReportSide; offer: ReportOffer }> {
  const { side: installed, offer } = await registerWithReports(h, options);
  if (!offer) throw new ScenarioSkip('the VEN offers no reports');
  return { side: installed, offer };
}

/**
 * The data point a scenario requests: the one fed from `ctx.meter$` when the run names it,
 * otherwise the first TELEMETRY_USAGE point (§5.1). Skips when there is none.
 */
export function usagePoint(h: ScenarioHarness, offer: ReportOffer): OfferedPoint {
  if (h.meterRID !== undefined) {
    const point = offer.points.find((p) => p.rID === h.meterRID);
    if (!point) throw new ScenarioFailure(`meterRID '${h.meterRID}' is not among the rIDs the VEN offers (${offer.points.map((p) => p.rID).join(', ')})`);
    return point;
  }
  const point = offer.points.find((p) => p.reportName === 'METADATA_TELEMETRY_USAGE');
  if (!point) throw new ScenarioSkip('the VEN offers no TELEMETRY_USAGE data point (no METADATA_TELEMETRY_USAGE report) to request');
  return point;
}

/** A granularity inside the point's sampling range (§5.2): one minute if allowed, whole seconds. */
export function granularityFor(point: OfferedPoint): number {
  const wanted = Math.min(Math.max(MINUTE, point.minMs), point.maxMs);
  return Math.max(1_000, Math.ceil(wanted / 1_000) * 1_000);
}

/**
 * Registers offering reports (`registerOffering`) and picks the point to request (`usagePoint`)
 * with a granularity inside its sampling range (`granularityFor`). Skips as those do.
 */
export async function registerUsagePoint(h: ScenarioHarness): Promise<{ side: VtnReportSide; offer: ReportOffer; point: OfferedPoint; g: number }> {
  const { side, offer } = await registerOffering(h);
  const point = usagePoint(h, offer);
  return { side, offer, point, g: granularityFor(point) };
}

/** ISO text of a duration in ms (`PT1M`, …). */
export const iso = (ms: number): string => Duration.fromMillis(ms).toString();

/** The poll interval of the current registration (default 10 s). */
export const pollMs = (h: ScenarioHarness): number => h.ven.registration?.pollFrequencyMs ?? 10_000;

/** A periodic request for one point (§5.4): starts two poll intervals from now, so it arrives before its window opens. */
export function periodicSpec(h: ScenarioHarness, point: OfferedPoint, id: string, granularityMs: number, reportBackMs: number, windowMs = 0): ReportRequestSpec & { readonly startMs: number } {
  const startMs = Math.ceil((h.clock.now() + 2 * pollMs(h)) / 1_000) * 1_000;
  return {
    reportRequestID: id,
    reportSpecifierID: point.reportSpecifierID,
    rIDs: [point.rID],
    granularity: iso(granularityMs),
    reportBackDuration: iso(reportBackMs),
    start: new Date(startMs),
    duration: iso(windowMs),
    startMs,
  };
}

/** One data report the VTN accepted, with its arrival time. */
export interface Delivery {
  readonly at: number;
  readonly report: OadrReport;
}

/** The data reports for `reportRequestID` the VTN accepted (failed attempts left out), in arrival order. */
export function deliveries(h: ScenarioHarness, reportRequestID: string): Delivery[] {
  return h.vtn.recorder.requests.flatMap((r) =>
    r.message?.type === 'oadrUpdateReport' && r.rejected === undefined && r.fault === undefined
      ? (r.message.oadrReport ?? []).filter((rep) => rep.reportRequestID === reportRequestID).map((report) => ({ at: r.at.getTime(), report }))
      : [],
  );
}

/** One delivered interval: its start (the report's dtstart when it has none, rule 314), end and values by rID. */
export interface Span {
  readonly start: number;
  readonly end: number | undefined;
  readonly values: ReadonlyMap<string, { readonly value: unknown; readonly quality: string | undefined }>;
}

/** The intervals of a data report (§5.5). */
export function spansOf(report: OadrReport): Span[] {
  return (report.intervals ?? []).map((iv) => {
    const start = (iv.dtstart ?? report.dtstart)?.getTime();
    if (start === undefined) throw new ScenarioFailure(`report ${report.eiReportID ?? '?'}: an interval without dtstart in a report without dtstart (rule 314)`);
    const values = new Map<string, { value: unknown; quality: string | undefined }>();
    for (const p of iv.streamPayloadBase) {
      if (p.type !== 'oadrReportPayload') continue;
      const base = p.payloadBase;
      values.set(p.rID, { value: base.type === 'payloadFloat' ? base.value : base, quality: p.oadrDataQuality });
    }
    return { start, end: iv.duration ? start + iv.duration.toMillis(start) : undefined, values };
  });
}

/** Checks the fields every data report for a request carries (§5.5, rule 304): IDs, name without METADATA_, createdDateTime. */
export function checkDeliveryFields(d: Delivery, point: OfferedPoint, reportRequestID: string): void {
  const rep = d.report;
  checkEqual([rep.reportRequestID, rep.reportSpecifierID], [reportRequestID, point.reportSpecifierID], 'reportRequestID and reportSpecifierID of a delivery');
  if (rep.reportName !== undefined) checkEqual(rep.reportName, point.reportName.replace(/^METADATA_/, ''), 'reportName of a delivery (the data name, §5.5)');
  check(rep.createdDateTime instanceof Date, 'a delivery needs createdDateTime');
}

/**
 * Checks the values of one rID in delivered intervals: a payload for it in each, a float; and,
 * when it is the meter's rID, a value the meter showed during that interval (a point sample: at
 * its instant), so stale, shifted or invented readings fail (§5.4, §5.5).
 */
export function checkValues(h: ScenarioHarness, rID: string, spans: readonly Span[], what: string): void {
  for (const span of spans) {
    const at = new Date(span.start).toISOString();
    const entry = span.values.get(rID);
    if (!entry) throw new ScenarioFailure(`${what}: the interval at ${at} has no payload for rID '${rID}'`);
    check(typeof entry.value === 'number', `${what}: the interval at ${at} carries no ei:payloadFloat for '${rID}'`);
    if (h.meterRID !== rID) continue;
    const allowed = meterValuesBetween(span.start, span.end ?? span.start);
    check(allowed.has(entry.value), `${what}: the interval at ${at} reports ${String(entry.value)}${entry.quality ? ` (${entry.quality})` : ''}; the meter showed ${[...allowed].join(' or ')} during it`);
  }
}

/** Fails unless the intervals follow each other without overlap or gap, in order (§5.4, §5.5). */
export function checkContiguous(spans: readonly Span[], what: string): void {
  spans.forEach((span, i) => {
    check(span.end !== undefined, `${what}: interval ${i} has no duration`);
    const previous = spans[i - 1];
    if (previous?.end === undefined) return;
    const gap = span.start - previous.end;
    if (gap !== 0) throw new ScenarioFailure(`${what}: ${gap > 0 ? `a gap of ${gap} ms` : `an overlap of ${-gap} ms`} before the interval at ${new Date(span.start).toISOString()}`);
  });
}

/** The oadrCreatedReport answering the oadrCreateReport with `requestID`. */
export function createdFor(h: ScenarioHarness, requestID: string): MessageOf<'oadrCreatedReport'> {
  const answer = h.sent('oadrCreatedReport').find((m) => m.eiResponse.requestID === requestID);
  if (!answer) throw new ScenarioFailure(`no oadrCreatedReport echoing requestID ${requestID} (§5.4); sent ${h.types().join(', ')}`);
  return answer;
}

/** Waits until the VEN answers the oadrCreateReport with `requestID` (queued by the VTN); returns the answer. */
export async function requestAndAnswer(h: ScenarioHarness, requestID: string): Promise<MessageOf<'oadrCreatedReport'>> {
  await h.until(`the VEN answers oadrCreateReport ${requestID}`, () => h.sent('oadrCreatedReport').some((m) => m.eiResponse.requestID === requestID), 5 * pollMs(h));
  return createdFor(h, requestID);
}

/** The oadrCanceledReport answering the cancel with `requestID`, and when it arrived. */
export function canceledFor(h: ScenarioHarness, requestID: string): { readonly message: MessageOf<'oadrCanceledReport'>; readonly at: number } {
  const found = h.vtn.recorder.requests.find((r) => r.message?.type === 'oadrCanceledReport' && r.message.eiResponse.requestID === requestID);
  if (found?.message?.type !== 'oadrCanceledReport') throw new ScenarioFailure(`no oadrCanceledReport echoing requestID ${requestID} (§5.7); sent ${h.types().join(', ')}`);
  return { message: found.message, at: found.at.getTime() };
}

/** Waits until the VEN answers the cancel with `requestID` (§5.7); returns the answer and when it arrived. */
export async function cancelAndAnswer(h: ScenarioHarness, requestID: string): Promise<{ readonly message: MessageOf<'oadrCanceledReport'>; readonly at: number }> {
  await h.until(`the VEN answers oadrCancelReport ${requestID}`, () => h.sent('oadrCanceledReport').some((m) => m.eiResponse.requestID === requestID), 5 * pollMs(h));
  return canceledFor(h, requestID);
}

/** Moves time to `instantMs` (no-op when already past). */
export async function advanceTo(h: ScenarioHarness, instantMs: number): Promise<void> {
  const ms = instantMs - h.clock.now();
  if (ms > 0) await h.advance(ms);
}
