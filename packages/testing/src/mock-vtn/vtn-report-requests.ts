import { Duration, type MessageOf, type OadrReport } from '@rxadr/core';
import type { VenReportMessage, VtnReportContext, VtnReportHooks } from './vtn-report-hooks.js';
import type { ReportRequestSpec, VtnReportSide } from './vtn-report-side.js';

/** Which of the reports a VEN offers the mock VTN requests, and how (OPENADR.md §5.3, §5.4). */
export interface OfferedReportsPolicy {
  /** `'telemetry'` (default): every METADATA_TELEMETRY_* report; `'none'`: nothing. */
  readonly request?: 'telemetry' | 'none';
  /** Wanted granularity, clamped into what every data point's oadrSamplingRate allows. Default `PT1M`. */
  readonly granularity?: string;
  /** Wanted reportBackDuration; rounded up to a whole number of granularities. Default: one granularity. */
  readonly reportBackDuration?: string;
}

const ms = (text: string, what: string): number => {
  const d = Duration.parse(text);
  if (!d) throw new RangeError(`mock VTN report requests: ${what} '${text}' is not an ISO 8601 duration`);
  return d.toMillis();
};
const iso = (millis: number): string => `PT${millis / 1_000}S`;

/**
 * The request for one offered report: every rID, at the wanted granularity clamped into
 * [largest oadrMinPeriod, smallest oadrMaxPeriod] of its data points (§5.2), and a back duration
 * of a whole number of granularities (§5.4). Undefined for a report the policy does not request.
 */
export function requestForOffer(report: OadrReport, policy: OfferedReportsPolicy = {}): ReportRequestSpec | undefined {
  if ((policy.request ?? 'telemetry') === 'none' || !report.reportName?.startsWith('METADATA_TELEMETRY_')) return undefined;
  const descriptions = report.oadrReportDescription ?? [];
  if (descriptions.length === 0) return undefined;
  const rates = descriptions.flatMap((d) => (d.oadrSamplingRate ? [d.oadrSamplingRate] : []));
  const lo = Math.max(0, ...rates.map((r) => r.oadrMinPeriod.toMillis()));
  const hi = Math.min(Number.MAX_SAFE_INTEGER, ...rates.map((r) => r.oadrMaxPeriod.toMillis()));
  const wanted = ms(policy.granularity ?? 'PT1M', 'granularity');
  const granularity = Math.max(lo, Math.min(wanted, hi));
  const back = ms(policy.reportBackDuration ?? iso(granularity), 'reportBackDuration');
  return {
    reportSpecifierID: report.reportSpecifierID,
    rIDs: descriptions.map((d) => d.rID),
    granularity: iso(granularity),
    reportBackDuration: iso(Math.max(1, Math.ceil(back / granularity)) * granularity),
  };
}

/**
 * Makes a report side answer every oadrRegisterReport a VEN sends with requests
 * for the reports the policy selects, embedded in the oadrRegisteredReport (§5.3 step 2).
 * (the side is changed in place and returned). `onRequested` hears each batch (the `rxadr mock-vtn` command logs it).
 *
 * @example
 * vtn.model.reports = requestOfferedReports(createVtnReportSide(), { granularity: 'PT10S' });
 */
export function requestOfferedReports(
  side: VtnReportSide,
  policy: OfferedReportsPolicy = {},
  onRequested?: (venID: string | undefined, specs: readonly ReportRequestSpec[]) => void,
): VtnReportSide {
  const inner = side.handle.bind(side);
  side.handle = (message: VenReportMessage, ctx: VtnReportContext): ReturnType<VtnReportHooks['handle']> => {
    if (message.type === 'oadrRegisterReport') {
      const specs = (message as MessageOf<'oadrRegisterReport'>).oadrReport?.flatMap((report) => requestForOffer(report, policy) ?? []);
      if (specs !== undefined && specs.length > 0) {
        side.embedOnRegister(...specs);
        onRequested?.(ctx.venID, specs);
      }
    }
    return inner(message, ctx);
  };
  return side;
}
