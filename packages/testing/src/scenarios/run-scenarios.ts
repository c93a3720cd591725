import { createTestCa } from '../pki/pki.js';
import { controlScenarios } from './control-scenarios.js';
import { decisionScenarios } from './decision-scenarios.js';
import { createHttpsBackend } from './https-backend.js';
import { eventScenarios } from './event-scenarios.js';
import { createMemoryBackend, type ScenarioIdentities } from './memory-backend.js';
import { optScenarios } from './opt-scenarios.js';
import { pollingScenarios } from './polling-scenarios.js';
import { registrationScenarios } from './registration-scenarios.js';
import { reportScenarios } from './report-scenarios.js';
import type { ScenarioBackend } from './scenario-backend.js';
import { createScenarioHarness } from './scenario-harness.js';
import { ScenarioSkip, type MakeVen, type Scenario, type ScenarioNeed, type ScenarioResult } from './scenario.js';
import { securityScenarios } from './security-scenarios.js';

/** Every scenario of the pack, in run order. */
export const SCENARIOS: readonly Scenario[] = [
  ...registrationScenarios,
  ...pollingScenarios,
  ...eventScenarios,
  ...decisionScenarios,
  ...controlScenarios,
  ...optScenarios,
  ...reportScenarios,
  ...securityScenarios,
];

/** Options of {@link runScenarios}. Only `makeVen` is required. */
export interface RunScenariosOptions {
  /** Builds the VEN under test from the scenario's transport, scheduler, store and signing material. */
  readonly makeVen: MakeVen;
  /** Run only scenarios whose name or category is listed (or matches). Default: all. */
  readonly only?: readonly (string | RegExp)[];
  /** Leave out scenarios whose name or category is listed (or matches). */
  readonly skip?: readonly (string | RegExp)[];
  /**
   * Run with XML signatures (§7.3): the VTN signs every answer and refuses unsigned requests; `makeVen`
   * must wrap `ctx.transport` with `xmlSignatures` using `ctx.signing`. Default false.
   */
  readonly signatures?: boolean;
  /** Set when `makeVen` passes `ctx.store` to `createVen`: enables the restart scenario. Default false. */
  readonly usesStore?: boolean;
  /**
   * The rID of a data point whose readings come from `ctx.meter$`: the report scenarios then check
   * every value delivered for it against the meter (§5.5). Default: values are checked for shape only.
   */
  readonly meterRID?: string;
  /**
   * Set when `makeVen` passes `includeTestEvents: true` to `createVen`: the test-event scenario then
   * expects test events to drive `ven.control$` (rule 6). Default false: they must drive nothing.
   */
  readonly drivesTestEvents?: boolean;
  /**
   * Where the mock VTN runs: `memory` (default; synchronous, virtual time) or `https` (loopback
   * sockets with mutual TLS; virtual time that waits for the network).
   */
  readonly over?: 'memory' | 'https';
  /** A backend of your own (overrides `over`). */
  readonly backend?: (identities: ScenarioIdentities | undefined) => ScenarioBackend | Promise<ScenarioBackend>;
  /** Called after each scenario, e.g. to print progress. */
  readonly onResult?: (result: ScenarioResult) => void;
}

const matches = (scenario: Scenario, patterns: readonly (string | RegExp)[]): boolean =>
  patterns.some((p) => (typeof p === 'string' ? p === scenario.name || p === scenario.category : p.test(scenario.name)));

/** The scenarios `options.only`/`options.skip` select, in run order. */
export function selectScenarios(options: Pick<RunScenariosOptions, 'only' | 'skip'>): Scenario[] {
  return SCENARIOS.filter((s) => (options.only === undefined || matches(s, options.only)) && !matches(s, options.skip ?? []));
}

/** Creates the identities of a signed run: a test CA with one VEN and one VTN certificate (ECDSA, fast to make). */
export async function createScenarioIdentities(): Promise<ScenarioIdentities> {
  const ca = await createTestCa({ keyType: 'ec' });
  const [ven, vtn] = await Promise.all([
    ca.issue({ commonName: 'scenario-ven', keyType: 'ec', usage: 'client' }),
    ca.issue({ commonName: 'scenario-vtn', keyType: 'ec', hostnames: ['localhost'], ipAddresses: ['127.0.0.1'] }),
  ]);
  return { ven, vtn, ca: ca.certPem };
}

function defaultBackend(options: RunScenariosOptions): (identities: ScenarioIdentities | undefined) => ScenarioBackend | Promise<ScenarioBackend> {
  if (options.over !== 'https') return (identities) => createMemoryBackend(options.signatures ? identities : undefined);
  return (identities) => {
    if (!identities) throw new Error('runScenario: the https backend needs identities (createScenarioIdentities())');
    return createHttpsBackend(identities, options.signatures === true);
  };
}

/** Whether a run with these options needs certificates (signatures, or TLS over https). */
export function needsIdentities(options: Pick<RunScenariosOptions, 'signatures' | 'over'>): boolean {
  return options.signatures === true || options.over === 'https';
}

function missing(scenario: Scenario, options: RunScenariosOptions): ScenarioNeed | undefined {
  const have: Record<ScenarioNeed, boolean> = { signing: options.signatures === true, store: options.usesStore === true, reports: true };
  return scenario.needs?.find((need) => !have[need]);
}

/**
 * Runs one scenario against a fresh VTN and VEN.
 * Never throws: findings, unexpected errors and skips all become a {@link ScenarioResult}.
 */
export async function runScenario(scenario: Scenario, options: RunScenariosOptions, identities?: ScenarioIdentities): Promise<ScenarioResult> {
  const base = { name: scenario.name, category: scenario.category, checks: scenario.checks };
  const began = performance.now();
  const lacking = missing(scenario, options);
  if (lacking) {
    const skipped: ScenarioResult = { ...base, status: 'skipped', reason: `needs ${lacking}`, durationMs: 0 };
    options.onResult?.(skipped);
    return skipped;
  }
  const backend = await (options.backend ?? defaultBackend(options))(identities);
  const run = createScenarioHarness(backend, options.makeVen, { meterRID: options.meterRID, drivesTestEvents: options.drivesTestEvents });
  let result: ScenarioResult;
  try {
    await scenario.run(run.harness);
    result = { ...base, status: 'passed', durationMs: performance.now() - began };
  } catch (error) {
    const skipped = error instanceof ScenarioSkip;
    result = {
      ...base,
      status: skipped ? 'skipped' : 'failed',
      reason: error instanceof Error ? error.message : String(error),
      ...(skipped ? {} : { error, trace: run.harness.types() }),
      durationMs: performance.now() - began,
    };
  } finally {
    await run.dispose();
  }
  if (result.status === 'passed' && backend.clock.pending > 0) {
    result = { ...result, status: 'failed', reason: `the stopped VEN left ${backend.clock.pending} timer(s) running`, trace: run.harness.types() };
  }
  options.onResult?.(result);
  return result;
}

/**
 * Runs the scenario pack against a VEN configuration: each selected scenario gets a fresh mock
 * VTN and a fresh VEN from `makeVen`, drives them, and checks the VEN's messages against the
 * OpenADR rule it names. Returns one result per scenario, in order; never throws for a finding.
 *
 * @example
 * const results = await runScenarios({
 *   makeVen: (ctx) => createVen({ ...myOptions, transport: ctx.transport, scheduler: ctx.scheduler }),
 *   skip: ['reports'],
 * });
 * const failed = results.filter((r) => r.status === 'failed');
 */
export async function runScenarios(options: RunScenariosOptions): Promise<ScenarioResult[]> {
  const identities = needsIdentities(options) ? await createScenarioIdentities() : undefined;
  const results: ScenarioResult[] = [];
  for (const scenario of selectScenarios(options)) results.push(await runScenario(scenario, options, identities));
  return results;
}
