import type { Observable } from 'rxjs';
import type { OadrMessage } from '../model/message.js';
import type { ExchangeVerdict } from './retry-policy.js';
import type { LedgerChange, LedgerCounters, NewObligation, Obligation } from './obligation.js';

/** Bounds of the ledger; only `report-delivery` records are ever dropped to keep within them. */
export interface LedgerBounds {
  /** Most pending records. Default 10 000. */
  readonly maxRecords: number;
  /** Most bytes of pending records (their stored JSON, as `storedSize` estimates it). Default 32 MiB. */
  readonly maxBytes: number;
}

/**
 * The obligations ledger (DESIGN.md "the ledger"): everything the VEN owes the VTN, one record
 * each. It keeps the records, their states and counters, persists every change incrementally
 * through its journal, and tells its driver what is due; it does not send by itself.
 */
export interface Ledger {
  /** Adds a record (pending); supersedes pending records with the same key; drops the oldest report deliveries when a bound is hit. */
  add(record: NewObligation): Obligation;
  get(id: string): Obligation | undefined;
  /** Pending records in the order they were added. */
  pending(): readonly Obligation[];
  /** The first pending record due at `now` that may be sent (`registered` false holds back those that need a registration). */
  due(now: number, registered: boolean): Obligation | undefined;
  /** The earliest `nextAttemptAt` of a sendable pending record, if any. */
  nextDue(registered: boolean): number | undefined;
  /** Applies the verdict of one attempt: settles, fails, or schedules the next attempt with the retry policy. */
  applyVerdict(id: string, verdict: ExchangeVerdict): Obligation | undefined;
  /** Moves every pending record's next attempt to `at` (after re-registration: send again now). */
  rescheduleAll(at: number): void;
  /**
   * Ends pending records matching `predicate`: as `dropped` for `overflow` and `request-ended`
   * (e.g. deliveries of a dead report request, counted), or as `superseded` for `taken-back`:
   * the owner takes the messages back to owe them again under the same key (counted `superseded`,
   * never as dropped data).
   */
  drop(predicate: (record: Obligation) => boolean, reason: 'overflow' | 'request-ended' | 'taken-back'): readonly Obligation[];
  readonly counters: LedgerCounters;
  /** Every change of a record. */
  readonly changes$: Observable<LedgerChange>;
  /** The current counters first, then every change. */
  readonly counters$: Observable<LedgerCounters>;
}

/** Hooks a sender registers per kind, to hear how its records end (not persisted: re-registered at start). */
export interface ObligationHooks {
  /** The expected reply arrived with 2xx (per-item codes already honoured). */
  settled?(record: Obligation, answer: OadrMessage | undefined): void;
  /** The record failed for good. */
  failed?(record: Obligation, verdict: ExchangeVerdict): void;
}
