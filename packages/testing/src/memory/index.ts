// The memory room: the heap in use after a forced full collection, for tests that compare the heap
// before and after some work (exported from the `@rxadr/testing` barrel).
export { collectedHeap } from './collected-heap.js';
