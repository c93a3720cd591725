import type { Subject } from 'rxjs';
import type { OadrMessage } from '../model/message.js';
import type { CancelReport, ReportRequest } from '../model/report.js';
import { registerReport } from './metadata.js';
import { answerCode, canceledReport, createdReport } from './report-answers.js';
import type { ReportCatalog } from './report-catalog.js';
import type { ReportDeliveries } from './report-deliveries.js';
import { ReportError } from './report-error.js';
import { addressVenID, forget, nextId, nowMs, type ReportModuleState } from './report-module-state.js';
import type { ReportObligationKind } from './report-obligations.js';
import { applyCancel, applyCreate, pendingIDs } from './report-requests.js';
import type { RequestRecord } from './request-record.js';
import { METADATA_SPECIFIER } from './request-validation.js';

/** True when a request asks for the same data as a held one (the cursor and arrival time aside). */
function sameSpec(a: RequestRecord, b: RequestRecord): boolean {
  return (
    a.reportSpecifierID === b.reportSpecifierID &&
    a.shape === b.shape &&
    a.metadata === b.metadata &&
    a.granularityMs === b.granularityMs &&
    a.reportBackMs === b.reportBackMs &&
    a.startMs === b.startMs &&
    a.endMs === b.endMs &&
    a.rIDs.length === b.rIDs.length &&
    a.rIDs.every((r, i) => r === b.rIDs[i])
  );
}

/** What serving the VTN's report requests needs from the report module. */
export interface RequestServingDeps {
  readonly catalog: ReportCatalog;
  readonly deliveries: ReportDeliveries;
  readonly errors: Subject<ReportError>;
  /** Owes a report control message (a ledger record) when attached; else adds it to `out` for the engine to send. */
  owe(kind: Exclude<ReportObligationKind, 'report-delivery'>, message: OadrMessage, out: OadrMessage[]): void;
  /** Something persisted changed. */
  changed(): void;
}

/**
 * The VTN's report requests to the VEN (§5.4–§5.7): oadrCreateReport (also embedded in
 * oadrRegisteredReport) and oadrCancelReport, each answered with the pending list, and the renewal
 * after a re-registration, which ends the held requests the VTN did not request again (§5.3).
 */
export function createRequestServing(state: ReportModuleState, deps: RequestServingDeps) {
  const { catalog, deliveries, owe } = deps;

  /** The requests the VEN reports as pending: during a renewal, those held from before are not listed until the VTN requests them again. */
  const livePending = (): string[] => {
    const { renewal } = state;
    return pendingIDs(renewal ? state.requests.filter((r) => !renewal.held.has(r.reportRequestID) || renewal.renewed.has(r.reportRequestID)) : state.requests);
  };

  /**
   * Ends the renewal: every request held from before the re-registration that the VTN did not
   * request again (embedded in the METADATA answer, or by an oadrCreateReport since) ends. Its
   * reports are not sent (counted `droppedRequestEnded`); its samples are dropped (the history
   * source keeps the data). The reports of the renewed requests are owed, in order.
   */
  const concludeRenewal = (): void => {
    if (!state.renewal) return;
    const { held: before, renewed } = state.renewal;
    state.renewal = undefined;
    const gone = new Set([...before].filter((id) => !renewed.has(id)));
    for (const id of gone) forget(state, id);
    state.requests = state.requests.filter((r) => !gone.has(r.reportRequestID));
    deliveries.dropHeld((h) => !gone.has(h.subject.reportRequestID ?? ''), 'request-ended');
    deliveries.releaseHeld();
    deps.changed();
  };

  /** Adds requests (oadrCreateReport or embedded in oadrRegisteredReport) and owes oadrCreatedReport before any data. */
  const create = (requestID: string, incoming: readonly ReportRequest[], ven: string, atMs: number): OadrMessage[] => {
    const oneShotMetadata = incoming.filter((r) => r.reportSpecifier.reportSpecifierID === METADATA_SPECIFIER && r.reportSpecifier.reportBackDuration.isZero);
    const before = new Map(state.requests.map((r) => [r.reportRequestID, r] as const));
    const outcome = applyCreate(state.requests, incoming.filter((r) => !oneShotMetadata.includes(r)), catalog, atMs);
    state.requests = outcome.requests;
    // A held request the VTN requests again unchanged goes on where it was (no data sent twice, none skipped).
    const kept = new Set<string>();
    const { renewal } = state;
    if (renewal) {
      for (const record of outcome.accepted) {
        const old = before.get(record.reportRequestID);
        if (old && renewal.held.has(old.reportRequestID) && !renewal.renewed.has(old.reportRequestID) && sameSpec(old, record)) {
          kept.add(old.reportRequestID);
          state.requests = state.requests.map((r) => (r.reportRequestID === old.reportRequestID ? old : r));
        }
        renewal.renewed.add(record.reportRequestID);
      }
    }
    // The answer lists the new requests as pending even when a one-shot report goes out at once.
    const out: OadrMessage[] = [];
    owe('created-report', createdReport(requestID, outcome.problems, livePending(), ven), out);
    for (const r of oneShotMetadata) owe('register-report', registerReport(catalog, { requestID: nextId(state, 'req'), venID: ven, now: new Date(atMs), reportRequestID: r.reportRequestID }), out);
    for (const id of outcome.replaced) if (!kept.has(id)) forget(state, id);
    for (const record of outcome.accepted) if (!kept.has(record.reportRequestID)) state.session?.runners.start(record);
    deps.changed();
    return out;
  };

  const cancel = (message: CancelReport, ven: string, atMs: number): OadrMessage[] => {
    const outcome = applyCancel(state.requests, message.reportRequestID, message.reportToFollow, atMs);
    state.requests = outcome.requests;
    // Requests with a report to follow stay pending until it is out (§5.7).
    const out: OadrMessage[] = [];
    owe('canceled-report', canceledReport(message.requestID, outcome.unknown, livePending(), ven), out);
    for (const id of outcome.stopped) forget(state, id);
    for (const id of outcome.following) state.session?.runners.end(id, atMs);
    deps.changed();
    return out;
  };

  /** What follows the VTN's answer to `sent` (§5.3 step 2); refusals are reported on errors$. */
  const followUps = (sent: OadrMessage, answer: OadrMessage | undefined): OadrMessage[] => {
    const { code, description } = answerCode(answer);
    if (!/^2\d\d$/.test(code)) {
      deps.errors.next(new ReportError('rejected', `the VTN answered ${sent.type} with ${code}${description ? ` ${description}` : ''}`, { responseCode: code }));
      return [];
    }
    if (sent.type !== 'oadrRegisterReport' || answer?.type !== 'oadrRegisteredReport') return [];
    const embedded = answer.oadrReportRequest ?? [];
    // Embedded requests are taken first (a held one requested again unchanged goes on); then the answer to the
    // METADATA offered after a re-registration ends the held requests it did not renew (§5.3 steps 1–2).
    const out = embedded.length > 0 ? create(answer.eiResponse.requestID, embedded, addressVenID(state), nowMs(state)) : [];
    if (state.renewal && sent.requestID === state.renewal.metadataRequestID) concludeRenewal();
    return out;
  };

  return { create, cancel, followUps };
}
