// A battery behind a VEN: control$ drives it, and telemetryUsage reports the power it really
// delivers, so the VTN sees the load respond to its own event.
import { map, type SchedulerLike } from 'rxjs';
import { createVen, optIn, telemetryUsage, valueInForce, type Transport, type Ven } from '@rxadr/core';
import { createSimulatedBattery, type SimulatedBattery } from '@rxadr/testing';

export interface BatterySite {
  readonly ven: Ven;
  readonly battery: SimulatedBattery;
  stop(): Promise<void>;
}

/** Starts a VEN with one resource, `battery-1`, that follows LOAD_DISPATCH setpoints (W, positive = discharge). */
export function startBatterySite(options: { readonly transport: Transport; readonly scheduler?: SchedulerLike }): BatterySite {
  const battery = createSimulatedBattery({ scheduler: options.scheduler });
  const ven = createVen({
    venName: 'battery-site',
    transport: options.transport,
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    resources: [{ resourceID: 'battery-1', targets: { endDeviceAsset: ['Storage'] } }],
    reports: [telemetryUsage({ resourceId: 'battery-1', measurement: 'powerReal', unit: 'W', readings$: battery.power$, samplingRate: { min: 'PT1S', max: 'PT1H' } })],
    decide: (events$) => events$.pipe(map((e) => optIn(e))),
  });
  // The device loop: the setpoint in force becomes the battery's target; undefined = normal operation.
  const loop = ven.control$
    .pipe(valueInForce({ resourceID: 'battery-1', signalName: 'LOAD_DISPATCH', signalType: 'setpoint' }))
    .subscribe((watts) => battery.setTarget(watts));
  ven.start();
  return {
    ven,
    battery,
    async stop() {
      loop.unsubscribe();
      await ven.stop();
      battery.stop();
    },
  };
}
