import {
  MINUTE,
  advanceTo,
  checkContiguous,
  checkDeliveryFields,
  checkValues,
  deliveries,
  iso,
  periodicSpec,
  pollMs,
  registerUsagePoint,
  requestAndAnswer,
  spansOf,
  type Span,
} from './report-scenario-kit.js';
import { check, checkEqual, defined } from './scenario-assert.js';
import type { Scenario } from './scenario.js';

const INTERVALS_PER_REPORT = 5;
const PERIODS = 3;

/** Report delivery scenarios (OPENADR.md §5.4, §5.5). */
export const reportDeliveryScenarios: readonly Scenario[] = [
  {
    name: 'reports.periodic-delivery',
    category: 'reports',
    checks:
      'A periodic request (granularity g, reportBackDuration 5g, reportInterval 15g) gets exactly three oadrUpdateReports, each with its reportRequestID, reportSpecifierID and data name, dtstart/duration spanning its five g-long intervals, sent once that data is complete; the intervals tile the window without overlap or gap (§5.4, §5.5, rule 304).',
    async run(h) {
      const { side, point, g } = await registerUsagePoint(h);
      const back = INTERVALS_PER_REPORT * g;
      const spec = periodicSpec(h, point, 'pack-periodic', g, back, PERIODS * back);
      const answer = await requestAndAnswer(h, side.requestReport(h.venID(), spec));
      checkEqual(answer.eiResponse.responseCode, '200', `oadrCreatedReport code for granularity ${iso(g)} within the registered sampling range`);
      check(answer.oadrPendingReports.includes('pack-periodic'), `oadrPendingReports ${JSON.stringify(answer.oadrPendingReports)} lacks the new request (§5.4)`);
      const endMs = spec.startMs + PERIODS * back;
      await advanceTo(h, endMs + back + pollMs(h));
      const got = deliveries(h, 'pack-periodic');
      checkEqual(got.length, PERIODS, `oadrUpdateReports for a window of ${PERIODS} reportBackDurations`);
      const all: Span[] = [];
      got.forEach((d, i) => {
        const what = `delivery ${i + 1}`;
        checkDeliveryFields(d, point, 'pack-periodic');
        const spans = spansOf(d.report);
        checkEqual(spans.length, INTERVALS_PER_REPORT, `intervals in ${what} (reportBackDuration / granularity, §5.4)`);
        check(spans.every((s) => s.end !== undefined && s.end - s.start === g), `${what}: every interval should last the granularity ${iso(g)}`);
        const first = defined(spans[0], 'first interval');
        const last = defined(spans.at(-1), 'last interval');
        checkEqual(d.report.dtstart?.getTime(), first.start, `${what}: report dtstart (start of the covered data, §5.5)`);
        checkEqual(d.report.duration?.toMillis(first.start), back, `${what}: report duration (span of the covered data, §5.5)`);
        const coveredEnd = defined(last.end, 'end of the last interval');
        check(d.at >= coveredEnd, `${what} was sent at ${new Date(d.at).toISOString()}, before the end of its data (${new Date(coveredEnd).toISOString()})`);
        check(d.at < coveredEnd + back, `${what} was sent ${(d.at - coveredEnd) / 1000} s after its data was complete: more than one reportBackDuration late`);
        all.push(...spans);
      });
      checkContiguous(all, 'intervals across deliveries');
      checkEqual([all[0]?.start, all.at(-1)?.end], [spec.startMs, endMs], 'first start and last end (the reportInterval, §5.4)');
      checkValues(h, point.rID, all, 'periodic delivery');
    },
  },
  {
    name: 'reports.one-shot',
    category: 'reports',
    checks: 'A request without reportInterval and with reportBackDuration 0 is a one-shot: oadrCreatedReport 200, then exactly one oadrUpdateReport with the current value of the requested rID, and nothing more (§5.4 table).',
    async run(h) {
      const { side, point } = await registerUsagePoint(h);
      const queuedAt = h.clock.now();
      const requestID = side.requestReport(h.venID(), { reportRequestID: 'pack-one-shot', reportSpecifierID: point.reportSpecifierID, rIDs: [point.rID], granularity: 'PT0S', reportBackDuration: 'PT0S' });
      const answer = await requestAndAnswer(h, requestID);
      checkEqual(answer.eiResponse.responseCode, '200', 'oadrCreatedReport code for a one-shot request');
      await h.until('the one-shot report arrives', () => deliveries(h, 'pack-one-shot').length > 0, 3 * pollMs(h));
      await h.advance(5 * MINUTE);
      const got = deliveries(h, 'pack-one-shot');
      checkEqual(got.length, 1, 'oadrUpdateReports for a one-shot request');
      const d = defined(got[0], 'the one-shot report');
      checkDeliveryFields(d, point, 'pack-one-shot');
      const spans = spansOf(d.report);
      check(spans.length > 0, 'the one-shot report carries no interval');
      check(spans.every((s) => s.start >= queuedAt - MINUTE && s.start <= d.at), 'the one-shot value should be current: its interval starts long before the request or after the report');
      checkValues(h, point.rID, spans, 'one-shot report');
    },
  },
  {
    name: 'reports.outage-while-sampling',
    category: 'reports',
    checks:
      'The VTN unreachable for 30 minutes while a request samples every g: once it is back, every interval sampled meanwhile is delivered, in order, once, with the values read at the time (§5.5; §1.5 a failed POST was not delivered; DESIGN.md outage buffer).',
    async run(h) {
      const { side, point, g } = await registerUsagePoint(h);
      const spec = periodicSpec(h, point, 'pack-outage', g, g);
      const answer = await requestAndAnswer(h, side.requestReport(h.venID(), spec));
      checkEqual(answer.eiResponse.responseCode, '200', 'oadrCreatedReport code');
      await advanceTo(h, spec.startMs + 3 * g + pollMs(h));
      check(deliveries(h, 'pack-outage').length > 0, 'no delivery before the outage');
      h.vtn.faults.down();
      await h.advance(Math.max(30 * MINUTE, 10 * g));
      const upAt = h.clock.now();
      h.vtn.faults.up();
      const coveredEnd = () => spansOf(defined(deliveries(h, 'pack-outage').at(-1), 'a delivery').report).at(-1)?.end ?? 0;
      await h.until('the intervals sampled during the outage are delivered', () => coveredEnd() >= upAt, 20 * MINUTE);
      const spans = deliveries(h, 'pack-outage').flatMap((d) => spansOf(d.report));
      checkEqual(spans[0]?.start, spec.startMs, 'start of the first interval');
      checkContiguous(spans, 'intervals delivered around the outage (in delivery order)');
      check(spans.every((s) => s.end !== undefined && s.end - s.start === g), `every interval should last the granularity ${iso(g)}`);
      checkValues(h, point.rID, spans, 'delivery after the outage');
    },
  },
];
