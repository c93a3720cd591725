// `@rxadr/testing/time`: the virtual clock that runs hours of protocol in milliseconds.
export { createVirtualClock } from './virtual-time.js';
export type { VirtualClock } from './virtual-time.js';
