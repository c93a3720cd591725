import type { EiResponse, MessageOf, OadrMessage } from '@rxadr/core';

/** The EiReport payloads a VEN can send to the VTN (OPENADR.md §3.5). */
export type VenReportMessage = MessageOf<
  | 'oadrRegisterReport'
  | 'oadrRegisteredReport'
  | 'oadrCreateReport'
  | 'oadrCreatedReport'
  | 'oadrUpdateReport'
  | 'oadrUpdatedReport'
  | 'oadrCancelReport'
  | 'oadrCanceledReport'
>;

/** The report types of {@link VenReportMessage}, for routing. */
export const VEN_REPORT_TYPES: ReadonlySet<OadrMessage['type']> = new Set([
  'oadrRegisterReport',
  'oadrRegisteredReport',
  'oadrCreateReport',
  'oadrCreatedReport',
  'oadrUpdateReport',
  'oadrUpdatedReport',
  'oadrCancelReport',
  'oadrCanceledReport',
]);

/** What the model lends a report handler for one call. */
export interface VtnReportContext {
  /** The sending VEN when it is registered (looked up by the message's venID). */
  readonly venID: string | undefined;
  /** Scheduler time of the request. */
  readonly now: Date;
  /** Queues a VTN→VEN message for the VEN's next poll (or push). */
  enqueue(venID: string, message: OadrMessage): void;
  /** A fresh ID with the model's counter (`rr-7`, …). */
  nextId(prefix: string): string;
}

/**
 * The report side of the VTN, plugged into the model (`model.reports = …`): the model calls
 * `handle` for every EiReport payload a VEN sends and answers with what it returns, and calls
 * `registered` after every successful (re-)registration (e.g. to queue the VTN's own
 * oadrRegisterReport, OPENADR.md §5.3 item 3), and `forgotten` when the model forgets a VEN.
 */
export interface VtnReportHooks {
  handle(message: VenReportMessage, context: VtnReportContext): OadrMessage | { readonly raw: string };
  registered?(venID: string, context: VtnReportContext): void;
  /** The model forgot `venID` (or every VEN, `undefined`): drop what the side holds for it (`model.forgetVen`). */
  forgotten?(venID: string | undefined): void;
}

const ok = (requestID: string): EiResponse => ({ responseCode: '200', responseDescription: 'OK', requestID });

/**
 * The default report side: accepts everything and requests nothing (OPENADR.md §3.0, §3.5):
 * oadrRegisterReport → oadrRegisteredReport 200 without requests, oadrUpdateReport →
 * oadrUpdatedReport 200, oadrCreateReport (the VEN asking for VTN reports) → oadrCreatedReport
 * 200 with nothing pending, oadrCancelReport → oadrCanceledReport 200, and the replies
 * (oadrRegisteredReport, oadrCreatedReport, oadrCanceledReport, oadrUpdatedReport) → oadrResponse 200.
 */
export function createDefaultVtnReports(): VtnReportHooks {
  return {
    handle(message) {
      const venID = 'venID' in message && message.venID !== undefined ? { venID: message.venID } : {};
      switch (message.type) {
        case 'oadrRegisterReport':
          return { type: 'oadrRegisteredReport', eiResponse: ok(message.requestID), oadrReportRequest: [], ...venID };
        case 'oadrUpdateReport':
          return { type: 'oadrUpdatedReport', eiResponse: ok(message.requestID), ...venID };
        case 'oadrCreateReport':
          return { type: 'oadrCreatedReport', eiResponse: ok(message.requestID), oadrPendingReports: [], ...venID };
        case 'oadrCancelReport':
          return { type: 'oadrCanceledReport', eiResponse: ok(message.requestID), oadrPendingReports: [], ...venID };
        default:
          return { type: 'oadrResponse', eiResponse: ok(message.eiResponse.requestID), ...venID };
      }
    },
  };
}
