import { Duration, type MessageOf, type OadrReport } from '@rxadr/core';
import { reportCancelScenarios } from './report-cancel-scenarios.js';
import { reportDeliveryScenarios } from './report-delivery-scenarios.js';
import { reportMoreScenarios } from './report-more-scenarios.js';
import { reportRetryScenarios } from './report-retry-scenarios.js';
import {
  MINUTE,
  deliveries,
  granularityFor,
  installReportSide,
  iso,
  offerShape,
  periodicSpec,
  pollMs,
  readOffer,
  registerOffering,
  registerUsagePoint,
  registerWithReports,
  requestAndAnswer,
  usagePoint,
  type ReportOffer,
} from './report-scenario-kit.js';
import { check, checkEqual, defined } from './scenario-assert.js';
import type { ScenarioHarness } from './scenario-harness.js';
import { ScenarioSkip, type Scenario } from './scenario.js';

/** Fails unless an oadrRegisterReport is a well-formed METADATA registration (§5.2, §10 item 5). */
function checkMetadata(h: ScenarioHarness, offer: ReportOffer, answering?: string): void {
  const { message } = offer;
  checkEqual(message.venID, h.venID(), 'venID of oadrRegisterReport');
  check(message.requestID !== '', 'oadrRegisterReport needs a requestID');
  const ids = answering === undefined ? ['0'] : ['0', answering];
  const specifiers = new Set<string>();
  for (const report of message.oadrReport ?? []) {
    const name = report.reportName ?? '';
    check(name.startsWith('METADATA_') || name.startsWith('x-'), `report '${report.reportSpecifierID}' is named '${name}': registered reports carry the METADATA_ name (§5.1)`);
    check(ids.includes(report.reportRequestID), `report '${report.reportSpecifierID}' has reportRequestID '${report.reportRequestID}'; metadata carries ${ids.join(' or ')} (§5.2, rule 311)`);
    check(report.reportSpecifierID !== '' && !specifiers.has(report.reportSpecifierID), `reportSpecifierID '${report.reportSpecifierID}' is empty or repeated (§5.2)`);
    specifiers.add(report.reportSpecifierID);
    const rIDs = (report.oadrReportDescription ?? []).map((d) => d.rID);
    check(rIDs.length > 0, `report '${report.reportSpecifierID}' describes no data point (§5.2)`);
    check(new Set(rIDs).size === rIDs.length, `report '${report.reportSpecifierID}' repeats an rID: ${rIDs.join(', ')} (§5.2)`);
  }
}

/** The oadrRegisterReport messages the VEN sent after its first message of `type`. */
const registerReportsAfter = (h: ScenarioHarness, type: string): MessageOf<'oadrRegisterReport'>[] => {
  const messages = h.vtn.recorder.requests.map((r) => r.message);
  const from = messages.findIndex((m) => m?.type === type);
  return from < 0 ? [] : messages.slice(from + 1).flatMap((m) => (m?.type === 'oadrRegisterReport' ? [m] : []));
};

/** A report the VTN offers about itself (§5.3 step 3). */
const vtnReport = (now: Date): OadrReport => {
  const hour = Duration.fromMillis(60 * MINUTE);
  return {
    oadrReportDescription: [{ rID: 'vtn-price', reportType: 'price', readingType: 'Direct Read', oadrSamplingRate: { oadrMinPeriod: hour, oadrMaxPeriod: hour, oadrOnChange: false } }],
    reportRequestID: '0',
    reportSpecifierID: 'vtn-prices',
    reportName: 'METADATA_TELEMETRY_USAGE',
    createdDateTime: now,
  };
};

/** Report registration and request scenarios (OPENADR.md §5.2–§5.4). */
const reportRequestScenarios: readonly Scenario[] = [
  {
    name: 'reports.metadata-after-registration',
    category: 'reports',
    checks: 'After registering, the VEN sends oadrRegisterReport with its venID and its METADATA_ reports: reportRequestID 0, unique reportSpecifierIDs, at least one rID each, rIDs unique within a report (§5.2, §5.3 step 1, §10 item 5).',
    async run(h) {
      const { offer, types } = await registerWithReports(h);
      const registered = types.indexOf('oadrCreatePartyRegistration');
      check(types.indexOf('oadrRegisterReport') > registered, `oadrRegisterReport must follow the registration; sent ${types.join(', ')}`);
      checkMetadata(h, defined(offer, 'the METADATA offer'));
    },
  },
  {
    name: 'reports.metadata-after-reregistration',
    category: 'reports',
    checks: 'After oadrRequestReregistration the VEN registers again and re-sends oadrRegisterReport (a new requestID) with the same reportSpecifierIDs and rIDs (§5.2 "stable", §5.3 step 1).',
    async run(h) {
      const { offer } = await registerOffering(h);
      h.vtn.model.requestReregistration(h.venID());
      await h.until('the VEN registers again and re-sends its metadata', () => registerReportsAfter(h, 'oadrCreatePartyRegistration').length > 0, 5 * MINUTE);
      const again = readOffer(defined(registerReportsAfter(h, 'oadrCreatePartyRegistration')[0], 'oadrRegisterReport after re-registration'));
      check(again.message.requestID !== offer.message.requestID, 'the second oadrRegisterReport reuses the first requestID');
      checkEqual(offerShape(again), offerShape(offer), 'reportSpecifierIDs and rIDs after re-registration');
      checkMetadata(h, again);
    },
  },
  {
    name: 'reports.vtn-register-report-answered',
    category: 'reports',
    checks: "The VTN's own oadrRegisterReport is answered with oadrRegisteredReport 200 echoing its requestID, with the own venID (§5.3 step 3, §10 item 5).",
    async run(h) {
      const side = installReportSide(h);
      await h.register();
      const venID = h.venID();
      side.offer([vtnReport(h.clock.date)], [venID]);
      const queued = (h.vtn.model.vens.get(venID)?.queue ?? []).flatMap((item) => ('message' in item && item.message.type === 'oadrRegisterReport' ? [item.message.requestID] : []));
      const requestID = defined(queued.at(-1), "the VTN's queued oadrRegisterReport");
      await h.until('the VEN answers the VTN oadrRegisterReport', () => h.sent('oadrRegisteredReport').length > 0, 5 * pollMs(h));
      const answer = defined(h.sent('oadrRegisteredReport')[0], 'oadrRegisteredReport');
      checkEqual([answer.eiResponse.responseCode, answer.eiResponse.requestID], ['200', requestID], 'oadrRegisteredReport code and requestID');
      checkEqual(answer.venID, venID, 'venID of oadrRegisteredReport');
    },
  },
  {
    name: 'reports.request-in-registered-report',
    category: 'reports',
    checks: 'A request embedded in the oadrRegisteredReport answering the metadata is treated as an oadrCreateReport: oadrCreatedReport 200 listing it as pending, then its data is delivered (§5.3 step 2).',
    async run(h) {
      const side = installReportSide(h);
      let embedded: { id: string; startMs: number; granularityMs: number } | undefined;
      const answer = side.handle.bind(side);
      side.handle = (message, ctx) => {
        const offered = message.type === 'oadrRegisterReport' && !embedded && (message.oadrReport ?? []).length > 0 ? readOffer(message) : undefined;
        const point = offered?.points.find((p) => (h.meterRID === undefined ? p.reportName === 'METADATA_TELEMETRY_USAGE' : p.rID === h.meterRID));
        if (point) {
          const g = granularityFor(point);
          const spec = periodicSpec(h, point, 'pack-embedded', g, g);
          embedded = { id: 'pack-embedded', startMs: spec.startMs, granularityMs: g };
          side.embedOnRegister(spec);
        }
        return answer(message, ctx);
      };
      const { offer } = await registerOffering(h, { side, keep: true });
      usagePoint(h, offer);
      const request = defined(embedded, 'the embedded request');
      const created = h.sent('oadrCreatedReport');
      check(created.length > 0, `no oadrCreatedReport for the request embedded in oadrRegisteredReport (§5.3 step 2); sent ${h.types().join(', ')}`);
      const first = defined(created[0], 'oadrCreatedReport');
      checkEqual(first.eiResponse.responseCode, '200', 'oadrCreatedReport code');
      check(first.oadrPendingReports.includes(request.id), `oadrPendingReports ${JSON.stringify(first.oadrPendingReports)} lacks the embedded request`);
      await h.advance(request.startMs + 2 * request.granularityMs + pollMs(h) - h.clock.now());
      check(deliveries(h, request.id).length > 0, `no data delivered for the embedded request within two of its periods; sent ${h.types().join(', ')}`);
    },
  },
  {
    name: 'reports.metadata-request',
    category: 'reports',
    checks: 'An oadrCreateReport for reportSpecifierID METADATA (rule 306) is answered oadrCreatedReport 200, then the metadata is sent again in oadrRegisterReport, unchanged (§5.3 step 4).',
    async run(h) {
      const { side, offer } = await registerOffering(h);
      const rID = defined(offer.points[0], 'an offered rID').rID;
      const requestID = side.requestReport(h.venID(), { reportRequestID: 'pack-metadata', reportSpecifierID: 'METADATA', rIDs: [rID], granularity: 'PT0S', reportBackDuration: 'PT0S' });
      const created = await requestAndAnswer(h, requestID);
      checkEqual(created.eiResponse.responseCode, '200', 'oadrCreatedReport code for a METADATA request');
      await h.until('the VEN re-sends its metadata', () => registerReportsAfter(h, 'oadrCreatedReport').length > 0, 5 * pollMs(h));
      const again = readOffer(defined(registerReportsAfter(h, 'oadrCreatedReport')[0], 'oadrRegisterReport'));
      checkEqual(offerShape(again), offerShape(offer), 'reportSpecifierIDs and rIDs re-sent');
      if (again.message.reportRequestID !== undefined) checkEqual(again.message.reportRequestID, 'pack-metadata', 'message-level reportRequestID (rule 311)');
      checkMetadata(h, again, 'pack-metadata');
    },
  },
  {
    name: 'reports.unknown-specifier',
    category: 'reports',
    checks: 'A request naming a reportSpecifierID the VEN never registered is refused with 452 (461 tolerated), is not pending, and gets no data (§5.3 step 5, §5.4, §8).',
    async run(h) {
      const { side, offer } = await registerWithReports(h, { optional: true });
      const specifiers = new Set(offer?.points.map((p) => p.reportSpecifierID));
      const unknown = ['pack-no-such-report', 'pack-no-such-report-2'].find((s) => !specifiers.has(s)) ?? 'pack-unknown';
      const rID = offer?.points[0]?.rID ?? 'pack-rid';
      const requestID = side.requestReport(h.venID(), { reportRequestID: 'pack-unknown-specifier', reportSpecifierID: unknown, rIDs: [rID], granularity: 'PT1M', reportBackDuration: 'PT1M' });
      const answer = await requestAndAnswer(h, requestID);
      check(['452', '461'].includes(answer.eiResponse.responseCode), `oadrCreatedReport code for an unknown reportSpecifierID: expected 452, got ${answer.eiResponse.responseCode}`);
      check(!answer.oadrPendingReports.includes('pack-unknown-specifier'), 'a refused request is listed in oadrPendingReports');
      await h.advance(3 * MINUTE);
      checkEqual(deliveries(h, 'pack-unknown-specifier').length, 0, 'deliveries for a refused request');
    },
  },
  {
    name: 'reports.unknown-rid',
    category: 'reports',
    checks: 'A request for a registered report naming an rID it does not have is refused with 452 (461 tolerated), is not pending, and gets no data (§5.3 step 5, [EL]).',
    async run(h) {
      const { side, offer } = await registerOffering(h);
      const point = defined(offer.points[0], 'an offered data point');
      const rIDs = new Set(offer.points.map((p) => p.rID));
      const ghost = ['pack-no-such-rid', 'pack-no-such-rid-2'].find((r) => !rIDs.has(r)) ?? 'pack-ghost';
      const requestID = side.requestReport(h.venID(), { reportRequestID: 'pack-unknown-rid', reportSpecifierID: point.reportSpecifierID, rIDs: [ghost], granularity: iso(granularityFor(point)), reportBackDuration: iso(granularityFor(point)) });
      const answer = await requestAndAnswer(h, requestID);
      check(['452', '461'].includes(answer.eiResponse.responseCode), `oadrCreatedReport code for an unknown rID: expected 452, got ${answer.eiResponse.responseCode}`);
      check(!answer.oadrPendingReports.includes('pack-unknown-rid'), 'a refused request is listed in oadrPendingReports');
      await h.advance(3 * granularityFor(point));
      checkEqual(deliveries(h, 'pack-unknown-rid').length, 0, 'deliveries for a refused request');
    },
  },
  {
    name: 'reports.granularity-out-of-range',
    category: 'reports',
    checks: 'A granularity slower than the oadrMaxPeriod the VEN registered for an rID is refused with a 4xx (rxadr: 454) and that rID is not reported ([OL] drops it, §5.2, §5.4).',
    async run(h) {
      const { side, point } = await registerUsagePoint(h);
      if (!point.hasSamplingRate || !Number.isFinite(point.maxMs)) throw new ScenarioSkip(`rID '${point.rID}' registers no oadrSamplingRate to be outside of`);
      const slow = point.maxMs + 60 * MINUTE;
      const requestID = side.requestReport(h.venID(), { reportRequestID: 'pack-too-slow', reportSpecifierID: point.reportSpecifierID, rIDs: [point.rID], granularity: iso(slow), reportBackDuration: iso(slow) });
      const answer = await requestAndAnswer(h, requestID);
      check(answer.eiResponse.responseCode.startsWith('4'), `oadrCreatedReport code for granularity ${iso(slow)} outside ${iso(point.minMs)}..${iso(point.maxMs)}: expected a 4xx, got ${answer.eiResponse.responseCode}`);
      // Still pending (some rIDs kept): wait one period for what it sends; refused: a few minutes show nothing comes.
      await h.advance(answer.oadrPendingReports.includes('pack-too-slow') ? slow + pollMs(h) : 3 * MINUTE);
      const reported = deliveries(h, 'pack-too-slow').some((d) => (d.report.intervals ?? []).some((iv) => iv.streamPayloadBase.some((p) => p.type === 'oadrReportPayload' && p.rID === point.rID)));
      check(!reported, `rID '${point.rID}' was reported at a granularity outside its sampling range`);
    },
  },
];

/** Report scenarios (OPENADR.md §5): registration, requests, deliveries, cancellation, history, status, restart, failures. */
export const reportScenarios: readonly Scenario[] = [...reportRequestScenarios, ...reportDeliveryScenarios, ...reportCancelScenarios, ...reportMoreScenarios, ...reportRetryScenarios];
