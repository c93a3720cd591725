import type { Scenario } from './scenario.js';

/** Report scenarios (OPENADR.md §5). */
export const reportScenarios: readonly Scenario[] = [];
