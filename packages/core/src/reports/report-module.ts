import type { Observable, Subscription } from 'rxjs';
import type { OadrMessage } from '../model/message.js';
import type { ReportContext, ReportHandler } from '../ven/report-handler.js';
import type { ReportCatalog } from './report-catalog.js';
import type { ReportError } from './report-error.js';
import type { ReportHost } from './report-host.js';
import type { ReportCounters } from './report-state.js';
import type { RequestRecord } from './request-record.js';
import type { VtnReportInterval, VtnReportOffer, VtnReportRequestOptions } from './vtn-reports.js';

/** The counters of data reports, with how many requests are pending and how many reports wait. */
export interface ReportStats extends ReportCounters {
  /** Report requests currently pending. */
  readonly pending: number;
  /** Data reports waiting for delivery (the outage buffer, including one in flight). */
  readonly buffered: number;
}

/**
 * Why a data report was not delivered:
 * - `overflow`: the ledger reached its bounds; the oldest waiting intervals go first
 * - `rejected`: the VTN refused it with an OpenADR 4xx (not sent again)
 * - `request-ended`: its report request ended (not requested again after a re-registration, or a fresh registration)
 * - `registration-ended`: the registration was cancelled
 */
export type DropReason = 'overflow' | 'rejected' | 'registration-ended' | 'request-ended';

/** A data report that was lost, and why (every loss is counted in {@link ReportStats}). */
export interface DroppedDelivery {
  readonly reason: DropReason;
  readonly reportRequestID: string;
  readonly eiReportID: string;
  /** The data it covered. */
  readonly from: Date;
  readonly to: Date;
  /** The VTN's refusal code, for `rejected` (§8). */
  readonly responseCode?: string;
}

/**
 * The report module (OPENADR.md §5): offers the configured reports, serves the VTN's requests
 * and delivers their data, and lets the user request the VTN's own reports. It is the engine's
 * `ReportHandler`, plus a lifecycle (`attach`) that lets it send on its own schedule.
 */
export interface ReportModule extends ReportHandler {
  /**
   * Hands the module the VTN's answer to a message it returned from `handle`, `registered` or
   * `answered` (e.g. the oadrRegisteredReport to its oadrRegisterReport, which may embed
   * requests, §5.3 step 2); returns further messages to POST, in order.
   */
  answered(sent: OadrMessage, answer: OadrMessage | undefined, context: ReportContext): readonly OadrMessage[];
  /**
   * Starts the module's own activity: loads its persisted slot, resumes pending requests, connects
   * the live sources and delivers waiting reports. Unsubscribing stops all of it (state is saved
   * first; waiting reports stay for the next attach). One attachment at a time.
   */
  attach(host: ReportHost): Subscription;
  /** The registration ended (cancelled by either side): pending requests and waiting reports are dropped (counted). */
  registrationEnded(): void;
  /** The offered reports. */
  readonly catalog: ReportCatalog;
  /** The pending requests, in order of arrival. */
  pending(): readonly RequestRecord[];
  stats(): ReportStats;
  /** The current stats first, then every change. */
  readonly stats$: Observable<ReportStats>;
  /** Every data report that was lost. */
  readonly dropped$: Observable<DroppedDelivery>;
  /** Every problem the module survived (failing sources, refusals by the VTN, unreadable state). */
  readonly errors$: Observable<ReportError>;
  /** The reports the VTN offers (its oadrRegisterReport, §5.3 step 3): the current list first, then every change. */
  readonly vtnReports$: Observable<readonly VtnReportOffer[]>;
  /**
   * Requests one of the VTN's reports. Subscribing owes oadrCreateReport, the data arrives as
   * typed intervals, and unsubscribing owes oadrCancelReport. Both are ledger records (docs/ledger.md):
   * a VTN that is down or answers errors gets them again, and the stream stays open. Errors with
   * `ReportError('rejected')` when the VTN refuses (4xx), and with `'request-ended'` when the
   * registration is cancelled. Throws `ReportError('config')` for bad options; errors with
   * `'not-attached'` before the VEN has registered.
   *
   * @example
   * reports.requestVtnReport({ reportSpecifierID: 'vtn-prices', granularity: 'PT1H', reportBackDuration: 'PT1H' })
   *   .subscribe((interval) => console.log(interval.start, interval.values));
   */
  requestVtnReport(options: VtnReportRequestOptions): Observable<VtnReportInterval>;
}
