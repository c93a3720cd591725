import type { VtnReportSide } from '../mock-vtn/vtn-report-side.js';
import {
  advanceTo,
  cancelAndAnswer,
  checkContiguous,
  checkDeliveryFields,
  checkValues,
  deliveries,
  granularityFor,
  periodicSpec,
  pollMs,
  registerOffering,
  requestAndAnswer,
  spansOf,
  usagePoint,
  type OfferedPoint,
} from './report-scenario-kit.js';
import { check, checkEqual } from './scenario-assert.js';
import type { ScenarioHarness } from './scenario-harness.js';
import type { Scenario } from './scenario.js';

/** What the cancel scenarios share: periodic requests running, the first report of each delivered. */
interface Running {
  readonly side: VtnReportSide;
  readonly point: OfferedPoint;
  readonly g: number;
  /** reportBackDuration: two intervals per report. */
  readonly back: number;
  readonly startMs: number;
}

/** Requests `ids` (periodic, until cancelled, one oadrCreateReport) and runs until half-way through their second period. */
async function running(h: ScenarioHarness, ids: readonly string[]): Promise<Running> {
  const { side, offer } = await registerOffering(h);
  const point = usagePoint(h, offer);
  const g = granularityFor(point);
  const back = 2 * g;
  const specs = ids.map((id) => periodicSpec(h, point, id, g, back));
  const startMs = specs[0]?.startMs ?? h.clock.now();
  const answer = await requestAndAnswer(h, side.requestReport(h.venID(), ...specs));
  checkEqual(answer.eiResponse.responseCode, '200', 'oadrCreatedReport code');
  await advanceTo(h, startMs + back + g / 2);
  for (const id of ids) check(deliveries(h, id).length > 0, `no report for ${id} by the end of its first period`);
  return { side, point, g, back, startMs };
}

/** Reports for `id` that arrived after `afterMs`. */
const later = (h: ScenarioHarness, id: string, afterMs: number) => deliveries(h, id).filter((d) => d.at > afterMs);

/** Report cancellation scenarios (OPENADR.md §5.7). */
export const reportCancelScenarios: readonly Scenario[] = [
  {
    name: 'reports.cancel-report-to-follow',
    category: 'reports',
    checks:
      'oadrCancelReport with reportToFollow true is answered oadrCanceledReport 200 echoing its requestID; exactly one final report follows (at once [OL] or by the next reportBackDuration [EL]), continuing the data without overlap or gap; then nothing (§5.7).',
    async run(h) {
      const r = await running(h, ['pack-follow']);
      const queuedAt = h.clock.now();
      const { message } = await cancelAndAnswer(h, r.side.cancelReport(h.venID(), ['pack-follow'], true));
      checkEqual(message.eiResponse.responseCode, '200', 'oadrCanceledReport code');
      await h.advance(3 * r.back);
      const finals = later(h, 'pack-follow', queuedAt);
      checkEqual(finals.length, 1, 'reports after a cancel with reportToFollow true');
      const final = finals[0]!;
      checkDeliveryFields(final, r.point, 'pack-follow');
      check(final.at <= r.startMs + 2 * r.back + pollMs(h), 'the final report came later than the next reportBackDuration boundary (§5.7)');
      const spans = deliveries(h, 'pack-follow').flatMap((d) => spansOf(d.report));
      checkContiguous(spans, 'intervals up to the final report');
      check(spans.every((s) => (s.end ?? s.start) <= final.at), 'the final report covers time after it was sent');
      checkValues(h, r.point.rID, spans, 'reports up to the cancel');
    },
  },
  {
    name: 'reports.cancel-without-report',
    category: 'reports',
    checks: 'oadrCancelReport with reportToFollow false is answered oadrCanceledReport 200 echoing its requestID, without the request in oadrPendingReports; no report follows (§5.7).',
    async run(h) {
      const r = await running(h, ['pack-stop']);
      const queuedAt = h.clock.now();
      const requestID = r.side.cancelReport(h.venID(), ['pack-stop'], false);
      const { message } = await cancelAndAnswer(h, requestID);
      checkEqual(message.eiResponse.responseCode, '200', 'oadrCanceledReport code');
      check(!message.oadrPendingReports.includes('pack-stop'), `oadrPendingReports ${JSON.stringify(message.oadrPendingReports)} still lists the cancelled request`);
      await h.advance(3 * r.back);
      checkEqual(later(h, 'pack-stop', queuedAt).length, 0, 'reports after a cancel with reportToFollow false');
    },
  },
  {
    name: 'reports.cancel-several',
    category: 'reports',
    checks: 'One oadrCancelReport naming two of three requests stops both and only them; oadrCanceledReport lists the third as still pending (§3.5 reportRequestID+, §5.7).',
    async run(h) {
      const r = await running(h, ['pack-a', 'pack-b', 'pack-c']);
      const queuedAt = h.clock.now();
      const { message } = await cancelAndAnswer(h, r.side.cancelReport(h.venID(), ['pack-a', 'pack-c'], false));
      checkEqual(message.eiResponse.responseCode, '200', 'oadrCanceledReport code');
      const pending = message.oadrPendingReports;
      check(pending.includes('pack-b') && !pending.includes('pack-a') && !pending.includes('pack-c'), `oadrPendingReports should list pack-b and not pack-a or pack-c, got ${JSON.stringify(pending)}`);
      await h.advance(3 * r.back);
      checkEqual([later(h, 'pack-a', queuedAt).length, later(h, 'pack-c', queuedAt).length], [0, 0], 'reports of the two cancelled requests after the cancel');
      check(later(h, 'pack-b', queuedAt).length >= 2, 'the request that was not cancelled stopped reporting');
    },
  },
  {
    name: 'reports.cancel-on-updated-report',
    category: 'reports',
    checks: 'An oadrCancelReport piggy-backed on oadrUpdatedReport is processed like one received by poll: oadrCanceledReport 200 echoing its requestID, that request stops, the other goes on (§3.5, §5.5, §5.7, §10 item 10).',
    async run(h) {
      const r = await running(h, ['pack-piggy', 'pack-other']);
      r.side.cancelOnNextUpdate(['pack-piggy'], false);
      await h.until('the next report is delivered (and answered with the cancel)', () => h.sent('oadrCanceledReport').length > 0, 3 * r.back);
      const { message, at } = await cancelAndAnswer(h, 'cx-upd-pack-piggy');
      checkEqual(message.eiResponse.responseCode, '200', 'oadrCanceledReport code');
      check(!message.oadrPendingReports.includes('pack-piggy'), `oadrPendingReports ${JSON.stringify(message.oadrPendingReports)} still lists the cancelled request`);
      await h.advance(3 * r.back);
      checkEqual(later(h, 'pack-piggy', at).length, 0, 'reports of the cancelled request after oadrCanceledReport');
      check(later(h, 'pack-other', at).length >= 2, 'the request that was not cancelled stopped reporting');
    },
  },
];
