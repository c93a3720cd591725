import { map, timer } from 'rxjs';
import { createReports, createVen, optIn, telemetryStatus, telemetryUsage, type ReportModule } from '@rxadr/core';
import { xmlSignatures } from '@rxadr/signing';
import { describeScenarios } from '../src/scenarios/describe-scenarios.js';
import type { ScenarioContext } from '../src/scenarios/scenario.js';

/** Reports a typical site offers: power from the pack's test meter, and a status that changes every 15 minutes. */
const siteReports = (ctx: ScenarioContext): ReportModule =>
  createReports({
    reports: [
      telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: ctx.meter$, samplingRate: { min: 'PT1S', max: 'PT1H' } }),
      telemetryStatus({ resourceId: 'meter-1', status$: timer(0, 15 * 60_000, ctx.scheduler).pipe(map((i) => ({ online: true, manualOverride: i % 4 === 3 }))) }),
    ],
  });

// rxadr's own default configuration, with the one decision every user writes and the reports of a typical site.
describeScenarios('scenario pack, in memory', {
  usesStore: true,
  meterRID: 'meter-1/powerReal',
  makeVen: (ctx) =>
    createVen({ venName: 'rxadr-default', transport: ctx.transport, scheduler: ctx.scheduler, store: ctx.store, reports: siteReports(ctx), decide: (e$) => e$.pipe(map(optIn)) }),
});

describeScenarios('scenario pack, in memory with XML signatures', {
  signatures: true,
  only: ['registration.happy-path', 'events.new-event', 'security'],
  makeVen: (ctx) =>
    createVen({
      venName: 'rxadr-signed',
      transport: xmlSignatures({ identity: ctx.signing?.identity, trust: ctx.signing?.trust, scheduler: ctx.scheduler })(ctx.transport),
      xmlSignature: true,
      scheduler: ctx.scheduler,
      decide: (e$) => e$.pipe(map(optIn)),
    }),
});
