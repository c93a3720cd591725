import { map, timer } from 'rxjs';
import { createReports, createVen, optIn, telemetryStatus, telemetryUsage } from '@rxadr/core';
import { xmlSignatures } from '@rxadr/signing';
import { describeScenarios } from '../src/scenarios/describe-scenarios.js';

// The whole pack over loopback HTTPS with mutual TLS and XML signatures both ways, against
// rxadr's default configuration (plus signing, which a signed deployment must configure), offering
// power from the pack's test meter and a status, so the report scenarios check delivered values.
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
        ],
      }),
      decide: (e$) => e$.pipe(map(optIn)),
    }),
});
