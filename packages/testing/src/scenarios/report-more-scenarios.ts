import {
  MINUTE,
  advanceTo,
  checkContiguous,
  checkDeliveryFields,
  checkValues,
  deliveries,
  granularityFor,
  iso,
  periodicSpec,
  pollMs,
  registerOffering,
  registerUsagePoint,
  requestAndAnswer,
  spansOf,
  type OfferedPoint,
  type ReportOffer,
  type Span,
} from './report-scenario-kit.js';
import { check, checkEqual, defined } from './scenario-assert.js';
import { ScenarioFailure, ScenarioSkip, type Scenario } from './scenario.js';

/** Intervals in the historical window. */
const HISTORY_INTERVALS = 4;
/** Deliveries of the on-change request, and their period: long enough for a status to change. */
const STATUS_PERIODS = 3;
const STATUS_BACK_MS = 30 * MINUTE;

/** The first offered point of the METADATA report `reportName`, or a skip naming what is missing. */
function pointNamed(offer: ReportOffer, reportName: string, what: string): OfferedPoint {
  const point = offer.points.find((p) => p.reportName === `METADATA_${reportName}`);
  if (!point) throw new ScenarioSkip(`the VEN offers no ${reportName} data point (no METADATA_${reportName} report) to ${what}`);
  return point;
}

/** What the VEN's METADATA report says about a point: `xcal:duration` (history served) and `oadrOnChange` (§5.2). */
function described(offer: ReportOffer, point: OfferedPoint): { readonly historyMs: number | undefined; readonly onChange: boolean | undefined } {
  const report = offer.message.oadrReport?.find((r) => r.reportSpecifierID === point.reportSpecifierID);
  const description = report?.oadrReportDescription?.find((d) => d.rID === point.rID);
  return { historyMs: report?.duration?.toMillis(), onChange: description?.oadrSamplingRate?.oadrOnChange };
}

/** A value and its quality as one comparable text: two intervals with equal keys hold the same status. */
const statusKey = (span: Span, rID: string): string => JSON.stringify(span.values.get(rID) ?? null);

/** Fails unless every interval carries an `oadrPayloadResourceStatus` for `rID`, or a flagged missing value (§5.6, §5.5). */
function checkStatusPayloads(spans: readonly Span[], rID: string, what: string): void {
  for (const span of spans) {
    const at = new Date(span.start).toISOString();
    const entry = span.values.get(rID);
    if (!entry) throw new ScenarioFailure(`${what}: the interval at ${at} has no payload for rID '${rID}'`);
    const value = entry.value as { type?: unknown; oadrOnline?: unknown; oadrManualOverride?: unknown } | number;
    if (typeof value === 'number') {
      check(entry.quality !== undefined, `${what}: the interval at ${at} carries a float for status rID '${rID}', not oadr:oadrPayloadResourceStatus (§5.6)`);
      continue;
    }
    check(value.type === 'oadrPayloadResourceStatus', `${what}: the interval at ${at} carries ${String(value.type)}, not oadr:oadrPayloadResourceStatus (§5.6)`);
    check(typeof value.oadrOnline === 'boolean' && typeof value.oadrManualOverride === 'boolean', `${what}: the status at ${at} lacks oadrOnline or oadrManualOverride (§5.6)`);
  }
}

/** Report scenarios for historical, on-change and resumed requests (OPENADR.md §5.4–§5.6). */
export const reportMoreScenarios: readonly Scenario[] = [
  {
    name: 'reports.historical-window',
    category: 'reports',
    checks:
      'A request for a HISTORY_USAGE point with a reportInterval in the past and reportBackDuration 0 is historical: oadrCreatedReport 200, then exactly one oadrUpdateReport named HISTORY_USAGE whose dtstart/duration is the window and whose intervals, one per granularity, tile it exactly, each with a value for the rID (§5.4 table, §5.5).',
    async run(h) {
      const { side, offer } = await registerOffering(h);
      const point = pointNamed(offer, 'HISTORY_USAGE', 'request history from');
      const g = granularityFor(point);
      const windowMs = HISTORY_INTERVALS * g;
      // A whole number of intervals, ending at least one granularity before now: data the VEN has had time to store.
      const endMs = Math.floor(h.clock.now() / g) * g - g;
      const startMs = endMs - windowMs;
      const { historyMs } = described(offer, point);
      if (historyMs !== undefined && historyMs > 0 && historyMs < h.clock.now() - startMs) {
        throw new ScenarioSkip(`report '${point.reportSpecifierID}' serves ${iso(historyMs)} of history, less than the ${iso(h.clock.now() - startMs)} the scenario asks for`);
      }
      const spec = { reportRequestID: 'pack-history', reportSpecifierID: point.reportSpecifierID, rIDs: [point.rID], granularity: iso(g), reportBackDuration: 'PT0S', start: new Date(startMs), duration: iso(windowMs) };
      const answer = await requestAndAnswer(h, side.requestReport(h.venID(), spec));
      checkEqual(answer.eiResponse.responseCode, '200', `oadrCreatedReport code for a historical request at granularity ${iso(g)}`);
      await h.until('the historical report arrives', () => deliveries(h, 'pack-history').length > 0, 3 * pollMs(h));
      await h.advance(Math.max(5 * MINUTE, 2 * g));
      const got = deliveries(h, 'pack-history');
      checkEqual(got.length, 1, 'oadrUpdateReports for a historical request (one delivery covering the window, §5.4)');
      const d = defined(got[0], 'the historical report');
      checkDeliveryFields(d, point, 'pack-history');
      checkEqual([d.report.dtstart?.getTime(), d.report.duration?.toMillis(startMs)], [startMs, windowMs], 'report dtstart and duration (the reportInterval, §5.5)');
      const spans = spansOf(d.report);
      checkEqual(spans.length, HISTORY_INTERVALS, `intervals in the historical report (window ${iso(windowMs)} / granularity ${iso(g)})`);
      check(spans.every((s) => s.end !== undefined && s.end - s.start === g), `every interval should last the granularity ${iso(g)}`);
      checkContiguous(spans, 'intervals of the historical report');
      checkEqual([spans[0]?.start, spans.at(-1)?.end], [startMs, endMs], 'first start and last end (exactly the reportInterval, §5.4)');
      checkValues(h, point.rID, spans, 'historical report');
    },
  },
  {
    name: 'reports.status-on-change',
    category: 'reports',
    checks:
      'A TELEMETRY_STATUS request with granularity 0 and reportBackDuration 30 min records on change: one oadrUpdateReport per reportBackDuration, each sent once its window is over, whose intervals tile the window, one per value held (adjacent intervals differ; none between changes shorter than oadrMinPeriod), each with an oadrPayloadResourceStatus (§5.2 oadrOnChange, §5.4 table, §5.6).',
    async run(h) {
      const { side, offer } = await registerOffering(h);
      const point = pointNamed(offer, 'TELEMETRY_STATUS', 'request on change');
      if (described(offer, point).onChange === false) throw new ScenarioSkip(`status rID '${point.rID}' does not record changes (oadrOnChange false, §5.2)`);
      const spec = periodicSpec(h, point, 'pack-on-change', 0, STATUS_BACK_MS, STATUS_PERIODS * STATUS_BACK_MS);
      const answer = await requestAndAnswer(h, side.requestReport(h.venID(), spec));
      checkEqual(answer.eiResponse.responseCode, '200', 'oadrCreatedReport code for an on-change status request (granularity 0)');
      const endMs = spec.startMs + STATUS_PERIODS * STATUS_BACK_MS;
      await advanceTo(h, endMs + STATUS_BACK_MS + pollMs(h));
      const got = deliveries(h, 'pack-on-change');
      checkEqual(got.length, STATUS_PERIODS, `oadrUpdateReports for a window of ${STATUS_PERIODS} reportBackDurations`);
      const all: Span[] = [];
      got.forEach((d, i) => {
        const what = `delivery ${i + 1}`;
        const windowStart = spec.startMs + i * STATUS_BACK_MS;
        const windowEnd = windowStart + STATUS_BACK_MS;
        checkDeliveryFields(d, point, 'pack-on-change');
        const spans = spansOf(d.report);
        check(spans.length > 0, `${what} carries no interval`);
        checkContiguous(spans, `intervals of ${what}`);
        checkEqual([spans[0]?.start, spans.at(-1)?.end], [windowStart, windowEnd], `${what}: first start and last end (its reportBackDuration)`);
        check(d.at >= windowEnd && d.at < windowEnd + STATUS_BACK_MS, `${what} was sent at ${new Date(d.at).toISOString()}, not within one reportBackDuration after its window ended at ${new Date(windowEnd).toISOString()}`);
        checkStatusPayloads(spans, point.rID, what);
        spans.forEach((span, j) => {
          const before = spans[j - 1];
          if (before && statusKey(before, point.rID) === statusKey(span, point.rID)) {
            throw new ScenarioFailure(`${what}: the intervals at ${new Date(before.start).toISOString()} and ${new Date(span.start).toISOString()} hold the same status; on change, an interval starts only when the value changes (§5.4)`);
          }
          const between = j > 0 && j < spans.length - 1;
          if (between && span.end !== undefined && span.end - span.start < point.minMs) {
            throw new ScenarioFailure(`${what}: a change recorded ${(span.end - span.start) / 1000} s after the previous one, faster than oadrMinPeriod ${iso(point.minMs)} (§5.2)`);
          }
        });
        all.push(...spans);
      });
      checkContiguous(all, 'intervals across deliveries');
    },
  },
  {
    name: 'reports.resumes-after-restart',
    category: 'reports',
    needs: ['store'],
    checks:
      'A VEN restarted from its store while a periodic request is pending resumes it without registering again or being asked again: the reports go on from where they stopped, without overlap; a whole reportBackDuration that ended while it was stopped holds no data and is not sent (no backlog of empty intervals), and an interval without a sample inside a report that is sent is flagged with oadrDataQuality (§5.4, §5.5; DESIGN.md persistence, reports).',
    async run(h) {
      const { side, point, g } = await registerUsagePoint(h);
      const back = 2 * g;
      const spec = periodicSpec(h, point, 'pack-resume', g, back);
      const answer = await requestAndAnswer(h, side.requestReport(h.venID(), spec));
      checkEqual(answer.eiResponse.responseCode, '200', 'oadrCreatedReport code');
      // Stop and start half-way through an interval, so no sample falls exactly on either.
      await advanceTo(h, spec.startMs + 2 * back + g / 2);
      check(deliveries(h, 'pack-resume').length >= 2, 'fewer than two reports before the restart');
      const venID = h.venID();
      await h.restart();
      const stoppedAt = h.clock.now();
      await h.advance(3 * g);
      const mark = h.vtn.recorder.requests.length;
      const startedAt = h.clock.now();
      h.start();
      const since = () => h.vtn.recorder.requests.slice(mark).flatMap((r) => (r.message ? [r.message] : []));
      await h.until('the restarted VEN polls', () => since().some((m) => m.type === 'oadrPoll'));
      checkEqual(since().filter((m) => m.type === 'oadrCreatePartyRegistration').length, 0, 'registrations after the restart (pass ctx.store to createVen)');
      const target = startedAt + 2 * back;
      const coveredEnd = () => deliveries(h, 'pack-resume').flatMap((d) => spansOf(d.report)).at(-1)?.end ?? 0;
      await h.until('reporting for the pending request resumes', () => coveredEnd() >= target, 2 * back + 3 * pollMs(h));
      check(since().every((m) => m.type !== 'oadrPoll' || m.venID === venID), 'the restarted VEN polls under another venID');
      const spans = deliveries(h, 'pack-resume').flatMap((d) => spansOf(d.report));
      checkEqual(spans[0]?.start, spec.startMs, 'start of the first interval');
      check(spans.every((s) => s.end !== undefined && s.end - s.start === g), `every interval should last the granularity ${iso(g)}`);
      // In order, no overlap; a gap only where a whole delivery period ended while the VEN was stopped.
      for (let i = 1; i < spans.length; i++) {
        const gap = spans[i]!.start - spans[i - 1]!.end!;
        check(gap >= 0, `intervals across the restart overlap at ${new Date(spans[i]!.start).toISOString()}`);
        if (gap > 0) {
          check(gap % back === 0 && spans[i - 1]!.end! >= stoppedAt - back && spans[i]!.start <= startedAt + back, `a gap of ${iso(gap)} at ${new Date(spans[i - 1]!.end!).toISOString()} that is not whole delivery periods missed while the VEN was stopped`);
        }
      }
      check(spans.at(-1)!.end! >= target, 'reporting did not resume after the restart');
      const stopped = (s: Span) => s.end !== undefined && s.end > stoppedAt && s.end < startedAt;
      const missed = spans.filter(stopped);
      for (const s of missed) {
        check(s.values.get(point.rID)?.quality !== undefined, `the interval at ${new Date(s.start).toISOString()}, sampled while the VEN was stopped, is not flagged with oadrDataQuality (§5.5)`);
      }
      checkValues(h, point.rID, spans.filter((s) => !stopped(s)), 'reports around the restart');
    },
  },
];
