import { Observable, type OperatorFunction } from 'rxjs';
import type { SignalName, SignalType } from '../model/model-exports.js';
import type { ControlPhase, ControlValue } from './control-value.js';

/** Which value {@link valueInForce} follows. */
export interface ValueInForceOptions {
  /** Default: every resource (fine for a VEN without configured resources, whose one resource is `ven`). */
  readonly resourceID?: string;
  readonly signalName: SignalName;
  /** Default: any type; give it when an event carries one signal name with several types. */
  readonly signalType?: SignalType;
  /** Phases whose value counts; in the others the result is `undefined` (normal). Default `['active']`. */
  readonly phases?: readonly Exclude<ControlPhase, 'normal'>[];
}

/**
 * One resource's one signal from `ven.control$` as a plain number: the value in force, or
 * `undefined` when the resource should run normally. Emits at once on subscription (`undefined`
 * when no event names the signal), then only when the number changes.
 *
 * @example
 * ven.control$
 *   .pipe(valueInForce({ resourceID: 'battery-1', signalName: 'LOAD_DISPATCH' }))
 *   .subscribe((kW) => battery.setTarget(kW ?? 0));
 */
export function valueInForce(options: ValueInForceOptions): OperatorFunction<ControlValue, number | undefined> {
  const phases = new Set<ControlPhase>(options.phases ?? ['active']);
  const wanted = (v: ControlValue): boolean =>
    (options.resourceID === undefined || v.resourceID === options.resourceID) &&
    v.signal.signalName === options.signalName &&
    (options.signalType === undefined || v.signal.signalType === options.signalType);
  return (source) =>
    new Observable<number | undefined>((subscriber) => {
      let emitted = false;
      let current: number | undefined;
      const sub = source.subscribe({
        next: (v) => {
          if (!wanted(v)) return;
          const value = phases.has(v.phase) ? v.value : undefined;
          if (emitted && value === current) return;
          emitted = true;
          current = value;
          subscriber.next(value);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      // The current state arrives synchronously on subscription; if it names nothing, say "normal".
      if (!emitted && !subscriber.closed) {
        emitted = true;
        subscriber.next(undefined);
      }
      return sub;
    });
}
