// `@rxadr/testing/ven-sim`: the configurable VEN simulator behind `rxadr ven`.
export { parseVenConfig } from './ven-config.js';
export type { ReadingConfig, ReportConfig, VenSimConfig } from './ven-config.js';
export { VenConfigError } from './config-reader.js';
export type { ConfigIssue } from './config-reader.js';
export { decideByPolicy, policyOperator, ruleMatches } from './decision-policy.js';
export type { DecisionPolicy, PolicyRule } from './decision-policy.js';
export { startVenSimulator } from './ven-simulator.js';
export type { SimLogEntry, VenSimulator } from './ven-simulator.js';
export { simulatedReadings, simulatedReports } from './simulated-reports.js';
export { configWarnings, SHORT_REPLAY_WINDOW_MS } from './config-check.js';
export type { ConfigWarning } from './config-check.js';
// A simulated battery that follows a setpoint (examples/battery-controller.ts, the demo).
export { createSimulatedBattery } from './simulated-battery.js';
export type { SimulatedBattery, SimulatedBatteryOptions } from './simulated-battery.js';
