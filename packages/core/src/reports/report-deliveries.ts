import type { Subject } from 'rxjs';
import type { ExchangeVerdict } from '../ledger/retry-policy.js';
import type { MessageOf, OadrMessage } from '../model/message.js';
import type { MissingMarker } from './data-report.js';
import { deliveryMessage } from './delivery-item.js';
import { registerReport } from './metadata.js';
import type { ReportCatalog } from './report-catalog.js';
import { ReportError } from './report-error.js';
import { addressVenID, count, nextId, nowMs, type ReportModuleState } from './report-module-state.js';
import type { DropReason, DroppedDelivery } from './report-module.js';
import type { ReportObligations } from './report-obligations.js';
import { applyDelivered } from './report-requests.js';
import type { HeldDelivery, ReportCounters } from './report-state.js';
import type { SampledWindow } from './sampled-window.js';

const DROP_COUNTER: Record<DropReason, keyof ReportCounters> = {
  overflow: 'droppedOverflow',
  rejected: 'rejected',
  'registration-ended': 'droppedRegistrationEnded',
  'request-ended': 'droppedRequestEnded',
};

/** The reportRequestID and eiReportID of an owed or held oadrUpdateReport. */
function deliveryIDs(message: OadrMessage): { readonly reportRequestID: string; readonly eiReportID: string } {
  const report = message.type === 'oadrUpdateReport' ? message.oadrReport?.[0] : undefined;
  return { reportRequestID: report?.reportRequestID ?? '', eiReportID: report?.eiReportID ?? '' };
}

/** What the delivery side of the report module needs. */
export interface ReportDeliveriesDeps {
  readonly catalog: ReportCatalog;
  readonly missingReading: MissingMarker;
  readonly obligations: ReportObligations;
  readonly dropped: Subject<DroppedDelivery>;
  readonly errors: Subject<ReportError>;
  /** Something persisted changed. */
  changed(): void;
}

/**
 * The way from a sampled window to the VTN: a data report is owed (a ledger record), or held while
 * its request waits to be renewed after a re-registration (§5.3), when nothing may go out under it;
 * a METADATA request's window owes the metadata again. Every report lost is counted and announced
 * on `dropped$`, a refusal (4xx) also on `errors$`.
 */
export function createReportDeliveries(state: ReportModuleState, deps: ReportDeliveriesDeps) {
  const { catalog, obligations } = deps;

  const onDropped = (message: OadrMessage, reason: DropReason, verdict?: ExchangeVerdict): void => {
    count(state, DROP_COUNTER[reason]);
    const { reportRequestID, eiReportID } = deliveryIDs(message);
    const report = message.type === 'oadrUpdateReport' ? message.oadrReport?.[0] : undefined;
    const from = report?.dtstart ?? new Date(0);
    const to = report?.duration ? new Date(report.duration.addToMillis(from.getTime())) : from;
    const refusal = verdict?.kind === 'terminal' ? verdict : undefined;
    deps.dropped.next({ reason, reportRequestID, eiReportID, from, to, ...(refusal ? { responseCode: refusal.responseCode } : {}) });
    if (refusal) {
      deps.errors.next(new ReportError('rejected', `the VTN refused report ${eiReportID} of request ${reportRequestID}: ${refusal.responseCode}${refusal.description ? ` ${refusal.description}` : ''}; it is not sent again`, { responseCode: refusal.responseCode, reportRequestID }));
    }
  };

  const dropHeld = (keep: (h: HeldDelivery) => boolean, reason: DropReason): void => {
    state.held = state.held.filter((h) => keep(h) || (onDropped(h.message, reason), false));
  };

  /** Owes a data report, or holds it while its request waits to be renewed (nothing goes out under it meanwhile). */
  const deliver = (message: MessageOf<'oadrUpdateReport'>, subject: HeldDelivery['subject']): void => {
    const { session } = state;
    if (state.renewal || !session || session.host.venID() === undefined) state.held.push({ subject, message });
    else obligations.deliver(message, subject);
  };

  /** Owes the held reports now, in order (those that still may not go out are held again). */
  const releaseHeld = (): void => {
    const owed = state.held;
    state.held = [];
    for (const h of owed) deliver(h.message, h.subject);
  };

  const onWindow = (window: SampledWindow): void => {
    const record = state.requests.find((r) => r.reportRequestID === window.reportRequestID);
    if (!record || !state.session) return;
    state.requests = applyDelivered(state.requests, record.reportRequestID, window.toMs, window.final);
    if (window.final) state.inProgress.delete(record.reportRequestID);
    const ven = addressVenID(state);
    if (record.metadata) {
      obligations.owe('register-report', registerReport(catalog, { requestID: nextId(state, 'req'), venID: ven, now: new Date(nowMs(state)), reportRequestID: record.reportRequestID }));
    } else {
      const reportName = catalog.get(record.reportSpecifierID)?.reportName ?? 'x-unknown';
      const item = { requestID: nextId(state, 'upd'), eiReportID: nextId(state, 'rpt'), reportSpecifierID: record.reportSpecifierID, reportName, window };
      deliver(deliveryMessage(item, ven, deps.missingReading), { reportRequestID: window.reportRequestID, fromMs: window.fromMs, toMs: window.toMs, intervals: Math.max(1, window.intervals.length) });
    }
    deps.changed();
  };

  return { onDropped, dropHeld, deliver, releaseHeld, onWindow };
}

export type ReportDeliveries = ReturnType<typeof createReportDeliveries>;
