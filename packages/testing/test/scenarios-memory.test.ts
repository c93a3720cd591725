import { map } from 'rxjs';
import { afterAll, expect } from 'vitest';
import { createVen, optIn } from '@rxadr/core';
import { xmlSignatures } from '@rxadr/signing';
import { rawXmlTap } from '@rxadr/transport';
import { createSchemaValidator, schemaAvailable } from '../src/schema-validator.js';
import { describeScenarios } from '../src/scenarios/describe-scenarios.js';
import { SITE_METER_RID, siteReports } from '../src/scenarios/scenario-site.js';

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
