import { Duration, type CancelReport, type MessageOf, type OadrMessage, type OadrReport, type ReportRequest } from '@rxadr/core';
import { eiResponse } from './vtn-model.js';
import type { VenReportMessage, VtnReportContext, VtnReportHooks } from './vtn-report-hooks.js';

/** A report request as a test writes it (OPENADR.md §5.4). */
export interface ReportRequestSpec {
  /** Default: generated (`rr-7`, …). */
  readonly reportRequestID?: string;
  readonly reportSpecifierID: string;
  /** Default: one `x-notApplicable` specifierPayload per rID. */
  readonly rIDs: readonly string[];
  /** e.g. `'PT1M'`; `'PT0S'` = on change / don't care. */
  readonly granularity: string;
  /** e.g. `'PT5M'`; `'PT0S'` = one-shot or historical. */
  readonly reportBackDuration: string;
  /** reportInterval start; with `duration`. */
  readonly start?: Date | string;
  /** reportInterval duration; `'PT0S'` = until cancelled. Default `'PT0S'` when `start` is given. */
  readonly duration?: string;
}

function duration(text: string): Duration {
  const d = Duration.parse(text);
  if (!d) throw new RangeError(`not an ISO 8601 duration: ${text}`);
  return d;
}

/** Builds an `oadr:oadrReportRequest` from a spec. */
export function reportRequest(spec: ReportRequestSpec & { readonly reportRequestID: string }): ReportRequest {
  return {
    reportRequestID: spec.reportRequestID,
    reportSpecifier: {
      reportSpecifierID: spec.reportSpecifierID,
      granularity: duration(spec.granularity),
      reportBackDuration: duration(spec.reportBackDuration),
      ...(spec.start !== undefined ? { reportInterval: { dtstart: new Date(spec.start), duration: duration(spec.duration ?? 'PT0S') } } : {}),
      specifierPayload: spec.rIDs.map((rID) => ({ rID, readingType: 'x-notApplicable' as const })),
    },
  };
}

/** The report side of the mock VTN with authoring controls; install it with `vtn.model.reports = side`. */
export interface VtnReportSide extends VtnReportHooks {
  /** Queues an oadrCreateReport for the VEN's next poll; returns its requestID. */
  requestReport(venID: string, ...specs: ReportRequestSpec[]): string;
  /** Queues an oadrCancelReport for the VEN's next poll; returns its requestID. */
  cancelReport(venID: string, reportRequestIDs: readonly string[], reportToFollow: boolean): string;
  /** Embeds these requests in the oadrRegisteredReport that answers the VEN's next oadrRegisterReport (§5.3 step 2). */
  embedOnRegister(...specs: ReportRequestSpec[]): void;
  /** Piggy-backs an oadrCancelReport on the next oadrUpdatedReport (§5.7). */
  cancelOnNextUpdate(reportRequestIDs: readonly string[], reportToFollow: boolean): void;
  /** The VTN's own reports: an oadrRegisterReport with them is queued after every registration (§5.3 step 3), and now for the given VENs. */
  offer(reports: readonly OadrReport[], nowFor?: readonly string[]): void;
  /** Queues data for a VEN's request to a VTN report (an oadrUpdateReport by poll). */
  sendData(venID: string, ...reports: OadrReport[]): string;
  /** The code oadrUpdateReport gets (default 200). */
  updatedReportCode: string;
  /** The reportRequestIDs the VENs asked the VTN for, and whether they are still active. */
  readonly venRequests: Map<string, { readonly request: ReportRequest; active: boolean; readonly venID?: string }>;
}

/**
 * Creates the mock VTN's report side (OPENADR.md §5): it answers every EiReport payload like
 * {@link createDefaultVtnReports}, and lets a test request and cancel the VEN's reports, embed
 * requests in oadrRegisteredReport, piggy-back a cancel on oadrUpdatedReport, offer VTN reports
 * and send their data. What the VEN sent is in `vtn.recorder` (and `vtn.reportData(rID)`).
 *
 * @example
 * const side = createVtnReportSide();
 * vtn.model.reports = side;
 * side.requestReport(venID, { reportRequestID: 'rr-1', reportSpecifierID: 'telemetry-usage', rIDs: ['meter-1/powerReal'], granularity: 'PT1M', reportBackDuration: 'PT5M' });
 */
export function createVtnReportSide(): VtnReportSide {
  let context: VtnReportContext | undefined;
  let embedded: ReportRequestSpec[] = [];
  let cancelOnUpdate: CancelReport | undefined;
  let offers: readonly OadrReport[] = [];
  const idOf = (spec: ReportRequestSpec, ctx: VtnReportContext) => ({ ...spec, reportRequestID: spec.reportRequestID ?? ctx.nextId('rr') });
  const need = (): VtnReportContext => {
    if (!context) throw new RangeError('mock VTN report side: no VEN has talked to the VTN yet; install the side before ven.start()');
    return context;
  };
  const queueOffers = (venID: string, ctx: VtnReportContext) => {
    if (offers.length > 0) ctx.enqueue(venID, { type: 'oadrRegisterReport', requestID: ctx.nextId('reg'), oadrReport: [...offers], venID });
  };

  const side: VtnReportSide = {
    updatedReportCode: '200',
    venRequests: new Map(),
    handle(message: VenReportMessage, ctx): OadrMessage {
      context = ctx;
      const venID = message.venID !== undefined ? { venID: message.venID } : {};
      switch (message.type) {
        case 'oadrRegisterReport': {
          const requests = embedded.map((spec) => reportRequest(idOf(spec, ctx)));
          embedded = [];
          return { type: 'oadrRegisteredReport', eiResponse: eiResponse(message.requestID), oadrReportRequest: requests, ...venID };
        }
        case 'oadrUpdateReport': {
          const cancel = cancelOnUpdate;
          cancelOnUpdate = undefined;
          const code = side.updatedReportCode;
          return { type: 'oadrUpdatedReport', eiResponse: eiResponse(message.requestID, code), ...(cancel ? { oadrCancelReport: cancel } : {}), ...venID };
        }
        case 'oadrCreateReport':
          for (const request of message.oadrReportRequest) side.venRequests.set(request.reportRequestID, { request, active: true, ...(ctx.venID !== undefined ? { venID: ctx.venID } : {}) });
          return { type: 'oadrCreatedReport', eiResponse: eiResponse(message.requestID), oadrPendingReports: activeIDs(), ...venID };
        case 'oadrCancelReport':
          for (const id of message.reportRequestID) {
            const entry = side.venRequests.get(id);
            if (entry) entry.active = false;
          }
          return { type: 'oadrCanceledReport', eiResponse: eiResponse(message.requestID), oadrPendingReports: activeIDs(), ...venID };
        default:
          return { type: 'oadrResponse', eiResponse: eiResponse(message.eiResponse.requestID), ...venID };
      }
    },
    forgotten(venID) {
      for (const [id, entry] of side.venRequests) if (venID === undefined || entry.venID === venID) side.venRequests.delete(id);
    },
    registered(venID, ctx) {
      context = ctx;
      queueOffers(venID, ctx);
    },
    requestReport(venID, ...specs) {
      const ctx = need();
      const requestID = ctx.nextId('crt');
      const message: MessageOf<'oadrCreateReport'> = { type: 'oadrCreateReport', requestID, oadrReportRequest: specs.map((s) => reportRequest(idOf(s, ctx))), venID };
      ctx.enqueue(venID, message);
      return requestID;
    },
    cancelReport(venID, reportRequestIDs, reportToFollow) {
      const ctx = need();
      const requestID = ctx.nextId('cx');
      ctx.enqueue(venID, { type: 'oadrCancelReport', requestID, reportRequestID: [...reportRequestIDs], reportToFollow, venID });
      return requestID;
    },
    embedOnRegister(...specs) {
      embedded.push(...specs);
    },
    cancelOnNextUpdate(reportRequestIDs, reportToFollow) {
      cancelOnUpdate = { requestID: `cx-upd-${reportRequestIDs.join('-')}`, reportRequestID: [...reportRequestIDs], reportToFollow };
    },
    offer(reports, nowFor = []) {
      offers = reports;
      for (const venID of nowFor) queueOffers(venID, need());
    },
    sendData(venID, ...reports) {
      const ctx = need();
      const requestID = ctx.nextId('upd');
      ctx.enqueue(venID, { type: 'oadrUpdateReport', requestID, oadrReport: reports, venID });
      return requestID;
    },
  };

  function activeIDs(): string[] {
    return [...side.venRequests].filter(([, e]) => e.active).map(([id]) => id);
  }
  return side;
}
