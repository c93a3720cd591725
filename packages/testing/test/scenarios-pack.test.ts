import { catchError, concatMap, map, of, take, timer, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  Duration,
  createReports,
  createVen,
  decodeMessage,
  encodeMessage,
  historyUsage,
  optIn,
  telemetryStatus,
  telemetryUsage,
  type OadrReport,
  type Transport,
  type VenStore,
} from '@rxadr/core';
import { xmlSignatures } from '@rxadr/signing';
import { SCENARIOS, meterValueAt, runScenarios, selectScenarios, type MakeVen, type ScenarioContext, type ScenarioResult } from '@rxadr/testing';

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

/** A transport that rewrites the data reports named `reportName` before they leave: a VEN that shapes them wrongly. */
const rewritesReports =
  (reportName: string, rewrite: (report: OadrReport) => OadrReport) =>
  (inner: Transport): Transport => ({
    send: (request) => {
      const decoded = request.body.includes('oadrUpdateReport>') ? decodeMessage(request.body) : undefined;
      if (!decoded?.ok || decoded.message.type !== 'oadrUpdateReport') return inner.send(request);
      const oadrReport = (decoded.message.oadrReport ?? []).map((r) => (r.reportName === reportName ? rewrite(r) : r));
      return inner.send({ ...request, body: encodeMessage({ ...decoded.message, oadrReport }) });
    },
  });

/** Cuts every interval in two halves with the same value: a VEN that samples its status instead of recording changes. */
const splitIntervals = (report: OadrReport): OadrReport => ({
  ...report,
  intervals: report.intervals?.flatMap((iv) => {
    const start = iv.dtstart?.getTime() ?? 0;
    const half = Math.floor((iv.duration?.toMillis(start) ?? 0) / 2);
    const rest = (iv.duration?.toMillis(start) ?? 0) - half;
    return [
      { ...iv, duration: Duration.fromMillis(half) },
      { ...iv, dtstart: new Date(start + half), duration: Duration.fromMillis(rest) },
    ];
  }),
});

/** A transport that sends an oadrUpdateReport again when the VTN refuses it: a VEN that retries refusals. */
const resendsRefused = (inner: Transport): Transport => ({
  send: (request) =>
    inner.send(request).pipe(
      concatMap((body) => {
        if (!request.body.includes('oadrUpdateReport>')) return of(body);
        const answer = decodeMessage(body);
        const refused = answer.ok && answer.message.type === 'oadrUpdatedReport' && answer.message.eiResponse.responseCode !== '200';
        return refused ? inner.send(request) : of(body);
      }),
    ),
});

/**
 * A transport that answers a failed oadrUpdateReport itself with oadrUpdatedReport 200 (its
 * requestID and venID): the ledger settles the delivery as if the VTN had accepted it, so the VEN
 * gives up on it. (An empty body would not do: the ledger retries it as a wrong reply.)
 */
const givesUpOnFailure = (inner: Transport): Transport => ({
  send: (request) => {
    const decoded = request.body.includes('oadrUpdateReport>') ? decodeMessage(request.body) : undefined;
    if (!decoded?.ok || decoded.message.type !== 'oadrUpdateReport') return inner.send(request);
    const { requestID, venID } = decoded.message;
    const accepted = encodeMessage({ type: 'oadrUpdatedReport', eiResponse: { responseCode: '200', responseDescription: 'OK', requestID }, venID });
    return inner.send(request).pipe(catchError(() => of(accepted)));
  },
});

/** A store that loses the report module's slot on reload: a VEN that forgets its pending requests when it restarts. */
const forgetsReports = (store: VenStore): VenStore => ({
  load: () => {
    const state = store.load();
    return state && { ...state, reports: undefined };
  },
  save: (state) => store.save(state),
});

/** A VEN offering power, a changing status and stored energy, keeping its state in `ctx.store` unless told otherwise. */
const fullSite =
  (options: { readonly wrap?: (t: Transport) => Transport; readonly store?: (ctx: ScenarioContext) => VenStore | undefined } = {}): MakeVen =>
  (ctx) =>
    createVen({
      venName: 'full-site',
      transport: options.wrap ? options.wrap(ctx.transport) : ctx.transport,
      scheduler: ctx.scheduler,
      store: options.store ? options.store(ctx) : ctx.store,
      decide,
      reports: createReports({
        reports: [
          telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: ctx.meter$, samplingRate: { min: 'PT1S', max: 'PT1H' } }),
          telemetryStatus({ resourceId: 'meter-1', status$: timer(0, 15 * 60_000, ctx.scheduler).pipe(map((i) => ({ online: true, manualOverride: i % 4 === 3 }))) }),
          historyUsage({
            resourceId: 'meter-1',
            measurement: 'energyReal',
            unit: 'Wh',
            samplingRate: { min: 'PT15M', max: 'P1D' },
            query: (from, to, g) => {
              const points = [];
              for (let t = from.getTime(); t < to.getTime(); t += g.toMillis()) points.push({ at: new Date(t), value: meterValueAt(t) / 4 });
              return points;
            },
          }),
        ],
      }),
    });

/** Runs one scenario against a VEN that keeps its state in the scenario's store; returns its status and reason. */
const outcome = async (name: string, makeVen: MakeVen): Promise<[string | undefined, string | undefined]> => {
  const [result] = await runScenarios({ only: [name], meterRID: 'meter-1/powerReal', usesStore: true, makeVen });
  return [result?.status, result?.reason];
};

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

  it('checks test events against what the run says the VEN does with them (rule 6)', async () => {
    const withTests: MakeVen = (ctx) => createVen({ venName: 'pack-test', transport: ctx.transport, scheduler: ctx.scheduler, decide, includeTestEvents: true });
    const run = async (makeVen: MakeVen, drivesTestEvents?: boolean) => {
      const [result] = await runScenarios({ only: ['control.test-event'], makeVen, ...(drivesTestEvents === undefined ? {} : { drivesTestEvents }) });
      return [result?.status, result?.reason];
    };
    expect(await run(plain)).toEqual(['passed', undefined]);
    expect(await run(withTests, true)).toEqual(['passed', undefined]);
    const [drove, droveReason] = await run(withTests);
    expect(drove).toBe('failed');
    expect(droveReason).toMatch(/resources driven by a test event/);
    const [ignored, ignoredReason] = await run(plain, true);
    expect(ignored).toBe('failed');
    expect(ignoredReason).toMatch(/drivesTestEvents.*drove none/);
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

describe('the report scenarios for history, status changes, restarts and delivery failures', () => {
  const added = ['reports.historical-window', 'reports.status-on-change', 'reports.resumes-after-restart', 'reports.refused-not-resent', 'reports.failed-delivery-retried-in-order'];

  it('pass for a VEN that offers what they request and keeps its state', async () => {
    const results = await runScenarios({ only: added, meterRID: 'meter-1/powerReal', usesStore: true, makeVen: fullSite() });
    expect(results.map((r) => [r.name, r.status, r.reason])).toEqual(added.map((name) => [name, 'passed', undefined]));
  });

  it('skip the history and status scenarios, saying why, for a VEN that offers only power', async () => {
    const results = await runScenarios({ only: ['reports.historical-window', 'reports.status-on-change'], makeVen: reporting((ctx) => ctx.meter$) });
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      ['skipped', 'the VEN offers no HISTORY_USAGE data point (no METADATA_HISTORY_USAGE report) to request history from'],
      ['passed', undefined],
    ]);
    const [status] = await runScenarios({
      only: ['reports.status-on-change'],
      makeVen: (ctx) =>
        createVen({
          venName: 'power-only',
          transport: ctx.transport,
          scheduler: ctx.scheduler,
          reports: createReports({ reports: [telemetryUsage({ resourceId: 'meter-1', measurement: 'powerReal', unit: 'W', readings$: ctx.meter$, samplingRate: { min: 'PT1S', max: 'PT1H' } })] }),
        }),
    });
    expect([status?.status, status?.reason]).toEqual(['skipped', 'the VEN offers no TELEMETRY_STATUS data point (no METADATA_TELEMETRY_STATUS report) to request on change']);
  });

  it('fail a historical report that does not cover the window', async () => {
    const dropsLast = rewritesReports('HISTORY_USAGE', (r) => ({ ...r, intervals: r.intervals?.slice(0, -1) }));
    expect(await outcome('reports.historical-window', fullSite({ wrap: dropsLast }))).toEqual(['failed', 'intervals in the historical report (window PT1H / granularity PT15M): expected 4, got 3']);
  });

  it('fail status reports sampled at fixed times instead of on change', async () => {
    const [status, reason] = await outcome('reports.status-on-change', fullSite({ wrap: rewritesReports('TELEMETRY_STATUS', splitIntervals) }));
    expect(status).toBe('failed');
    expect(reason).toMatch(/^delivery 1: the intervals at \S+ and \S+ hold the same status; on change, an interval starts only when the value changes/);
  });

  it('fail a VEN that registers again after a restart, or forgets its pending requests', async () => {
    expect(await outcome('reports.resumes-after-restart', fullSite({ store: () => undefined }))).toEqual([
      'failed',
      'registrations after the restart (pass ctx.store to createVen): expected 0, got 1',
    ]);
    const [status, reason] = await outcome('reports.resumes-after-restart', fullSite({ store: (ctx) => forgetsReports(ctx.store) }));
    expect([status, reason]).toEqual(['failed', expect.stringMatching(/^reporting for the pending request resumes: not within \d+ s$/)]);
  });

  it('fail a VEN that sends a refused report again', async () => {
    const [status, reason] = await outcome('reports.refused-not-resent', fullSite({ wrap: resendsRefused }));
    expect([status, reason]).toEqual(['failed', expect.stringMatching(/^oadrUpdateReports carrying report \S+, which the VTN refused with 454: expected 1, got 2$/)]);
  });

  it('fail a VEN that gives up on a report whose delivery failed', async () => {
    const [status, reason] = await outcome('reports.failed-delivery-retried-in-order', fullSite({ wrap: givesUpOnFailure }));
    expect([status, reason]).toEqual(['failed', expect.stringMatching(/^eiReportID of the first report accepted after the failures began \(the first one that failed, retried first\): expected "\S+", got "\S+"$/)]);
  });
});
