import type { ScenarioHarness } from './scenario-harness.js';

export { ScenarioFailure, ScenarioSkip } from './scenario-context.js';
export type { MakeVen, ScenarioContext, ScenarioSigning } from './scenario-context.js';

/** The groups of the scenario pack, in the order they run. */
export type ScenarioCategory = 'registration' | 'polling' | 'events' | 'decisions' | 'control' | 'opts' | 'reports' | 'security';

/** The order of {@link ScenarioCategory} values. */
export const SCENARIO_CATEGORIES: readonly ScenarioCategory[] = ['registration', 'polling', 'events', 'decisions', 'control', 'opts', 'reports', 'security'];

/** What a run offers beyond the in-memory mock VTN: decides which scenarios apply. */
export type ScenarioNeed = 'signing' | 'store' | 'reports';

/** One named check of VEN behaviour against the mock VTN. */
export interface Scenario {
  /** `category.kebab-name`, unique in the pack. */
  readonly name: string;
  readonly category: ScenarioCategory;
  /** What the scenario checks, citing the OPENADR.md section or conformance rule. */
  readonly checks: string;
  /** Conditions without which the scenario is skipped (reported as `skipped` with the reason). */
  readonly needs?: readonly ScenarioNeed[];
  /** Drives the mock VTN and asserts the VEN's messages; throws {@link ScenarioFailure} on a finding. */
  run(h: ScenarioHarness): Promise<void>;
}

/** The outcome of one scenario. */
export interface ScenarioResult {
  readonly name: string;
  readonly category: ScenarioCategory;
  readonly checks: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Why it failed or was skipped. */
  readonly reason?: string;
  /** The failure itself, for stack traces. */
  readonly error?: unknown;
  /** The message types the VEN sent, in order: the evidence for a failure. */
  readonly trace?: readonly string[];
  /** Wall-clock duration of the run in ms. */
  readonly durationMs: number;
}
