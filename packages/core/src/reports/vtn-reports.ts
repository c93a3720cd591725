import { BehaviorSubject, Observable } from 'rxjs';
import { Duration } from '../codec/duration.js';
import type { MessageOf } from '../model/message.js';
import type { DataQuality, ResourceStatus } from '../model/model-exports.js';
import type { ReportDescription, ReportName, ReportRequest } from '../model/report.js';
import { ReportError } from './report-error.js';

/**
 * Where the VEN's own requests for the VTN's reports go (OPENADR.md §5.4, the VEN as requester):
 * each one is a ledger record keyed `vtn-report:<reportRequestID>`, sent and retried like
 * everything the VEN owes (see create-reports).
 */
export interface VtnRequestSink {
  /** Owes oadrCreateReport for one request. Throws `ReportError('not-attached')` when there is no registered VEN to send it. */
  create(request: ReportRequest): void;
  /** Its stream ended: owes oadrCancelReport, or withdraws a create that was never sent. */
  cancel(reportRequestID: string): void;
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
  /** The requests with a live stream, by reportRequestID. */
  active(): ReadonlyMap<string, ReportRequest>;
  /** The VTN refused a request for good (OpenADR 4xx): its stream errors with `ReportError('rejected')`. */
  refused(reportRequestID: string, responseCode: string, description: string | undefined): void;
  /** Every request ended with the registration: each stream errors with `ReportError('request-ended')`. */
  endAll(why: string): void;
}

function duration(name: string, value: Duration | string): Duration {
  const parsed = typeof value === 'string' ? Duration.parse(value) : value;
  if (!(parsed instanceof Duration) || parsed.negative) throw new ReportError('config', `requestVtnReport: ${name} must be a non-negative ISO 8601 duration such as 'PT1M', got ${String(value)}`);
  return parsed;
}

function intervalOf(reportRequestID: string, report: NonNullable<MessageOf<'oadrUpdateReport'>['oadrReport']>[number], iv: NonNullable<typeof report.intervals>[number]): VtnReportInterval {
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
  return {
    reportRequestID,
    reportSpecifierID: report.reportSpecifierID,
    eiReportID: report.eiReportID,
    createdDateTime: report.createdDateTime,
    start: iv.dtstart ?? report.dtstart,
    duration: iv.duration,
    values,
  };
}

interface Stream {
  readonly request: ReportRequest;
  next(interval: VtnReportInterval): void;
  fail(error: ReportError): void;
}

/**
 * Creates the VTN-reports side. Subscribing owes oadrCreateReport through `sink`; the VTN's
 * data goes to the stream; unsubscribing owes oadrCancelReport. Transient failures are retried
 * by the ledger and never end a stream; a 4xx ends it (`rejected`), so does the end of the
 * registration (`request-ended`).
 */
export function createVtnReports(deps: { nextId(prefix: string): string; sink: VtnRequestSink }): VtnReports {
  const offers = new BehaviorSubject<readonly VtnReportOffer[]>([]);
  const streams = new Map<string, Stream>();

  const end = (reportRequestID: string, error: ReportError): void => {
    const stream = streams.get(reportRequestID);
    if (!stream) return;
    streams.delete(reportRequestID);
    stream.fail(error);
  };

  const request = (options: VtnReportRequestOptions): Observable<VtnReportInterval> => {
    const granularity = duration('granularity', options.granularity);
    const reportBackDuration = duration('reportBackDuration', options.reportBackDuration);
    const interval = options.interval && { dtstart: options.interval.start, duration: duration('interval.duration', options.interval.duration) };
    const offered = offers.value.find((o) => o.reportSpecifierID === options.reportSpecifierID);
    const rIDs = options.rIDs ?? offered?.descriptions.map((d) => d.rID) ?? [];
    if (rIDs.length === 0) throw new ReportError('config', `requestVtnReport: give rIDs, or wait until the VTN offers report '${options.reportSpecifierID}' (see vtnReports$)`);
    return new Observable<VtnReportInterval>((subscriber) => {
      const reportRequestID = options.reportRequestID ?? deps.nextId('vrr');
      if (streams.has(reportRequestID)) {
        subscriber.error(new ReportError('config', `requestVtnReport: report request ${reportRequestID} is already subscribed`, { reportRequestID }));
        return undefined;
      }
      const request: ReportRequest = {
        reportRequestID,
        reportSpecifier: {
          reportSpecifierID: options.reportSpecifierID,
          granularity,
          reportBackDuration,
          ...(interval ? { reportInterval: interval } : {}),
          specifierPayload: rIDs.map((rID) => ({ rID, readingType: 'x-notApplicable' as const })),
        },
      };
      const stream: Stream = { request, next: (iv) => subscriber.next(iv), fail: (error) => subscriber.error(error) };
      // Listed first: a synchronous transport may answer (and refuse) within `create`.
      streams.set(reportRequestID, stream);
      try {
        deps.sink.create(request);
      } catch (error) {
        streams.delete(reportRequestID);
        throw error;
      }
      return () => {
        // Ended by the VTN or the registration: nothing to cancel.
        if (streams.get(reportRequestID) !== stream) return;
        streams.delete(reportRequestID);
        deps.sink.cancel(reportRequestID);
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
        const stream = streams.get(report.reportRequestID);
        if (!stream) {
          unknown.push(report.reportRequestID);
          continue;
        }
        for (const iv of report.intervals ?? []) stream.next(intervalOf(report.reportRequestID, report, iv));
      }
      return unknown;
    },
    request,
    active: () => new Map([...streams].map(([id, s]) => [id, s.request] as const)),
    refused(reportRequestID, responseCode, description) {
      end(reportRequestID, new ReportError('rejected', `the VTN refused report request ${reportRequestID}: ${responseCode}${description ? ` ${description}` : ''}`, { responseCode, reportRequestID }));
    },
    endAll(why) {
      for (const id of [...streams.keys()]) end(id, new ReportError('request-ended', `report request ${id} ended: ${why}; subscribe again to request it anew`, { reportRequestID: id }));
    },
  };
}
