import type { Subject } from 'rxjs';
import { messageToJson } from '../codec/message-json.js';
import type { ObligationSubject } from '../ledger/obligation.js';
import type { MissingMarker } from './data-report.js';
import { deliveryMessage } from './delivery-item.js';
import { registerReport } from './metadata.js';
import type { ReportCatalog } from './report-catalog.js';
import { ReportError, isReportError } from './report-error.js';
import type { ReportHost } from './report-host.js';
import { nextId, nowMs, type ReportModuleState } from './report-module-state.js';
import type { ReportObligations } from './report-obligations.js';
import { isFinal } from './report-plan.js';
import { applyDelivered } from './report-requests.js';
import { reportStateFromJson } from './report-state.js';
import type { VtnRequestLedger } from './vtn-request-ledger.js';

/** Deep equality of two JSON values, whatever the order of their keys. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => sameJson(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Reads the persisted slot into `state` (and the VEN's own requests into `vtnRequests`). An
 * unreadable slot is reported on `errors` and the module starts empty.
 */
export function loadReportState(
  state: ReportModuleState,
  host: ReportHost,
  deps: { readonly missingReading: MissingMarker; readonly vtnRequests: VtnRequestLedger; readonly errors: Subject<ReportError> },
): void {
  try {
    const stored = reportStateFromJson(host.load());
    if (!stored) return;
    ({ venID: state.venID, seq: state.seq, requests: state.requests, counters: state.counters } = stored);
    state.held = [...stored.held];
    // A slot saved before the ledger: its waiting reports are owed now (same identities).
    for (const item of stored.deliveries) {
      const w = item.window;
      state.held.push({ message: deliveryMessage(item, state.venID ?? '', deps.missingReading), subject: { reportRequestID: w.reportRequestID, fromMs: w.fromMs, toMs: w.toMs, intervals: Math.max(1, w.intervals.length) } });
    }
    for (const [id, map] of stored.samples) state.inProgress.set(id, map);
    deps.vtnRequests.load({ accepted: stored.vtnRequests ?? [], owed: stored.vtnRequestsOwed ?? [], withdrawn: stored.vtnRequestsWithdrawn ?? [] });
  } catch (error) {
    deps.errors.next(isReportError(error) ? error : new ReportError('state', 'the persisted report state is unreadable', { cause: error }));
  }
}

/**
 * A delivery restored from the ledger covers its intervals, also when the slot was saved before it:
 * the ledger journals a record at once, the slot follows at the end of the turn, and a kill -9 in
 * between leaves the request's cursor before the owed data. The request goes on after it (ends when
 * that was its last report), and the samples of those intervals are dropped: none is sampled and
 * sent a second time.
 */
export function skipOwed(state: ReportModuleState, subject: ObligationSubject): void {
  const { reportRequestID: id, toMs } = subject;
  const record = id === undefined ? undefined : state.requests.find((r) => r.reportRequestID === id);
  if (!record || toMs === undefined || record.cursorMs >= toMs) return;
  state.requests = applyDelivered(state.requests, record.reportRequestID, toMs, isFinal(record, toMs));
  const samples = state.inProgress.get(record.reportRequestID);
  for (const end of [...(samples?.keys() ?? [])]) if (end <= toMs) samples!.delete(end);
}

/**
 * On a resume, a METADATA offer restored from the ledger is sent again as it is (same requestID,
 * §5.3 step 1), unless the offered reports changed since: then a fresh offer supersedes it before it
 * goes out. Either way it is the one offer of this start. True when one is owed.
 */
export function resumeOffer(state: ReportModuleState, obligations: ReportObligations, catalog: ReportCatalog, ven: string): boolean {
  const restored = obligations.pendingOffer();
  if (!restored) return false;
  const now = restored.oadrReport?.[0]?.createdDateTime ?? new Date(nowMs(state));
  const same = registerReport(catalog, { requestID: restored.requestID, venID: restored.venID ?? ven, now });
  if (!sameJson(messageToJson(same), messageToJson(restored))) {
    obligations.owe('register-report', registerReport(catalog, { requestID: nextId(state, 'req'), venID: ven, now: new Date(nowMs(state)) }));
  }
  return true;
}
