// The in-memory transport. The shared transport contract suite (it defines vitest suites) is in
// `@rxadr/testing/vitest`.
export { createMemoryTransport } from './memory-transport.js';
export type { MemoryAnswer, MemoryHandler } from './memory-transport.js';
