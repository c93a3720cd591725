import type { SchedulerLike } from 'rxjs';

/** Node's longest timer delay: 2^31−1 ms. A longer one is set to 1 ms (and a warning printed). */
const NODE_TIMEOUT_MAX = 2 ** 31 - 1;

/** A scheduler that treats long delays as Node's timers do, and counts what it was asked. */
export interface NodeTimerScheduler extends SchedulerLike {
  /** Delays handed to `schedule` that were above 2^31−1 ms (each ran after 1 ms, as in Node). */
  readonly overflows: number;
  /** Every delay handed to `schedule`, in order. */
  readonly delays: readonly number[];
}

/**
 * Wraps a scheduler (usually a virtual clock) so that, as in Node, a delay above 2^31−1 ms runs after
 * 1 ms. Code that waits weeks ahead on a real process can then be tested in virtual time: with the
 * wrapper, an unclamped 30-day `timer` fires at once, exactly as it would under Node. Only the first
 * `schedule` of an action goes through the wrapper; an action's own reschedule (a periodic `timer`)
 * goes to the wrapped scheduler directly.
 *
 * @example
 * const clock = createVirtualClock();
 * const ven = createVen({ …, scheduler: withNodeTimerLimits(clock) });
 */
export function withNodeTimerLimits(scheduler: SchedulerLike): NodeTimerScheduler {
  const delays: number[] = [];
  let overflows = 0;
  return {
    now: () => scheduler.now(),
    schedule(work, delay = 0, state) {
      delays.push(delay);
      if (delay > NODE_TIMEOUT_MAX) overflows += 1;
      return scheduler.schedule(work as never, delay > NODE_TIMEOUT_MAX ? 1 : delay, state);
    },
    get overflows() {
      return overflows;
    },
    get delays() {
      return delays;
    },
  };
}
