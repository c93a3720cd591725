import type { ReportRequest } from '../model/report.js';
import type { ReportCatalog } from './report-catalog.js';
import type { RequestRecord } from './request-record.js';
import { validateRequest, type RequestProblem } from './request-validation.js';

/** The result of an oadrCreateReport (or the requests embedded in oadrRegisteredReport). */
export interface CreateOutcome {
  /** Every request now pending, in order of arrival. */
  readonly requests: readonly RequestRecord[];
  readonly accepted: readonly RequestRecord[];
  /** IDs that were already pending and were replaced by the new request with that ID. */
  readonly replaced: readonly string[];
  readonly problems: readonly RequestProblem[];
}

/**
 * Adds report requests (OPENADR.md §5.4): each is checked on its own and keeps its own rIDs; an
 * accepted request with the ID of a pending one replaces it (in place); refused ones leave the
 * pending list as it was. Pure.
 */
export function applyCreate(requests: readonly RequestRecord[], incoming: readonly ReportRequest[], catalog: ReportCatalog, nowMs: number): CreateOutcome {
  const next = [...requests];
  const accepted: RequestRecord[] = [];
  const replaced: string[] = [];
  const problems: RequestProblem[] = [];
  for (const request of incoming) {
    const result = validateRequest(request, catalog, nowMs);
    problems.push(...result.problems);
    const record = result.record;
    if (!record) continue;
    const at = next.findIndex((r) => r.reportRequestID === record.reportRequestID);
    if (at >= 0) {
      next[at] = record;
      replaced.push(record.reportRequestID);
      const earlier = accepted.findIndex((r) => r.reportRequestID === record.reportRequestID);
      if (earlier >= 0) accepted.splice(earlier, 1);
    } else {
      next.push(record);
    }
    accepted.push(record);
  }
  return { requests: next, accepted, replaced, problems };
}

/** The result of an oadrCancelReport (§5.7). */
export interface CancelOutcome {
  readonly requests: readonly RequestRecord[];
  /** Stopped now (reportToFollow false). */
  readonly stopped: readonly string[];
  /** Kept until their one final report is out (reportToFollow true). */
  readonly following: readonly string[];
  /** IDs that are not pending: answered with 452. */
  readonly unknown: readonly string[];
}

/**
 * Cancels any number of requests (§5.7). With `reportToFollow` each request ends at `nowMs` and
 * stays pending until its final report (the data collected so far) is out; without it the
 * request is dropped at once. Unknown IDs are listed, not ignored. Pure.
 */
export function applyCancel(requests: readonly RequestRecord[], ids: readonly string[], reportToFollow: boolean, nowMs: number): CancelOutcome {
  const wanted = new Set(ids);
  const known = new Set(requests.map((r) => r.reportRequestID));
  const unknown = [...wanted].filter((id) => !known.has(id));
  const stopped: string[] = [];
  const following: string[] = [];
  const next: RequestRecord[] = [];
  for (const record of requests) {
    if (!wanted.has(record.reportRequestID)) {
      next.push(record);
    } else if (reportToFollow && !record.metadata) {
      following.push(record.reportRequestID);
      next.push(record.toFollow ? record : { ...record, toFollow: true, endMs: record.endMs === null ? nowMs : Math.min(record.endMs, nowMs) });
    } else {
      stopped.push(record.reportRequestID);
    }
  }
  return { requests: next, stopped, following, unknown };
}

/** Records a delivery: moves the cursor to `toMs`, or drops the request when that was its last report. Pure. */
export function applyDelivered(requests: readonly RequestRecord[], reportRequestID: string, toMs: number, final: boolean): readonly RequestRecord[] {
  if (final) return requests.filter((r) => r.reportRequestID !== reportRequestID);
  return requests.map((r) => (r.reportRequestID === reportRequestID ? { ...r, cursorMs: Math.max(r.cursorMs, toMs) } : r));
}

/** The reportRequestIDs of `oadrPendingReports`: every request still active, in order of arrival (§5.4). */
export function pendingIDs(requests: readonly RequestRecord[]): string[] {
  return requests.map((r) => r.reportRequestID);
}
