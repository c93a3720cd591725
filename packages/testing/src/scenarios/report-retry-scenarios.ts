import type { OadrReport } from '@rxadr/core';
import type { Fault } from '../mock-vtn/vtn-faults.js';
import type { RecordedRequest } from '../mock-vtn/vtn-recorder.js';
import {
  advanceTo,
  checkContiguous,
  checkValues,
  deliveries,
  iso,
  periodicSpec,
  pollMs,
  registerUsagePoint,
  requestAndAnswer,
  spansOf,
} from './report-scenario-kit.js';
import { check, checkEqual, defined } from './scenario-assert.js';
import type { ScenarioHarness } from './scenario-harness.js';
import type { Scenario } from './scenario.js';

/** The OpenADR code the VTN refuses a report with: "invalid data" (§8), which does not touch the registration. */
const REFUSAL_CODE = '454';
/** The HTTP status of the VTN's failures: a responder error, retryable (§1.5, DESIGN.md retries). */
const FAILURE_STATUS = 503;

/** Every attempt the VEN made to deliver a report for `reportRequestID`, failed ones included, in order. */
function attempts(h: ScenarioHarness, reportRequestID: string): Array<{ readonly request: RecordedRequest; readonly report: OadrReport }> {
  return h.vtn.recorder.requests.flatMap((request) =>
    request.message?.type === 'oadrUpdateReport' ? (request.message.oadrReport ?? []).filter((r) => r.reportRequestID === reportRequestID).map((report) => ({ request, report })) : [],
  );
}

/** Answers that do not deliver a report (§1.5: "not delivered … retry"; DESIGN.md: the ledger's transient class). */
const NOT_DELIVERED: ReadonlyArray<readonly [name: string, what: string, fault: Fault]> = [
  ['html-200', 'an HTML page with HTTP 200 (a captive proxy)', { kind: 'raw', body: '<!DOCTYPE html><html><body>Please log in</body></html>' }],
  ['openadr-500', 'oadrUpdatedReport with responseCode 500', { kind: 'openadr-code', code: '500', description: 'internal error' }],
  ['wrong-reply', 'an oadrResponse 200 where oadrUpdatedReport is due', { kind: 'openadr-code', code: '200', asResponse: true }],
];

/** A report not delivered by `fault` twice is retried and accepted once, same eiReportID, nothing lost or doubled. */
function notDeliveredScenario([name, what, fault]: (typeof NOT_DELIVERED)[number]): Scenario {
  return {
    name: `reports.not-delivered-${name}-retried`,
    category: 'reports',
    checks: `A report answered with ${what} was not delivered: it is sent again (same eiReportID, with backoff) until the VTN accepts it, accepted once, and no interval is lost or doubled (§1.5, §5.5; DESIGN.md "the ledger").`,
    async run(h) {
      const { side, point, g } = await registerUsagePoint(h);
      const id = `pack-${name}`;
      const spec = periodicSpec(h, point, id, g, g);
      checkEqual((await requestAndAnswer(h, side.requestReport(h.venID(), spec))).eiResponse.responseCode, '200', 'oadrCreatedReport code');
      await advanceTo(h, spec.startMs + g + g / 2);
      h.vtn.faults.inject(fault, { service: 'EiReport', type: 'oadrUpdateReport', times: 2 });
      const failedFrom = h.clock.now();
      await h.until(`two reports answered with ${what}`, () => attempts(h, id).filter((a) => a.request.fault !== undefined).length >= 2, 10 * g);
      const failed = attempts(h, id).filter((a) => a.request.fault !== undefined);
      const firstFailed = defined(failed[0], 'the first report that was not delivered').report.eiReportID;
      await h.until('the report that was not delivered is accepted', () => deliveries(h, id).some((d) => d.at >= failedFrom && d.report.eiReportID === firstFailed), 20 * g);
      const accepted = deliveries(h, id);
      const ids = accepted.map((d) => d.report.eiReportID);
      checkEqual(new Set(ids).size, ids.length, 'distinct eiReportIDs among accepted reports (each delivered once)');
      checkEqual(accepted.filter((d) => d.report.eiReportID === firstFailed).length, 1, `acceptances of report ${firstFailed ?? '?'}`);
      const spans = accepted.flatMap((d) => spansOf(d.report));
      checkEqual(spans[0]?.start, spec.startMs, 'start of the first interval');
      checkContiguous(spans, `intervals delivered around ${what}`);
    },
  };
}

/** Report delivery failures: what a refusal and a failed send lead to (OPENADR.md §1.5, §5.5, §8). */
export const reportRetryScenarios: readonly Scenario[] = [
  ...NOT_DELIVERED.map(notDeliveredScenario),
  {
    name: 'reports.refused-not-resent',
    category: 'reports',
    checks: `A report the VTN answers with oadrUpdatedReport ${REFUSAL_CODE} (an OpenADR 4xx: the VTN refuses the content) is terminal: it is not sent again, nor folded into later reports, and the request goes on with the next intervals (§1.5 OpenADR-level error, §5.5, §8; DESIGN.md "the ledger": counted rejected, a typed error).`,
    async run(h) {
      const { side, point, g } = await registerUsagePoint(h);
      let refused: string | undefined;
      const answer = side.handle.bind(side);
      side.handle = (message, ctx) => {
        const report = message.type === 'oadrUpdateReport' && refused === undefined ? message.oadrReport?.find((r) => r.reportRequestID === 'pack-refused') : undefined;
        if (!report) return answer(message, ctx);
        refused = report.eiReportID ?? '(no eiReportID)';
        side.updatedReportCode = REFUSAL_CODE;
        try {
          return answer(message, ctx);
        } finally {
          side.updatedReportCode = '200';
        }
      };
      const spec = periodicSpec(h, point, 'pack-refused', g, g);
      checkEqual((await requestAndAnswer(h, side.requestReport(h.venID(), spec))).eiResponse.responseCode, '200', 'oadrCreatedReport code');
      await advanceTo(h, spec.startMs + 5 * g + pollMs(h));
      const refusedID = defined(refused, 'a report for the request to refuse');
      const sent = attempts(h, 'pack-refused');
      const copies = sent.filter((a) => a.report.eiReportID === refusedID);
      checkEqual(copies.length, 1, `oadrUpdateReports carrying report ${refusedID}, which the VTN refused with ${REFUSAL_CODE}`);
      const requestIDs = sent.map((a) => (a.request.message?.type === 'oadrUpdateReport' ? a.request.message.requestID : ''));
      checkEqual(new Set(requestIDs).size, requestIDs.length, 'distinct oadrUpdateReport requestIDs (a refused report is not sent again under its requestID)');
      const refusedAt = sent.findIndex((a) => a.report.eiReportID === refusedID);
      check(sent.length - refusedAt - 1 >= 3, `the request stopped reporting after the refusal: ${sent.length - refusedAt - 1} report(s) followed it in ${iso(4 * g)}`);
      const spans = deliveries(h, 'pack-refused').flatMap((d) => spansOf(d.report));
      checkEqual(spans[0]?.start, spec.startMs, 'start of the first interval');
      checkContiguous(spans, 'intervals of every report, the refused one included (its data is not sent twice)');
      checkValues(h, point.rID, spans, 'reports around the refusal');
    },
  },
  {
    name: 'reports.failed-delivery-retried-in-order',
    category: 'reports',
    checks: `Reports whose oadrUpdateReport fails with HTTP ${FAILURE_STATUS} for three granularities are retried: the first that failed goes out first once the VTN answers again, same eiReportID, then the ones made meanwhile, in order, each once, the intervals without gap or overlap (§1.5 "not delivered … retry", §5.5; DESIGN.md retries).`,
    async run(h) {
      const { side, point, g } = await registerUsagePoint(h);
      const spec = periodicSpec(h, point, 'pack-retry', g, g);
      checkEqual((await requestAndAnswer(h, side.requestReport(h.venID(), spec))).eiResponse.responseCode, '200', 'oadrCreatedReport code');
      await advanceTo(h, spec.startMs + g + g / 2);
      check(deliveries(h, 'pack-retry').length > 0, 'no report before the failures');
      const failFrom = h.clock.now();
      const failUntil = failFrom + 3 * g;
      h.vtn.faults.failFor('EiReport', failUntil - failFrom, { kind: 'http-status', status: FAILURE_STATUS });
      await advanceTo(h, failUntil);
      const failed = attempts(h, 'pack-retry').filter((a) => a.request.fault !== undefined);
      check(failed.length > 0, `no report was sent while the VTN answered HTTP ${FAILURE_STATUS} for ${iso(3 * g)}, though intervals ended`);
      const firstFailed = defined(failed[0], 'the first failed report').report.eiReportID;
      const coveredEnd = () => deliveries(h, 'pack-retry').flatMap((d) => spansOf(d.report)).at(-1)?.end ?? 0;
      await h.until('the reports made during the failures are delivered', () => coveredEnd() >= failUntil, 10 * g);
      const accepted = deliveries(h, 'pack-retry');
      const afterFailure = accepted.filter((d) => d.at >= failFrom);
      checkEqual(afterFailure[0]?.report.eiReportID, firstFailed, 'eiReportID of the first report accepted after the failures began (the first one that failed, retried first)');
      const ids = accepted.map((d) => d.report.eiReportID);
      checkEqual(new Set(ids).size, ids.length, 'distinct eiReportIDs among accepted reports (each delivered once)');
      for (const a of failed) check(ids.includes(a.report.eiReportID), `report ${a.report.eiReportID ?? '?'} failed with HTTP ${FAILURE_STATUS} and was never delivered`);
      const spans = accepted.flatMap((d) => spansOf(d.report));
      checkEqual(spans[0]?.start, spec.startMs, 'start of the first interval');
      checkContiguous(spans, 'intervals delivered around the failures (in delivery order)');
      check(spans.every((s) => s.end !== undefined && s.end - s.start === g), `every interval should last the granularity ${iso(g)}`);
      checkValues(h, point.rID, spans, 'reports retried after the failures');
    },
  },
];
