import { BehaviorSubject, asyncScheduler, distinctUntilChanged, type Observable, type SchedulerLike, type Subscription } from 'rxjs';

/** Options of {@link createSimulatedBattery}. */
export interface SimulatedBatteryOptions {
  /** Default `asyncScheduler`; pass the VEN's scheduler (a virtual clock in tests). */
  readonly scheduler?: SchedulerLike;
  /** Usable energy in Wh. Default 10 000. */
  readonly capacityWh?: number;
  /** Largest charge or discharge power in W. Default 5 000. */
  readonly maxPowerW?: number;
  /** How fast the inverter moves its power, in W per second. Default 2 500. */
  readonly rampWPerS?: number;
  /** State of charge at the start, 0…1. Default 0.8. */
  readonly initialSoc?: number;
  /** Power with no target (normal operation): charge slowly, as a negative W value. Default −500. */
  readonly idleW?: number;
  /** Simulation step in ms. Default 250. */
  readonly stepMs?: number;
  /** Time compression: simulated seconds per real second (a compressed day). Default 1. */
  readonly speed?: number;
}

/** A battery behind a VEN: a target in, real power and state of charge out. */
export interface SimulatedBattery {
  /** Discharge (positive W) or charge (negative W) towards `watts`; `undefined` = normal operation. */
  setTarget(watts: number | undefined): void;
  /** The power the battery really delivers, in W (positive = discharging); it lags the target by the ramp rate. */
  readonly power$: Observable<number>;
  /** State of charge, 0…1. */
  readonly soc$: Observable<number>;
  readonly power: number;
  readonly soc: number;
  readonly target: number | undefined;
  /** Stops the simulation timer. */
  stop(): void;
}

/**
 * A simulated battery for demos and tests (a test double in the spirit of the mock VTN): its
 * inverter ramps towards the target at a limited rate, it stops discharging when empty and
 * charging when full. Everything runs on the given scheduler.
 *
 * @example
 * const battery = createSimulatedBattery({ scheduler: clock });
 * ven.control$.pipe(valueInForce({ resourceID: 'battery-1', signalName: 'LOAD_DISPATCH' })).subscribe((w) => battery.setTarget(w));
 */
export function createSimulatedBattery(options: SimulatedBatteryOptions = {}): SimulatedBattery {
  const capacityWh = options.capacityWh ?? 10_000;
  const maxPowerW = options.maxPowerW ?? 5_000;
  const rampWPerS = options.rampWPerS ?? 2_500;
  const idleW = options.idleW ?? -500;
  const stepMs = options.stepMs ?? 250;
  const speed = options.speed ?? 1;
  const power = new BehaviorSubject(0);
  const soc = new BehaviorSubject(Math.min(1, Math.max(0, options.initialSoc ?? 0.8)));
  let target: number | undefined;

  const step = (): void => {
    const dtS = (stepMs / 1_000) * speed;
    const wanted = Math.max(-maxPowerW, Math.min(maxPowerW, target ?? idleW));
    // An empty battery cannot discharge, a full one cannot charge.
    const feasible = (wanted > 0 && soc.value <= 0) || (wanted < 0 && soc.value >= 1) ? 0 : wanted;
    const delta = Math.max(-rampWPerS * dtS, Math.min(rampWPerS * dtS, feasible - power.value));
    const next = Math.round(power.value + delta);
    soc.next(Math.min(1, Math.max(0, soc.value - (next * dtS) / 3_600 / capacityWh)));
    if (next !== power.value) power.next(next);
  };
  const scheduler = options.scheduler ?? asyncScheduler;
  // One top-level action per step (not `interval`, whose virtual-time actions nest one per step).
  let ticking: Subscription | undefined;
  let stopped = false;
  const tick = (): void => {
    step();
    if (!stopped) ticking = scheduler.schedule(tick, stepMs);
  };
  ticking = scheduler.schedule(tick, stepMs);

  return {
    setTarget(watts) {
      target = watts;
    },
    power$: power.pipe(distinctUntilChanged()),
    soc$: soc.pipe(distinctUntilChanged()),
    get power() {
      return power.value;
    },
    get soc() {
      return soc.value;
    },
    get target() {
      return target;
    },
    stop() {
      stopped = true;
      ticking?.unsubscribe();
      power.complete();
      soc.complete();
    },
  };
}
