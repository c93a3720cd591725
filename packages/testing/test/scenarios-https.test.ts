import { map, timer } from 'rxjs';
import { createReports, createVen, historyUsage, optIn, telemetryStatus, telemetryUsage, type HistoryQuery } from '@rxadr/core';
import { xmlSignatures } from '@rxadr/signing';
import { describeScenarios } from '../src/scenarios/describe-scenarios.js';
import type { ScenarioContext } from '../src/scenarios/scenario.js';
import { meterValueAt } from '../src/scenarios/scenario-meter.js';

/** Stored energy per interval (Wh), from the test meter's power at each interval start: only what lies before now on the scenario clock. */
const meterHistory =
  (ctx: ScenarioContext): HistoryQuery =>
  (from, to, granularity) => {
    const step = granularity.toMillis(from.getTime());
    const points = [];
    for (let t = from.getTime(); t + step <= Math.min(to.getTime(), ctx.scheduler.now()); t += step) points.push({ at: new Date(t), value: (meterValueAt(t) * step) / 3_600_000 });
    return points;
  };

// The whole pack over loopback HTTPS with mutual TLS and XML signatures both ways, against
// rxadr's default configuration (plus signing, which a signed deployment must configure), offering
// power from the pack's test meter, its stored energy and a status, so the report scenarios check delivered values.
describeScenarios('scenario pack, over HTTPS with XML signatures', {
  over: 'https',
  signatures: true,
  usesStore: true,
  meterRID: 'meter-1/powerReal',
  makeVen: (ctx) =>
    createVen({
      venName: 'rxadr-https',
      transport: xmlSignatures({ identity: ctx.signing?.identity, trust: ctx.signing?.trust, scheduler: ctx.scheduler })(ctx.transport),
      xmlSignature: true,
      scheduler: ctx.scheduler,
      store: ctx.store,
      reports: createReports({
        reports: [
          telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: ctx.meter$, samplingRate: { min: 'PT1S', max: 'PT1H' } }),
          telemetryStatus({ resourceId: 'meter-1', status$: timer(0, 15 * 60_000, ctx.scheduler).pipe(map((i) => ({ online: true, manualOverride: i % 4 === 3 }))) }),
          historyUsage({ resourceId: 'meter-1', measurement: 'energyReal', unit: 'Wh', historyDuration: 'P7D', samplingRate: { min: 'PT15M', max: 'P1D' }, query: meterHistory(ctx) }),
        ],
      }),
      decide: (e$) => e$.pipe(map(optIn)),
    }),
});
