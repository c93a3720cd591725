import { map, timer } from 'rxjs';
import { afterAll, expect } from 'vitest';
import { createReports, createVen, historyUsage, optIn, telemetryStatus, telemetryUsage, type HistoryQuery, type ReportModule } from '@rxadr/core';
import { xmlSignatures } from '@rxadr/signing';
import { rawXmlTap } from '@rxadr/transport';
import { createSchemaValidator, schemaAvailable } from '../src/schema-validator.js';
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

/** Reports a typical site offers: power from the pack's test meter, its stored energy, and a status that changes every 15 minutes. */
const siteReports = (ctx: ScenarioContext): ReportModule =>
  createReports({
    reports: [
      telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: ctx.meter$, samplingRate: { min: 'PT1S', max: 'PT1H' } }),
      telemetryStatus({ resourceId: 'meter-1', status$: timer(0, 15 * 60_000, ctx.scheduler).pipe(map((i) => ({ online: true, manualOverride: i % 4 === 3 }))) }),
      historyUsage({ resourceId: 'meter-1', measurement: 'energyReal', unit: 'Wh', historyDuration: 'P7D', samplingRate: { min: 'PT15M', max: 'P1D' }, query: meterHistory(ctx) }),
    ],
  });

/** Every document the VEN sends while the pack runs, checked against the XSD at the end. */
const sent = new Map<string, string>();
const tap = rawXmlTap((exchange) => {
  if (exchange.direction === 'out' && exchange.body !== '' && !sent.has(exchange.body)) sent.set(exchange.body, `${exchange.service}#${sent.size}`);
});

afterAll(async () => {
  if (process.env['CI'] !== 'true' && !schemaAvailable()) return;
  const documents = [...sent].map(([xml, name]) => [name, xml] as const);
  expect(documents.length).toBeGreaterThan(100);
  const validator = createSchemaValidator();
  for (let i = 0; i < documents.length; i += 200) await validator.assertValid(Object.fromEntries(documents.slice(i, i + 200)));
});

// rxadr's own default configuration, with the one decision every user writes and the reports of a typical site.
describeScenarios('scenario pack, in memory', {
  usesStore: true,
  // The security scenarios need a signing VEN: the signed run below has them.
  skip: ['security'],
  meterRID: 'meter-1/powerReal',
  makeVen: (ctx) =>
    createVen({ venName: 'rxadr-default', transport: tap(ctx.transport), scheduler: ctx.scheduler, store: ctx.store, reports: siteReports(ctx), decide: (e$) => e$.pipe(map(optIn)) }),
});

describeScenarios('scenario pack, in memory with XML signatures', {
  signatures: true,
  only: ['registration.happy-path', 'events.new-event', 'security'],
  makeVen: (ctx) =>
    createVen({
      venName: 'rxadr-signed',
      transport: xmlSignatures({ identity: ctx.signing?.identity, trust: ctx.signing?.trust, scheduler: ctx.scheduler })(tap(ctx.transport)),
      xmlSignature: true,
      scheduler: ctx.scheduler,
      decide: (e$) => e$.pipe(map(optIn)),
    }),
});
