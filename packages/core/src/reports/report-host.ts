import type { Observable, SchedulerLike } from 'rxjs';
import type { Ledger, ObligationHooks } from '../ledger/ledger.js';
import type { ObligationKind } from '../ledger/obligation.js';
import type { OadrMessage } from '../model/message.js';

/**
 * What the VEN engine lends the report module so it can send on its own schedule (periodic
 * reports, retries after an outage). The engine passes it to `attach` when it starts.
 */
export interface ReportHost {
  /** Every wait and every "now" of the module. */
  readonly scheduler: SchedulerLike;
  /**
   * POSTs one message to EiReport, after the exchanges already queued (so answers the engine
   * is sending go first). Emits the VTN's decoded answer (undefined for an empty HTTP 200) and
   * completes; errors with the failure: a `TransportError` (its `retryable` flag decides whether
   * the module tries again), possibly wrapped as the `cause` of another error. Unsubscribing
   * abandons the send.
   */
  send(message: OadrMessage): Observable<OadrMessage | undefined>;
  /** The venID of the current registration; undefined while unregistered (nothing is sent then). */
  venID(): string | undefined;
  /** The module's persisted slot (`VenState.reports`) as last saved, or undefined. */
  load(): unknown;
  /** Persists the module's slot (plain JSON). */
  save(slot: unknown): void;
  /**
   * The VEN's obligations ledger (docs/ledger.md). Records the module adds (kinds
   * `register-report`, `created-report`, `canceled-report`, `report-delivery`) are sent by the
   * engine like every other owed message: in order, one exchange at a time, before the next
   * poll, retried with the retry policy, held while the VEN is not registered, and persisted.
   *
   * @example
   * host.ledger.add({ kind: 'report-delivery', key: `delivery:${id}`, subject: { reportRequestID, fromMs, toMs, intervals: 4 }, message, expects: 'oadrUpdatedReport' });
   */
  readonly ledger: Ledger;
  /**
   * Registers how the module hears that its records of `kind` ended (settled with the VTN's
   * answer, or failed for good). Call it in `attach`, before adding records: hooks are not
   * persisted, and records restored from the store end through them too.
   */
  hooks(kind: ObligationKind, hooks: ObligationHooks): void;
}
