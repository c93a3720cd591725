import type { OadrMessage, OadrMessageType } from '../model/message.js';

/**
 * What the VEN can owe the VTN (DESIGN.md "the ledger"): one kind per owed message type.
 * - `created-event`: oadrCreatedEvent for one event version, or a later change of mind (rule 17)
 * - `create-opt` / `cancel-opt`: oadrCreateOpt / oadrCancelOpt (§6)
 * - `created-report` / `canceled-report`: the answers to oadrCreateReport / oadrCancelReport (§5)
 * - `register-report`: the VEN's METADATA oadrRegisterReport (§5.3)
 * - `create-report` / `cancel-report`: the VEN's own oadrCreateReport / oadrCancelReport for one of the
 *   VTN's reports (§5.4, `requestVtnReport`), keyed `vtn-report:<reportRequestID>`
 * - `report-delivery`: one oadrUpdateReport with data for a report request's intervals
 * - `canceled-party-registration`: the answer to the VTN's oadrCancelPartyRegistration (§3.1)
 */
export type ObligationKind =
  | 'created-event'
  | 'create-opt'
  | 'cancel-opt'
  | 'created-report'
  | 'canceled-report'
  | 'register-report'
  | 'report-delivery'
  | 'create-report'
  | 'cancel-report'
  | 'canceled-party-registration';

/** What a record answers: the identities it is about (the fields that apply to its kind). */
export interface ObligationSubject {
  readonly eventID?: string;
  readonly modificationNumber?: number;
  readonly requestID?: string;
  readonly optID?: string;
  readonly reportRequestID?: string;
  /** For `report-delivery`: the data's interval range, scheduler ms. */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** For `report-delivery`: how many report intervals it carries (what `droppedOverflow` counts). Default 1. */
  readonly intervals?: number;
}

/**
 * Where a record stands:
 * - `pending`: owed; sent at `nextAttemptAt` (again after every transient failure)
 * - `settled`: the expected reply came with a 2xx code
 * - `failed`: refused for good (OpenADR 4xx other than 463/452-own-IDs); `lastError` says why
 * - `superseded`: a newer record for the same `key` replaced it before it settled
 * - `dropped`: a report interval dropped because the ledger was full (`droppedOverflow`), or
 *   its report request ended (kept in the history store, not sent)
 */
export type ObligationState = 'pending' | 'settled' | 'failed' | 'superseded' | 'dropped';

/** One owed message. Records are immutable values; the ledger replaces them as they change. */
export interface Obligation {
  /** Unique and stable across restarts. */
  readonly id: string;
  readonly kind: ObligationKind;
  /**
   * What it is about, for superseding: a newer pending record with the same key replaces an
   * older unsettled one (e.g. `event:EVT-1` for every oadrCreatedEvent about EVT-1, `opt:OPT-1`).
   * Report deliveries use a key per delivery and are never superseded.
   */
  readonly key: string;
  readonly subject: ObligationSubject;
  /** The message sent on every attempt, with the same identities (requestID, eiReportID, …). */
  readonly message: OadrMessage;
  /** The reply type that settles it (e.g. oadrResponse for oadrCreatedEvent, oadrUpdatedReport for oadrUpdateReport). */
  readonly expects: OadrMessageType;
  /** True for kinds that may only be sent while registered (all but `canceled-party-registration`). */
  readonly needsRegistration: boolean;
  readonly state: ObligationState;
  /** Attempts made so far. */
  readonly attempts: number;
  /** Scheduler ms of the next attempt (pending records only). */
  readonly nextAttemptAt: number;
  /** Scheduler ms the record was made. */
  readonly createdAt: number;
  /** Scheduler ms of the last change of state. */
  readonly updatedAt: number;
  /** The last failure: transport error text, or the OpenADR code and text. */
  readonly lastError?: { readonly reason: string; readonly responseCode?: string };
  /** Approximate size of the record as stored, for the byte bound. */
  readonly bytes: number;
}

/** A record as it is handed to `ledger.add` (the ledger fills in state, attempts and times). */
export interface NewObligation {
  readonly id?: string;
  readonly kind: ObligationKind;
  readonly key: string;
  readonly subject: ObligationSubject;
  readonly message: OadrMessage;
  readonly expects: OadrMessageType;
  readonly needsRegistration?: boolean;
  /** Send no earlier than this (scheduler ms). Default: now. */
  readonly notBefore?: number;
}

/** Counts over the ledger's lifetime (persisted), plus what stands now. */
export interface LedgerCounters {
  readonly pending: number;
  readonly settled: number;
  readonly failed: number;
  readonly superseded: number;
  /** Report intervals dropped, oldest first, because the ledger reached its count or byte bound. */
  readonly droppedOverflow: number;
  /** Report deliveries not sent because their report request ended (reconciliation or cancel). */
  readonly droppedRequestEnded: number;
  /** Attempts that failed transiently and were retried. */
  readonly retries: number;
}

/** One change, as `ledger.changes$` emits it. */
export interface LedgerChange {
  readonly record: Obligation;
  /** The state before, or undefined for a new record. */
  readonly previous: Obligation['state'] | undefined;
}
