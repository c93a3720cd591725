import type { ItemBase, SignalName, SignalType } from '../model/model-exports.js';

/**
 * Where a resource stands for one signal (OPENADR.md §4.2):
 * - `normal`: no event is in force; run as usual
 * - `ramp-up`: inside an event's `x-eiRampUp` window before its start; the load may begin to move
 * - `active`: an interval of the event is in force
 * - `recovery`: inside the event's `x-eiRecovery` window after its end; the load returns to normal
 */
export type ControlPhase = 'normal' | 'ramp-up' | 'active' | 'recovery';

/** A signal as a device sees it: name, type and unit together (two of them are independent values). */
export interface ControlSignal {
  readonly signalName: SignalName;
  readonly signalType: SignalType;
  /** The `emix:itemBase` of the signal, when it has one. */
  readonly unit: ItemBase | undefined;
}

/** The event a value comes from, or one it superseded (rule 18). */
export interface ControlEventRef {
  readonly eventID: string;
  readonly modificationNumber: number;
  readonly marketContext: string;
  /** 0 = no priority = lowest; otherwise lower numbers win (§4.1). */
  readonly priority: number;
  /** The `ei:signalID` within that event. */
  readonly signalID: string;
  /** The phase that event is in for this resource and signal. */
  readonly phase: Exclude<ControlPhase, 'normal'>;
}

/**
 * What `ven.control$` emits: the value in force now for one resource and one signal, and until
 * when it holds as scheduled now (a modification or cancellation may change it earlier).
 */
export interface ControlValue {
  readonly resourceID: string;
  readonly signal: ControlSignal;
  /** `resourceID`, signal name, type and unit in one string: equal keys are the same value stream. */
  readonly key: string;
  readonly phase: ControlPhase;
  /**
   * The signal payload: of the interval in force when `active`; of the first interval during
   * `ramp-up` (where the load is heading); of the last interval during `recovery` (where it is
   * coming from). Undefined when `normal`.
   */
  readonly value: number | undefined;
  /** The event that won (undefined when `normal`). */
  readonly event: ControlEventRef | undefined;
  /** Other events that would drive this resource and signal now, and lost to `event` (rule 18). */
  readonly superseded: readonly ControlEventRef[];
  /** When this value is scheduled to change next; undefined = open-ended (rule 47) or nothing ahead. */
  readonly until: Date | undefined;
  /** When this value was computed (scheduler time). */
  readonly at: Date;
}

/** The key of one resource and signal (see {@link ControlValue.key}). */
export function controlKey(resourceID: string, signal: ControlSignal): string {
  const unit = signal.unit;
  const unitText = unit === undefined ? '' : `${unit.type}:${'itemUnits' in unit ? unit.itemUnits : ''}:${'siScaleCode' in unit ? unit.siScaleCode : ''}`;
  return `${resourceID}|${signal.signalName}|${signal.signalType}|${unitText}`;
}
