// The compressed-day demo (`pnpm demo`): the script is demo.ts; these are its parts.
export { runDemoDay } from './demo-day.js';
export { createNarrator, until } from './narrator.js';
export type { Narrator } from './narrator.js';
