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
   * The VEN's obligations ledger: every report message the module owes becomes a record in it,
   * saved incrementally by its journal. Without one the module keeps an in-memory ledger (lost on restart).
   */
  readonly ledger?: Ledger;
  /**
   * Registers the hooks of one kind; a host that has it drives `ledger` itself (sends due records,
   * re-registers on 463). Without it the module drives the ledger through `send`.
   */
  hooks?(kind: ObligationKind, hooks: ObligationHooks): void;
}
