import { concat, concatMap, defer, type Observable, type Subscription } from 'rxjs';
import type { MessageOf, OadrMessage } from '../model/message.js';
import type { ReportHost } from '../reports/report-host.js';

/** The report payloads a VTN can send to a VEN (§3.5). */
export type ReportRequestMessage = MessageOf<'oadrCreateReport' | 'oadrRegisterReport' | 'oadrCancelReport' | 'oadrUpdateReport'>;

/** What the engine tells the report module about the registration it runs under. */
export interface ReportContext {
  readonly venID: string;
  readonly now: Date;
}

/**
 * The seam between the VEN engine and the report module (§5). The engine calls `handle` for
 * every report payload it receives and POSTs the returned answers to EiReport in order, before
 * the next poll (rule 64); it calls `registered` after every (re-)registration, for the report
 * module to (re-)send its METADATA oadrRegisterReport (§1.6, §10 item 5), and sends what it returns.
 * The optional members are the lifecycle of a module that also sends on its own schedule
 * (`createReports`): the VTN's answers to what it returned, `attach` at start (unsubscribed at
 * stop), and the end of the registration.
 */
export interface ReportHandler {
  handle(message: ReportRequestMessage, context: ReportContext): readonly OadrMessage[];
  registered(context: ReportContext): readonly OadrMessage[];
  /** The VTN's answer to a message returned by `handle`, `registered` or `answered` (e.g. oadrRegisteredReport with embedded requests, §5.3); returns more to POST. */
  answered?(sent: OadrMessage, answer: OadrMessage | undefined, context: ReportContext): readonly OadrMessage[];
  /** Called by `ven.start()`; the engine unsubscribes at `ven.stop()`. */
  attach?(host: ReportHost): Subscription;
  /** The registration was cancelled (by either side, §3.1): report jobs stop. */
  registrationEnded?(): void;
  /**
   * The VEN registered again after reconciliation (463, 452 on its own IDs,
   * oadrRequestReregistration, a disagreeing oadrQueryRegistration answer, or `ven.reregister()`).
   * Called before `registered` (METADATA is offered again right after): the module ends every
   * report request the VTN does not request again, so no data goes out under a dead
   * reportRequestID. `context.venID` may differ from before (a fresh registration).
   */
  reregistered?(context: ReportContext): void;
}

/**
 * POSTs report messages in order; each answer goes to `handler.answered` and what that returns
 * is POSTed next (depth first), so oadrCreatedReport for requests embedded in
 * oadrRegisteredReport follows at once (§5.3 step 2).
 */
export function sendReportMessages(
  messages: readonly OadrMessage[],
  handler: ReportHandler,
  context: () => ReportContext,
  send: (message: OadrMessage) => Observable<{ readonly message: OadrMessage } | undefined>,
): Observable<unknown> {
  return concat(
    ...messages.map((message) =>
      send(message).pipe(
        concatMap((answer) => defer(() => sendReportMessages(handler.answered?.(message, answer?.message, context()) ?? [], handler, context, send))),
      ),
    ),
  );
}

/**
 * The report handler until reports are implemented: answers rather than staying silent —
 * oadrCreateReport → oadrCreatedReport 452 with an empty pending list, oadrCancelReport →
 * oadrCanceledReport 452, oadrRegisterReport → oadrRegisteredReport 200, oadrUpdateReport →
 * oadrUpdatedReport 200 (§3.5, §5.7). Registers no reports of its own.
 */
export function createNoReports(): ReportHandler {
  return {
    registered: () => [],
    handle(message, { venID }) {
      const ok = (requestID: string) => ({ responseCode: '200', responseDescription: 'OK', requestID });
      switch (message.type) {
        case 'oadrCreateReport':
          return [
            {
              type: 'oadrCreatedReport',
              eiResponse: { responseCode: '452', responseDescription: 'report specifier unknown', requestID: message.requestID },
              oadrPendingReports: [],
              venID,
            },
          ];
        case 'oadrCancelReport':
          return [
            {
              type: 'oadrCanceledReport',
              eiResponse: { responseCode: '452', responseDescription: 'report request unknown', requestID: message.requestID },
              oadrPendingReports: [],
              venID,
            },
          ];
        case 'oadrRegisterReport':
          return [{ type: 'oadrRegisteredReport', eiResponse: ok(message.requestID), oadrReportRequest: [], venID }];
        case 'oadrUpdateReport':
          return [{ type: 'oadrUpdatedReport', eiResponse: ok(message.requestID), venID }];
      }
    },
  };
}
