import type { ItemBase, OadrEvent, OptType, ResponseRequired, EventStatus, SignalName, SignalType } from '../model/model-exports.js';

/** The VEN's own view of an event's status, computed on its own clock (OPENADR.md §4.5). */
export type VenEventStatus = 'far' | 'near' | 'active' | 'completed' | 'cancelled';

/** One interval of a signal, placed on absolute time (§4.3: interval k starts at start + Σ duration[0..k-1]). */
export interface EventIntervalSnapshot {
  readonly index: number;
  readonly uid: string | undefined;
  readonly start: Date;
  /** Undefined when the interval is open-ended (the event has duration 0, rule 47). */
  readonly end: Date | undefined;
  /** The `ei:payloadFloat` value, when the interval carries one. */
  readonly value: number | undefined;
}

/** One signal with its absolute intervals and, while the event is active, the current interval and value. */
export interface SignalSnapshot {
  readonly signalName: SignalName;
  readonly signalType: SignalType;
  readonly signalID: string;
  readonly itemBase: ItemBase | undefined;
  readonly intervals: readonly EventIntervalSnapshot[];
  /** Index into `intervals` of the interval executing now; undefined when the event is not active. */
  readonly currentInterval: number | undefined;
  /** The value of the current interval, computed locally rather than trusted from `currentValue` (§4.3). */
  readonly currentValue: number | undefined;
  /** The VEN's resources this signal drives: those of the event its own `ei:eiTarget` also names (§4.3). */
  readonly resources: readonly string[];
}

/**
 * What `ven.events$` emits: one event at one instant, on the VEN's clock.
 *
 * `start`/`end` include the random startafter offset (rule 30). After a cancellation of a
 * running event the status stays `active` until the randomised stop (`end`, rule 65), then
 * becomes `cancelled`; `cancelled` is true from the moment the cancellation arrived.
 */
export interface EventSnapshot {
  readonly eventID: string;
  readonly modificationNumber: number;
  readonly marketContext: string;
  /** 0 = no priority = lowest (§4.1). */
  readonly priority: number;
  readonly status: VenEventStatus;
  /** The VTN's `eventStatus` hint (never used to drive `status`, rule 66). */
  readonly vtnStatus: EventStatus;
  /** True when `ei:testEvent` is present with any value other than `false` (rule 6). */
  readonly testEvent: boolean;
  readonly cancelled: boolean;
  /** `dtstart` as the VTN sent it. */
  readonly scheduledStart: Date;
  /** The randomised start: `dtstart + randomOffsetMs`. */
  readonly start: Date;
  /** Undefined = open-ended (duration 0, rule 47); for a cancelled running event, the randomised stop. */
  readonly end: Date | undefined;
  /** Start of the `near` window (`start - x-eiRampUp`), when the event has a ramp-up. */
  readonly nearFrom: Date | undefined;
  readonly randomOffsetMs: number;
  /** The VEN's resources the event targets (event-level `ei:eiTarget`, rule 22; `['ven']` without configured resources). */
  readonly resources: readonly string[];
  readonly signals: readonly SignalSnapshot[];
  readonly responseRequired: ResponseRequired;
  /** The answer last sent for this event, if any. */
  readonly optType: OptType | undefined;
  /** When this snapshot was taken (scheduler time). */
  readonly at: Date;
  /** The event exactly as last accepted from the VTN. */
  readonly event: OadrEvent;
}
