/**
 * The scenario pack as vitest tests. Imports vitest, so it is not part of the package's main
 * entry point: import it from `@rxadr/testing/vitest`.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ScenarioIdentities } from './memory-backend.js';
import { createScenarioIdentities, needsIdentities, runScenario, selectScenarios, type RunScenariosOptions } from './run-scenarios.js';
import { SCENARIO_CATEGORIES } from './scenario.js';

/**
 * Declares one vitest test per selected scenario, grouped by category. A failed scenario fails its
 * test with the finding and the message types the VEN sent; a skipped one is reported as skipped.
 *
 * @example
 * describeScenarios('my VEN', { makeVen: (ctx) => createVen({ ...mine, transport: ctx.transport, scheduler: ctx.scheduler }) });
 */
export function describeScenarios(title: string, options: RunScenariosOptions): void {
  describe(title, () => {
    let identities: ScenarioIdentities | undefined;
    beforeAll(async () => {
      if (needsIdentities(options)) identities = await createScenarioIdentities();
    });
    afterAll(() => {
      identities = undefined;
    });
    const selected = selectScenarios(options);
    for (const category of SCENARIO_CATEGORIES) {
      const scenarios = selected.filter((s) => s.category === category);
      if (scenarios.length === 0) continue;
      describe(category, () => {
        for (const scenario of scenarios) {
          it(scenario.name, async (context) => {
            const result = await runScenario(scenario, options, identities);
            if (result.status === 'skipped') context.skip(result.reason);
            if (result.status === 'failed') {
              const error = new Error(`${result.reason}\n  checks: ${result.checks}\n  VEN sent: ${(result.trace ?? []).join(', ')}`);
              if (result.error instanceof Error && result.error.stack) error.stack = `${error.message}\n${result.error.stack.split('\n').slice(1).join('\n')}`;
              throw error;
            }
          });
        }
      });
    }
  });
}
