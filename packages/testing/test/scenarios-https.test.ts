import { map } from 'rxjs';
import { createVen, optIn } from '@rxadr/core';
import { xmlSignatures } from '@rxadr/signing';
import { describeScenarios } from '../src/scenarios/describe-scenarios.js';
import { SITE_METER_RID, siteReports } from '../src/scenarios/scenario-site.js';

// The whole pack over loopback HTTPS with mutual TLS and XML signatures both ways, against
// rxadr's default configuration (plus signing, which a signed deployment must configure), offering
// power from the pack's test meter, its stored energy and a status, so the report scenarios check delivered values.
describeScenarios('scenario pack, over HTTPS with XML signatures', {
  over: 'https',
  signatures: true,
  usesStore: true,
  meterRID: SITE_METER_RID,
  makeVen: (ctx) =>
    createVen({
      venName: 'rxadr-https',
      transport: xmlSignatures({ identity: ctx.signing?.identity, trust: ctx.signing?.trust, scheduler: ctx.scheduler })(ctx.transport),
      xmlSignature: true,
      scheduler: ctx.scheduler,
      store: ctx.store,
      reports: siteReports(ctx),
      decide: (e$) => e$.pipe(map(optIn)),
    }),
});
