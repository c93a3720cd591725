import type { Obligation } from '../ledger/obligation.js';
import type { ExchangeVerdict } from '../ledger/retry-policy.js';
import type { MessageOf } from '../model/message.js';
import type { ReportRequest } from '../model/report.js';
import { ReportError } from './report-error.js';
import { vtnRequestKey, type ReportObligations } from './report-obligations.js';
import type { VtnReports, VtnRequestSink } from './vtn-reports.js';

/** What the VEN's own requests for the VTN's reports need from the report module. */
export interface VtnRequestLedgerDeps {
  readonly obligations: ReportObligations;
  nextId(prefix: string): string;
  /** True while the module is attached to a VEN (its ledger is there). */
  attached(): boolean;
  /** The venID to address the messages to (the VEN's, else the one stored), if any. */
  venID(): string | undefined;
  /** The streams (late-bound: they are made with this ledger's sink). */
  streams(): VtnReports;
  /** Something persisted changed. */
  changed(): void;
  /** Saves the report slot now (write-ahead: before a record that must not outlive the slot's entry reaches the ledger). */
  save(): void;
}

/** The persisted form (`ReportStateJson.vtnRequests`, `vtnRequestsOwed` and `vtnRequestsWithdrawn`). */
export interface VtnRequestsJson {
  readonly accepted: readonly string[];
  readonly owed: readonly string[];
  /** Absent in a slot saved before withdrawn creates were kept. */
  readonly withdrawn?: readonly string[];
}

/** Withdrawn creates remembered (and persisted), the most recent ones: each costs a few bytes of the slot. */
export const MAX_WITHDRAWN = 256;

/**
 * The VEN's own oadrCreateReport / oadrCancelReport (`requestVtnReport`, §5.4) as ledger records
 * (kinds `create-report` and `cancel-report`, one key per reportRequestID): sent and retried by the
 * one retry policy like everything the VEN owes, settled only by oadrCreatedReport /
 * oadrCanceledReport with a 2xx code. A transient failure never ends the user's stream; a 4xx ends
 * it with `ReportError('rejected')`. A cancel supersedes a create that was never attempted (nothing
 * is sent then) and is owed only once the create may have reached the VTN. The requests the VTN
 * accepted are persisted (`accepted`), so after a restart — when nobody listens to them any more —
 * each one, and each create still owed that was already attempted, becomes an oadrCancelReport.
 *
 * A create is saved in the slot (`owed`) before its record reaches the ledger. The ledger journals
 * every change at once while the slot is saved at the end of the turn, so without it a kill -9 after
 * the VTN's oadrCreatedReport settled the record, and before the slot was saved, would leave the
 * request in neither: the VEN could not cancel a request the VTN holds. An entry left over from an
 * earlier outcome only costs one oadrCancelReport after a restart.
 */
export function createVtnRequestLedger(deps: VtnRequestLedgerDeps) {
  const { obligations } = deps;
  /** The requests the VTN accepted (oadrCreatedReport 2xx) and the VEN has not cancelled yet. */
  const accepted = new Set<string>();
  /**
   * Creates withdrawn before any attempt had ended. One may still have been in flight and reached the
   * VTN: if the VTN sends data for it, the VEN cancels it then (see `unknownData`), also after a
   * restart (they are persisted), for the {@link MAX_WITHDRAWN} most recent ones.
   */
  const withdrawn = new Set<string>();
  const rememberWithdrawn = (reportRequestID: string): void => {
    withdrawn.delete(reportRequestID);
    withdrawn.add(reportRequestID);
    for (const oldest of withdrawn) {
      if (withdrawn.size <= MAX_WITHDRAWN) break;
      withdrawn.delete(oldest);
    }
  };
  /**
   * Requests whose oadrCreateReport is owed and not settled yet; each was saved with the slot before
   * its record was added (see above). Every ID here or in `accepted` is on disk too: a removal may
   * reach the disk late, an addition never does.
   */
  const owed = new Set<string>();

  const address = (): string => {
    const ven = deps.venID();
    if (!deps.attached() || ven === undefined) throw new ReportError('not-attached', 'requestVtnReport: the report module is not attached to a registered VEN');
    return ven;
  };
  const pendingWith = (reportRequestID: string): Obligation | undefined => {
    const key = vtnRequestKey(reportRequestID);
    return [...obligations.pendingOf('create-report'), ...obligations.pendingOf('cancel-report')].find((r) => r.key === key);
  };

  /** Owes the cancel of a request nobody listens to, unless it can never have reached the VTN. */
  const cancel = (reportRequestID: string): void => {
    const record = pendingWith(reportRequestID);
    if (record?.kind === 'cancel-report') return;
    if (record?.kind === 'create-report' && record.attempts === 0 && !accepted.has(reportRequestID)) {
      obligations.withdraw(record.key);
      owed.delete(reportRequestID);
      rememberWithdrawn(reportRequestID);
      deps.changed();
      return;
    }
    if (!record && !accepted.has(reportRequestID) && !owed.has(reportRequestID)) return;
    const message: MessageOf<'oadrCancelReport'> = { type: 'oadrCancelReport', requestID: deps.nextId('req'), reportRequestID: [reportRequestID], reportToFollow: false, venID: address() };
    obligations.owe('cancel-report', message);
  };

  /** Marks requests owed; saves the slot when one was not known yet. */
  const markOwed = (reportRequestIDs: readonly string[]): void => {
    const fresh = reportRequestIDs.filter((id) => !accepted.has(id) && !owed.has(id));
    for (const id of fresh) owed.add(id);
    if (fresh.length > 0) deps.save();
  };

  const create = (request: ReportRequest): void => {
    const message: MessageOf<'oadrCreateReport'> = { type: 'oadrCreateReport', requestID: deps.nextId('req'), oadrReportRequest: [request], venID: address() };
    markOwed([request.reportRequestID]);
    obligations.owe('create-report', message);
  };

  const sink: VtnRequestSink = {
    create,
    // Detached (the VEN stopped): the next attach finds the request without a stream and cancels it.
    cancel: (reportRequestID) => (deps.attached() ? cancel(reportRequestID) : undefined),
  };

  return {
    sink,
    /** The persisted form: the requests the VTN accepted, those whose create is owed, and the creates withdrawn. */
    toJson: (): VtnRequestsJson => ({ accepted: [...accepted], owed: [...owed], withdrawn: [...withdrawn] }),
    load(json: VtnRequestsJson): void {
      accepted.clear();
      owed.clear();
      withdrawn.clear();
      for (const id of json.accepted) accepted.add(id);
      for (const id of json.owed) if (!accepted.has(id)) owed.add(id);
      for (const id of json.withdrawn ?? []) if (!accepted.has(id) && !owed.has(id)) rememberWithdrawn(id);
    },
    /** A create-report or cancel-report record settled (2xx); true when it was one. */
    settled(record: Obligation): boolean {
      const id = record.subject.reportRequestID;
      if (id === undefined || (record.kind !== 'create-report' && record.kind !== 'cancel-report')) return false;
      owed.delete(id);
      if (record.kind === 'cancel-report') accepted.delete(id);
      else {
        accepted.add(id);
        // Its stream ended while the answer was on its way: cancel it now.
        if (!deps.streams().active().has(id)) cancel(id);
      }
      deps.changed();
      return true;
    },
    /**
     * A create-report or cancel-report record was refused for good (4xx). A refused create ends its
     * stream (true), unless it was made again after a re-registration and the VTN had accepted it
     * before: the VTN still holds it as far as the VEN knows (a VTN may refuse a reportRequestID it
     * already has), so the stream goes on and the refusal is only reported (false).
     */
    refused(record: Obligation, verdict: ExchangeVerdict): boolean {
      const id = record.subject.reportRequestID;
      if (id === undefined || (record.kind !== 'create-report' && record.kind !== 'cancel-report')) return false;
      if (record.kind === 'create-report' && accepted.has(id)) return false;
      accepted.delete(id);
      owed.delete(id);
      if (record.kind === 'create-report' && verdict.kind === 'terminal') deps.streams().refused(id, verdict.responseCode, verdict.description);
      deps.changed();
      return true;
    },
    /** The VTN sent data for requests the VEN does not know: those it withdrew unsent may have reached the VTN after all, so they are cancelled. */
    unknownData(reportRequestIDs: readonly string[]): void {
      if (!deps.attached()) return;
      let forgotten = false;
      for (const id of reportRequestIDs) {
        if (!withdrawn.delete(id)) continue;
        forgotten = true;
        if (pendingWith(id) || deps.streams().active().has(id)) continue;
        obligations.owe('cancel-report', { type: 'oadrCancelReport', requestID: deps.nextId('req'), reportRequestID: [id], reportToFollow: false, venID: address() });
      }
      // The slot forgets them too, so a restart does not cancel them a second time.
      if (forgotten) deps.changed();
    },
    /** On attach: every request without a stream (restored after a restart, or unsubscribed while detached) is cancelled. */
    revive(): void {
      const active = deps.streams().active();
      const orphans = new Set([...obligations.pendingOf('create-report').map((r) => r.subject.reportRequestID ?? ''), ...accepted, ...owed]);
      for (const id of orphans) if (id !== '' && !active.has(id)) cancel(id);
    },
    /**
     * A re-registration: the VTN may have forgotten (or, `fresh`, registered the VEN anew under another
     * venID, holding none of them), so every live request is made again, with the same reportRequestID.
     */
    renew(fresh = false): void {
      if (fresh) {
        accepted.clear();
        owed.clear();
        withdrawn.clear();
      }
      if (!deps.attached()) return;
      const active = [...deps.streams().active().values()];
      // One save for all of them, before the first record.
      markOwed(active.map((r) => r.reportRequestID));
      for (const request of active) create(request);
      deps.changed();
    },
    /** The registration ended: the VTN holds none of them any more; every stream ends (`request-ended`). */
    ended(why: string): void {
      accepted.clear();
      owed.clear();
      withdrawn.clear();
      deps.streams().endAll(why);
      deps.changed();
    },
  };
}

export type VtnRequestLedger = ReturnType<typeof createVtnRequestLedger>;
