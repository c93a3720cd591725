import { map } from 'rxjs';
import { afterAll, expect } from 'vitest';
import { createVen, optIn } from '@rxadr/core';
import { xmlSignatures } from '@rxadr/signing';
import { rawXmlTap } from '@rxadr/transport';
import { createSchemaCheck } from '../src/schema/schema-validator.js';
import { describeScenarios } from '../src/scenarios/describe-scenarios.js';
import { SITE_METER_RID, siteReports } from '../src/scenarios/scenario-site.js';

/** Every document the VEN sends while the pack runs, checked against the XSD at the end. */
const sent = createSchemaCheck(undefined, 200);
const tap = rawXmlTap((exchange) => {
  if (exchange.direction === 'out' && exchange.body !== '') sent.add(`${exchange.service}#${sent.size}`, exchange.body);
});

afterAll(async () => {
  expect(sent.size).toBeGreaterThan(100);
  await sent.assertAllValid();
});

// rxadr's own default configuration, with the one decision every user writes and the reports of a typical site.
describeScenarios('scenario pack, in memory', {
  usesStore: true,
  // The security scenarios need a signing VEN: the signed run below has them.
  skip: ['security'],
  meterRID: SITE_METER_RID,
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

// A site with resources behind the VEN: every control scenario must hold for each of them.
describeScenarios('scenario pack, in memory, a VEN with two resources', {
  usesStore: true,
  only: ['control', 'events.new-event'],
  makeVen: (ctx) =>
    createVen({
      venName: 'rxadr-resources',
      transport: tap(ctx.transport),
      scheduler: ctx.scheduler,
      store: ctx.store,
      resources: [{ resourceID: 'battery-1', targets: { groupID: ['north'] } }, { resourceID: 'charger-1' }],
      decide: (e$) => e$.pipe(map(optIn)),
    }),
});
