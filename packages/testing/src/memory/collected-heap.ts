import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * The bytes of heap in use after a forced full collection, so the figure counts only what is still
 * referenced. Works without `--expose-gc` on the command line: the flag is set at run time and `gc` is
 * taken from a fresh context. Meant for memory tests that compare the heap before and after some work.
 */
export const collectedHeap = (): number => {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  // Two passes: the first can leave objects whose finalisers or weak references the second clears.
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
