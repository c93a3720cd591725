import type { Observable, Subscription } from 'rxjs';

/** The VEN's one-exchange-at-a-time queue (internal). */
export interface WorkQueue {
  /** Runs `job` after every job queued before it. Jobs queued after `close` are dropped. */
  enqueue(job: Observable<unknown>): void;
  /** Jobs waiting (not counting the one running). */
  readonly waiting: number;
  /** Drops waiting jobs and resolves once the running job ends (or is aborted). */
  close(): Promise<void>;
  /** Ends the running job now (unsubscribes it); used when `close` takes too long. */
  abort(): void;
  /** Starts running jobs (a queue is created paused: jobs queued before `start` wait for it). */
  start(): void;
}

/**
 * A queue that runs one observable at a time, in order, as a loop rather than a chain of
 * callbacks: jobs that complete synchronously (an in-memory transport, an empty job) are run
 * by the same loop, so a few hundred queued messages never grow the stack (issue: the
 * recursive drain overflowed it, the error was swallowed and the VEN stalled). A job's error
 * goes to `onError` and the queue goes on.
 */
export function createWorkQueue(onError: (error: unknown) => void): WorkQueue {
  const jobs: Observable<unknown>[] = [];
  let running: Subscription | undefined;
  let busy = false;
  let pumping = false;
  let closed = false;
  let started = false;
  let idle: (() => void) | undefined;

  const finished = (): void => {
    busy = false;
    running = undefined;
    if (closed) {
      idle?.();
      return;
    }
    // Called from inside `pump` (synchronous completion): the loop picks up the next job.
    if (!pumping) pump();
  };

  function pump(): void {
    pumping = true;
    try {
      while (started && !busy && !closed && jobs.length > 0) {
        const job = jobs.shift()!;
        busy = true;
        let done = false;
        const end = (): void => {
          if (done) return;
          done = true;
          finished();
        };
        const subscription = job.subscribe({ error: (error: unknown) => (onError(error), end()), complete: end });
        if (!done) running = subscription;
      }
    } finally {
      pumping = false;
    }
  }

  return {
    enqueue(job) {
      if (closed) return;
      jobs.push(job);
      if (!busy && !pumping) pump();
    },
    start() {
      started = true;
      if (!busy && !pumping) pump();
    },
    get waiting() {
      return jobs.length;
    },
    close() {
      closed = true;
      jobs.length = 0;
      if (!busy) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idle = resolve;
      });
    },
    abort() {
      const current = running;
      if (!current) return;
      current.unsubscribe();
      finished();
    },
  };
}
