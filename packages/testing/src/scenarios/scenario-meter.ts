import { defer, map, startWith, timer, type Observable, type SchedulerLike } from 'rxjs';

/** The test meter's value changes every 10 s of scheduler time… */
export const METER_STEP_MS = 10_000;
/** …5 s into each step, so a sample taken on a whole step boundary is never a tie. */
const METER_OFFSET_MS = 5_000;
/** Values cycle through 1000…1359 W: small enough to stay exact as an xs:float (OPENADR.md §9). */
const METER_CYCLE = 360;

/** The test meter's value (W) at epoch ms `atMs`: a known function of time, the same for every subscriber. */
export function meterValueAt(atMs: number): number {
  const step = Math.floor((atMs - METER_OFFSET_MS) / METER_STEP_MS);
  return 1000 + (((step % METER_CYCLE) + METER_CYCLE) % METER_CYCLE);
}

/**
 * Every value the meter shows at some instant of `[fromMs, toMs]`, and the one just before
 * `fromMs` (a reading taken exactly when the value changes may see either).
 */
export function meterValuesBetween(fromMs: number, toMs: number): Set<number> {
  const values = new Set([meterValueAt(fromMs - 1), meterValueAt(fromMs)]);
  for (let t = fromMs; t <= toMs; t += METER_STEP_MS) values.add(meterValueAt(t));
  values.add(meterValueAt(toMs));
  return values;
}

/**
 * A test power meter on the scenario's clock (OPENADR.md §5.1 TELEMETRY_USAGE): emits its current
 * value on subscription, then the new value at every change. Because its value is a known function
 * of time ({@link meterValueAt}), the report scenarios can check the values a VEN delivers when the
 * run names the data point fed from it (`meterRID`).
 *
 * @example
 * telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: ctx.meter$, samplingRate: { min: 'PT1S', max: 'PT1H' } })
 */
export function scenarioMeter(scheduler: SchedulerLike): Observable<number> {
  return defer(() => {
    const now = scheduler.now();
    const sinceChange = (((now - METER_OFFSET_MS) % METER_STEP_MS) + METER_STEP_MS) % METER_STEP_MS;
    return timer(METER_STEP_MS - sinceChange, METER_STEP_MS, scheduler).pipe(
      map(() => meterValueAt(scheduler.now())),
      startWith(meterValueAt(now)),
    );
  });
}
