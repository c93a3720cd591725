// The in-memory transport. The shared transport contract suite (it defines vitest suites) is in
// `@rxadr/testing/vitest`.
export { createMemoryTransport } from './memory-transport.js';
export type { MemoryAnswer, MemoryHandler } from './memory-transport.js';
// A TCP front that presents each TLS and connection failure class on a real socket.
export { startFailureSwitch } from './failure-switch.js';
export type { FailureSwitch, SwitchCertificates, SwitchMode } from './failure-switch.js';
