// A limit timed in a worker thread of its own: a V8 isolate that runs nothing but the limit, so its
// code is compiled for that alone. Timed in the main thread, after rxadr has driven saxes with
// handlers (and the reference with namespaces on), raw saxes ran 1.4–2.4× as slow as it does on
// its own, which would flatter every ratio against it. The worker is driven synchronously (the
// main thread waits on a shared flag while it runs a batch, so the two never compete for a core),
// so `measure` interleaves its rounds with the main thread's like any other candidate.
import { Worker } from 'node:worker_threads';

const IDLE = 0;
const REQUEST = 1;
const DONE = 2;
const QUIT = 3;

/**
 * Starts the worker for `task` (see limit-worker.mjs) over `data`; resolves once it is ready.
 * The result's `batch(minMs)` runs one batch there and returns ms per call; `close()` ends it.
 */
export async function isolatedLimit(task, data) {
  const shared = new SharedArrayBuffer(32);
  const state = new Int32Array(shared, 0, 1);
  const numbers = new Float64Array(shared, 8, 2);
  const worker = new Worker(new URL('./limit-worker.mjs', import.meta.url), { workerData: { shared, task, data } });
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  let failure;
  worker.on('error', (error) => {
    failure = error;
  });
  return {
    batch(minMs) {
      if (failure !== undefined) throw failure;
      numbers[0] = minMs;
      Atomics.store(state, 0, REQUEST);
      Atomics.notify(state, 0);
      // Wakes when the worker reports DONE (or every second, to notice a worker that died).
      while (Atomics.load(state, 0) === REQUEST) {
        Atomics.wait(state, 0, REQUEST, 1000);
        if (failure !== undefined) throw failure;
      }
      const perCall = numbers[1];
      Atomics.store(state, 0, IDLE);
      if (!(perCall > 0)) throw new Error(`isolated ${task}: the worker failed`);
      return perCall;
    },
    async close() {
      Atomics.store(state, 0, QUIT);
      Atomics.notify(state, 0);
      await worker.terminate();
    },
  };
}

export { IDLE, REQUEST, DONE, QUIT };
