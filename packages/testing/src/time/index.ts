// `@rxadr/testing/time`: the virtual clock that runs hours of protocol in milliseconds.
export { createVirtualClock } from './virtual-time.js';
export type { VirtualClock } from './virtual-time.js';
// Node's timer limits on any scheduler: a delay above 2^31−1 ms fires after 1 ms, as in Node.
export { withNodeTimerLimits } from './node-timer-limits.js';
export type { NodeTimerScheduler } from './node-timer-limits.js';
