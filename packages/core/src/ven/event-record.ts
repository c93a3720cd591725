import type { OadrEvent, OptType } from '../model/model-exports.js';

/** A cancellation the VEN has accepted, explicit (rule 59) or implied (rule 61), or an end after a refused modification. */
export interface EventCancellation {
  /** Scheduler time the cancellation arrived. */
  readonly receivedAt: number;
  /** When the VEN stops: `receivedAt` plus a random offset within startafter if the event was running (rule 65). */
  readonly stopAt: number;
  readonly implied: boolean;
  /**
   * Set when the VEN ended this version itself because the VTN replaced it by a version the VEN
   * refused (the code and description it answered, e.g. 462 target mismatch or 454 invalid data).
   */
  readonly refused?: { readonly code: string; readonly description: string };
}

/** The answer sent for one version of an event (kept so a re-delivery re-sends it, rule 62). */
export interface EventAnswer {
  readonly modificationNumber: number;
  readonly optType: OptType;
}

/** One known event as the VEN keeps (and persists) it. */
export interface EventRecord {
  /** The version last accepted. */
  readonly event: OadrEvent;
  /** The oadrDistributeEvent requestID that delivered this version; reused by later opt changes (rule 42). */
  readonly requestID: string;
  /** Random start offset within startafter, drawn once per event (rule 30). */
  readonly randomOffsetMs: number;
  readonly cancellation: EventCancellation | undefined;
  readonly answer: EventAnswer | undefined;
}

/** Known events by eventID. */
export type EventTable = ReadonlyMap<string, EventRecord>;
