import { BehaviorSubject, Observable } from 'rxjs';
import { Duration } from '../codec/duration.js';
import type { MessageOf } from '../model/message.js';
import type { DataQuality, ResourceStatus } from '../model/model-exports.js';
import type { ReportDescription, ReportName } from '../model/report.js';
import { ReportError } from './report-error.js';
import type { ExchangeVerdict } from '../ledger/retry-policy.js';
import type { OadrMessage, OadrMessageType } from '../model/message.js';

/** A request of the VEN's to the VTN's reports (oadrCreateReport / oadrCancelReport): sent once, at once. */
export interface ControlItem {
  readonly description: string;
  /** The reply that settles it. */
  readonly expects: OadrMessageType;
  build(venID: string): OadrMessage;
  /** The expected reply with a 2xx code. */
  answered(answer: OadrMessage | undefined): void;
  /** Anything else: the VTN refused it, or it was not delivered. */
  failed(verdict: ExchangeVerdict): void;
}

/** A report the VTN offers (its own oadrRegisterReport, OPENADR.md §5.3 step 3). */
export interface VtnReportOffer {
  readonly reportSpecifierID: string;
  readonly reportName: ReportName | undefined;
  /** How much data the VTN can serve, when it says. */
  readonly duration: Duration | undefined;
  /** One per data point (rID). */
  readonly descriptions: readonly ReportDescription[];
}

/** What to ask the VTN for (§5.4, the VEN as requester). */
export interface VtnReportRequestOptions {
  readonly reportSpecifierID: string;
  /** Default: every rID the VTN offered in that report. */
  readonly rIDs?: readonly string[];
  /** Sampling period, e.g. `'PT1M'`; `'PT0S'` lets the VTN choose. */
  readonly granularity: Duration | string;
  /** Delivery period; `'PT0S'` asks for one report. */
  readonly reportBackDuration: Duration | string;
  /** The overall window; omitted = from now until cancelled. */
  readonly interval?: { readonly start: Date; readonly duration: Duration | string };
  /** Default: a fresh ID. */
  readonly reportRequestID?: string;
}

/** One value of a VTN report interval. */
export interface VtnReportValue {
  readonly rID: string;
  readonly value: number | ResourceStatus;
  readonly quality?: DataQuality;
  readonly confidence?: number;
  readonly accuracy?: number;
}

/** One interval of data the VTN sent for a request of the VEN's. */
export interface VtnReportInterval {
  readonly reportRequestID: string;
  readonly reportSpecifierID: string;
  readonly eiReportID: string | undefined;
  readonly createdDateTime: Date;
  /** The interval's dtstart, else the report's (rule 314, §5.5). */
  readonly start: Date | undefined;
  readonly duration: Duration | undefined;
  readonly values: readonly VtnReportValue[];
}

/** The VTN's reports: its offers, the VEN's requests for them and their data. */
export interface VtnReports {
  readonly offers$: Observable<readonly VtnReportOffer[]>;
  /** Records the offers of the VTN's oadrRegisterReport (replacing earlier ones). */
  register(message: MessageOf<'oadrRegisterReport'>): void;
  /** Routes the VTN's data to the requests; returns the reportRequestIDs nobody asked for. */
  update(message: MessageOf<'oadrUpdateReport'>): string[];
  request(options: VtnReportRequestOptions): Observable<VtnReportInterval>;
  /** Completes every request stream and the offers. */
  close(): void;
}

function duration(name: string, value: Duration | string): Duration {
  const parsed = typeof value === 'string' ? Duration.parse(value) : value;
  if (!(parsed instanceof Duration) || parsed.negative) throw new ReportError('config', `requestVtnReport: ${name} must be a non-negative ISO 8601 duration such as 'PT1M', got ${String(value)}`);
  return parsed;
}

/** Creates the VTN-reports side; `enqueue` sends a message through the module's outbox. */
export function createVtnReports(deps: { nextId(prefix: string): string; enqueue(item: ControlItem): void }): VtnReports {
  const offers = new BehaviorSubject<readonly VtnReportOffer[]>([]);
  const active = new Map<string, (interval: VtnReportInterval) => void>();
  const closers = new Set<() => void>();

  const request = (options: VtnReportRequestOptions): Observable<VtnReportInterval> => {
    const granularity = duration('granularity', options.granularity);
    const reportBackDuration = duration('reportBackDuration', options.reportBackDuration);
    const interval = options.interval && { dtstart: options.interval.start, duration: duration('interval.duration', options.interval.duration) };
    const offered = offers.value.find((o) => o.reportSpecifierID === options.reportSpecifierID);
    const rIDs = options.rIDs ?? offered?.descriptions.map((d) => d.rID) ?? [];
    if (rIDs.length === 0) throw new ReportError('config', `requestVtnReport: give rIDs, or wait until the VTN offers report '${options.reportSpecifierID}' (see vtnReports$)`);
    return new Observable<VtnReportInterval>((subscriber) => {
      const reportRequestID = options.reportRequestID ?? deps.nextId('vrr');
      let open = true;
      active.set(reportRequestID, (iv) => subscriber.next(iv));
      const close = () => subscriber.complete();
      closers.add(close);
      deps.enqueue({
        description: `oadrCreateReport ${reportRequestID}`,
        expects: 'oadrCreatedReport',
        build: (venID) => ({
          type: 'oadrCreateReport',
          requestID: deps.nextId('req'),
          oadrReportRequest: [
            {
              reportRequestID,
              reportSpecifier: {
                reportSpecifierID: options.reportSpecifierID,
                granularity,
                reportBackDuration,
                ...(interval ? { reportInterval: interval } : {}),
                specifierPayload: rIDs.map((rID) => ({ rID, readingType: 'x-notApplicable' as const })),
              },
            },
          ],
          venID,
        }),
        answered: () => undefined,
        failed: (verdict) => {
          if (!open) return;
          open = false;
          active.delete(reportRequestID);
          const code = verdict.kind === 'terminal' || verdict.kind === 'reconcile' ? verdict.responseCode : undefined;
          subscriber.error(
            code
              ? new ReportError('rejected', `the VTN refused report request ${reportRequestID}: ${code}`, { responseCode: code, reportRequestID })
              : new ReportError('delivery-failed', `report request ${reportRequestID} could not be sent (${verdict.kind === 'transient' ? verdict.reason : verdict.kind}); subscribe again to retry`, { reportRequestID }),
          );
        },
      });
      return () => {
        closers.delete(close);
        active.delete(reportRequestID);
        if (!open) return;
        open = false;
        deps.enqueue({
          description: `oadrCancelReport ${reportRequestID}`,
          expects: 'oadrCanceledReport',
          build: (venID) => ({ type: 'oadrCancelReport', requestID: deps.nextId('req'), reportRequestID: [reportRequestID], reportToFollow: false, venID }),
          answered: () => undefined,
          failed: () => undefined,
        });
      };
    });
  };

  return {
    offers$: offers.asObservable(),
    register(message) {
      offers.next(
        (message.oadrReport ?? []).map((r) => ({
          reportSpecifierID: r.reportSpecifierID,
          reportName: r.reportName,
          duration: r.duration,
          descriptions: r.oadrReportDescription ?? [],
        })),
      );
    },
    update(message) {
      const unknown: string[] = [];
      for (const report of message.oadrReport ?? []) {
        const emit = active.get(report.reportRequestID);
        if (!emit) {
          unknown.push(report.reportRequestID);
          continue;
        }
        for (const iv of report.intervals ?? []) {
          const values: VtnReportValue[] = [];
          for (const p of iv.streamPayloadBase) {
            if (p.type !== 'oadrReportPayload') continue;
            const { type: _kind, ...status } = p.payloadBase;
            values.push({
              rID: p.rID,
              value: p.payloadBase.type === 'payloadFloat' ? p.payloadBase.value : (status as ResourceStatus),
              ...(p.oadrDataQuality !== undefined ? { quality: p.oadrDataQuality } : {}),
              ...(p.confidence !== undefined ? { confidence: p.confidence } : {}),
              ...(p.accuracy !== undefined ? { accuracy: p.accuracy } : {}),
            });
          }
          emit({
            reportRequestID: report.reportRequestID,
            reportSpecifierID: report.reportSpecifierID,
            eiReportID: report.eiReportID,
            createdDateTime: report.createdDateTime,
            start: iv.dtstart ?? report.dtstart,
            duration: iv.duration,
            values,
          });
        }
      }
      return unknown;
    },
    request,
    close() {
      for (const close of [...closers]) close();
      offers.complete();
    },
  };
}
