import { map } from 'rxjs';
import { createVen, optIn } from '@rxadr/core';
import { xmlSignatures } from '@rxadr/signing';
import { describeScenarios } from '../src/scenarios/describe-scenarios.js';

// rxadr's own default configuration, with the one decision every user writes.
describeScenarios('scenario pack, in memory', {
  usesStore: true,
  makeVen: (ctx) => createVen({ venName: 'rxadr-default', transport: ctx.transport, scheduler: ctx.scheduler, store: ctx.store, decide: (e$) => e$.pipe(map(optIn)) }),
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
