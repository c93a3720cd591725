// `@rxadr/testing/scenarios`: the conformance scenario pack, its backends and the test meter.
// `describeScenarios` (which defines vitest suites) is in `@rxadr/testing/vitest`.
export { SCENARIOS, runScenarios, runScenario, selectScenarios, createScenarioIdentities, needsIdentities } from './run-scenarios.js';
export { createHttpsBackend } from './https-backend.js';
export type { RunScenariosOptions } from './run-scenarios.js';
export { SCENARIO_CATEGORIES, ScenarioFailure, ScenarioSkip } from './scenario.js';
export type { MakeVen, Scenario, ScenarioCategory, ScenarioContext, ScenarioNeed, ScenarioResult, ScenarioSigning } from './scenario.js';
export type { ScenarioHarness } from './scenario-harness.js';
export type { ScenarioBackend } from './scenario-backend.js';
export { createMemoryBackend, SCENARIO_EPOCH } from './memory-backend.js';
export { scenarioMeter, meterValueAt, meterValuesBetween, METER_STEP_MS } from './scenario-meter.js';
export { siteReports, siteHistory, SITE_METER_RID } from './scenario-site.js';
export type { ScenarioIdentities } from './memory-backend.js';
export { createSigningControls } from './signing-controls.js';
export type { VtnSigningControls } from './signing-controls.js';
