import { map, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createVen, optIn, type Transport } from '@rxadr/core';
import { xmlSignatures } from '@rxadr/signing';
import { SCENARIOS, runScenarios, selectScenarios, type MakeVen } from '@rxadr/testing';

const decide = (e$: Parameters<NonNullable<Parameters<typeof createVen>[0]['decide']>>[0]) => e$.pipe(map(optIn));
const plain: MakeVen = (ctx) => createVen({ venName: 'pack-test', transport: ctx.transport, scheduler: ctx.scheduler, decide });

/** A transport that never delivers oadrCreatedEvent: a VEN that forgets to answer events. */
const dropsCreatedEvent = (inner: Transport): Transport => ({
  send: (request) => (request.body.includes('oadrCreatedEvent>') ? of('') : inner.send(request)),
});

describe('the scenario pack', () => {
  it('names every scenario once, each with a category, a rule citation and a run function', () => {
    const names = SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of SCENARIOS) {
      expect(s.name.startsWith(`${s.category}.`)).toBe(true);
      expect(s.checks).toMatch(/§|rule|DESIGN|STYLE/);
    }
  });

  it('selects by name, category and pattern', () => {
    expect(selectScenarios({ only: ['events.new-event'] }).map((s) => s.name)).toEqual(['events.new-event']);
    expect(selectScenarios({ only: ['opts'] }).every((s) => s.category === 'opts')).toBe(true);
    expect(selectScenarios({ only: [/^polling\./], skip: ['polling.interval'] }).map((s) => s.name)).not.toContain('polling.interval');
  });

  it('reports a VEN that does not answer events as failing the event scenarios, with the evidence', async () => {
    const results = await runScenarios({
      only: ['events.new-event', 'polling.answers-before-next-poll', 'registration.happy-path'],
      makeVen: (ctx) => createVen({ venName: 'forgetful', transport: dropsCreatedEvent(ctx.transport), scheduler: ctx.scheduler, decide }),
    });
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['registration.happy-path', 'passed'],
      ['polling.answers-before-next-poll', 'failed'],
      ['events.new-event', 'failed'],
    ]);
    expect(results[2]?.reason).toContain('oadrCreatedEvent is missing');
    expect(results[2]?.trace).toContain('oadrPoll');
  });

  it('reports a VEN that signs but trusts nobody as failing the security scenarios', async () => {
    const results = await runScenarios({
      signatures: true,
      only: ['security'],
      makeVen: (ctx) =>
        createVen({ venName: 'trusting', transport: xmlSignatures({ identity: ctx.signing?.identity, scheduler: ctx.scheduler })(ctx.transport), xmlSignature: true, scheduler: ctx.scheduler, decide }),
    });
    expect(Object.fromEntries(results.map((r) => [r.name, r.status]))).toEqual({
      'security.signed-requests': 'passed',
      'security.tampered-answer-rejected': 'failed',
      'security.unsigned-answer-rejected': 'failed',
      'security.replayed-answer-rejected': 'failed',
    });
  });

  it('skips what the run does not offer and reports each result as it comes', async () => {
    const seen: string[] = [];
    const results = await runScenarios({ only: ['registration.resumes-after-restart', 'security.signed-requests', 'opts.cancel'], makeVen: plain, onResult: (r) => seen.push(r.status) });
    expect(results.map((r) => [r.name, r.status, r.reason])).toEqual([
      ['registration.resumes-after-restart', 'skipped', 'needs store'],
      ['opts.cancel', 'passed', undefined],
      ['security.signed-requests', 'skipped', 'needs signing'],
    ]);
    expect(seen).toEqual(['skipped', 'passed', 'skipped']);
  });
});
