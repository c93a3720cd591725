import { map } from 'rxjs';
import { createVen, optIn } from '@rxadr/core';
import { xmlSignatures } from '@rxadr/signing';
import { describeScenarios } from '../src/scenarios/describe-scenarios.js';

// The whole pack over loopback HTTPS with mutual TLS and XML signatures both ways, against
// rxadr's default configuration (plus signing, which a signed deployment must configure).
describeScenarios('scenario pack, over HTTPS with XML signatures', {
  over: 'https',
  signatures: true,
  usesStore: true,
  makeVen: (ctx) =>
    createVen({
      venName: 'rxadr-https',
      transport: xmlSignatures({ identity: ctx.signing?.identity, trust: ctx.signing?.trust, scheduler: ctx.scheduler })(ctx.transport),
      xmlSignature: true,
      scheduler: ctx.scheduler,
      store: ctx.store,
      decide: (e$) => e$.pipe(map(optIn)),
    }),
});
