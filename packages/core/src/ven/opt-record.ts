import type { EiTarget, OptReason, OptType, QualifiedEventID, Vavailability } from '../model/model-exports.js';

/**
 * Where an opt stands with the VTN (§6): `pending` until the VTN answers (retried while it
 * cannot be reached), `superseded` when a newer opt for the same event replaced it first.
 */
export type OptStatus = 'pending' | 'created' | 'rejected' | 'cancelling' | 'cancelled' | 'superseded';

/** One opt the VEN created: an availability schedule or an event-specific opt (§6). */
export interface OptRecord {
  readonly optID: string;
  readonly optType: OptType;
  readonly optReason: OptReason;
  readonly marketContext: string | undefined;
  readonly vavailability: Vavailability | undefined;
  readonly qualifiedEventID: QualifiedEventID | undefined;
  /** All targets of the opt, sent as a single `ei:eiTarget`. */
  readonly target: EiTarget;
  readonly deviceClass: EiTarget | undefined;
  readonly createdDateTime: Date;
  readonly requestID: string;
  readonly status: OptStatus;
  /** The VTN's last response code for this opt. */
  readonly responseCode: string | undefined;
}
