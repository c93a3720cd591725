import { map, of, take, timer, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createReports, createVen, optIn, telemetryStatus, telemetryUsage, type Transport } from '@rxadr/core';
import { xmlSignatures } from '@rxadr/signing';
import { SCENARIOS, runScenarios, selectScenarios, type MakeVen, type ScenarioContext, type ScenarioResult } from '@rxadr/testing';

const decide = (e$: Parameters<NonNullable<Parameters<typeof createVen>[0]['decide']>>[0]) => e$.pipe(map(optIn));
const plain: MakeVen = (ctx) => createVen({ venName: 'pack-test', transport: ctx.transport, scheduler: ctx.scheduler, decide });

/** A transport that never delivers oadrCreatedEvent: a VEN that forgets to answer events. */
const dropsCreatedEvent = (inner: Transport): Transport => ({
  send: (request) => (request.body.includes('oadrCreatedEvent>') ? of('') : inner.send(request)),
});

/** A transport that never delivers oadrUpdateReport: a VEN that accepts report requests and sends no data. */
const dropsUpdateReport = (inner: Transport): Transport => ({
  send: (request) => (request.body.includes('oadrUpdateReport>') ? of('') : inner.send(request)),
});

/** A VEN offering power (from `power`) and a status, its transport optionally wrapped. */
const reporting =
  (power: (ctx: ScenarioContext) => Observable<number>, wrap: (t: Transport) => Transport = (t) => t): MakeVen =>
  (ctx) =>
    createVen({
      venName: 'reporting',
      transport: wrap(ctx.transport),
      scheduler: ctx.scheduler,
      decide,
      reports: createReports({
        reports: [
          telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: power(ctx), samplingRate: { min: 'PT1S', max: 'PT1H' } }),
          telemetryStatus({ resourceId: 'meter-1', status$: timer(0, 15 * 60_000, ctx.scheduler).pipe(map(() => ({ online: true }))) }),
        ],
      }),
    });

const byName = (results: readonly ScenarioResult[]) => Object.fromEntries(results.map((r) => [r.name, r.status]));

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

  it('reports a VEN whose readings are stale, or which never delivers, as failing the report scenarios that see it', async () => {
    const only = ['reports.metadata-after-registration', 'reports.periodic-delivery', 'reports.one-shot', 'reports.outage-while-sampling', 'reports.cancel-report-to-follow', 'reports.cancel-without-report'];
    const meterRID = 'meter-1/powerReal';

    const good = await runScenarios({ only, meterRID, makeVen: reporting((ctx) => ctx.meter$) });
    expect(good.filter((r) => r.status !== 'passed').map((r) => [r.name, r.reason])).toEqual([]);

    // Reads its meter once and keeps reporting that value.
    const stale = await runScenarios({ only, meterRID, makeVen: reporting((ctx) => ctx.meter$.pipe(take(1))) });
    expect(byName(stale)).toEqual({
      'reports.metadata-after-registration': 'passed',
      'reports.periodic-delivery': 'failed',
      'reports.one-shot': 'failed',
      'reports.outage-while-sampling': 'failed',
      'reports.cancel-report-to-follow': 'failed',
      'reports.cancel-without-report': 'passed',
    });
    expect(stale.find((r) => r.name === 'reports.periodic-delivery')?.reason).toMatch(/^periodic delivery: the interval at \S+ reports \d+; the meter showed/);

    const silent = await runScenarios({ only, makeVen: reporting((ctx) => ctx.meter$, dropsUpdateReport) });
    expect(byName(silent)).toEqual({
      'reports.metadata-after-registration': 'passed',
      'reports.periodic-delivery': 'failed',
      'reports.one-shot': 'failed',
      'reports.outage-while-sampling': 'failed',
      'reports.cancel-report-to-follow': 'failed',
      'reports.cancel-without-report': 'failed',
    });
    expect(silent.find((r) => r.name === 'reports.periodic-delivery')?.reason).toBe('oadrUpdateReports for a window of 3 reportBackDurations: expected 3, got 0');
    expect(silent.find((r) => r.name === 'reports.one-shot')?.trace).toContain('oadrCreatedReport');
  });

  it('skips the report scenarios that need an offer for a VEN that offers no reports, saying why', async () => {
    const results = await runScenarios({ only: ['reports'], makeVen: plain });
    const notSkipped = results.filter((r) => r.status !== 'skipped').map((r) => [r.name, r.status]);
    // Any VEN must answer the VTN's oadrRegisterReport and refuse a report it does not have.
    expect(notSkipped).toEqual([
      ['reports.vtn-register-report-answered', 'passed'],
      ['reports.unknown-specifier', 'passed'],
    ]);
    const skipped = results.filter((r) => r.status === 'skipped');
    expect(skipped.filter((r) => !r.reason?.includes('it offers no reports')).map((r) => [r.name, r.reason])).toEqual([['reports.resumes-after-restart', 'needs store']]);
  });

  it('fails the report scenarios when meterRID names a data point the VEN does not offer', async () => {
    const [result] = await runScenarios({ only: ['reports.periodic-delivery'], meterRID: 'meter-9/powerReal', makeVen: reporting((ctx) => ctx.meter$) });
    expect([result?.status, result?.reason]).toEqual(['failed', "meterRID 'meter-9/powerReal' is not among the rIDs the VEN offers (meter-1/powerReal, meter-1/status)"]);
  });
});
