// `@rxadr/testing/vitest`: the parts of the testing package that define vitest suites.
// Kept apart from the main entry point so that runtime code never loads vitest.
export { describeScenarios } from './scenarios/describe-scenarios.js';
export { describeTransportContract, createScriptedVtn } from './transport/transport-contract.js';
