import type { Observable, Subscription } from 'rxjs';
import { scheduleClamped } from '../time/clamped-timer.js';
import type { VenContext } from './ven-context.js';
import { VenError, isVenError } from './ven-error.js';
import type { VenStatus } from './ven-status.js';

/** What the parts of the VEN loop share (internal): its generation, its one wake-up, status and error reporting. */
export interface LoopKit {
  readonly ctx: VenContext;
  /** Bumped whenever the loop is restarted or ended: work of an older generation stops at its next step. */
  generation(): number;
  /** A new generation; the pending wake-up is cancelled. */
  restart(): void;
  /** Enqueues `then()` after `ms` (one clamped scheduler delay), unless the generation changed or the VEN stopped meanwhile. */
  sleep(ms: number, then: () => Observable<unknown>): void;
  setStatus(status: VenStatus): void;
  /** Announces the held registration as `registered` or `polling`. */
  announce(state: 'registered' | 'polling'): void;
  /** Reports a problem on `errors$` (createVen logs it through the logger). */
  report(error: unknown): void;
  /** The start jitter: a random delay below `startJitterMs`. */
  jitter(): number;
}

/** Creates the kit of one VEN loop. */
export function createLoopKit(ctx: VenContext): LoopKit {
  const { scheduler } = ctx.options;
  const { options } = ctx;
  let generation = 0;
  let wakeup: Subscription | undefined;
  const setStatus = (status: VenStatus): void => {
    if (!ctx.stopped) ctx.status.next(status);
  };
  return {
    ctx,
    generation: () => generation,
    restart() {
      generation += 1;
      wakeup?.unsubscribe();
      wakeup = undefined;
    },
    sleep(ms, then) {
      wakeup?.unsubscribe();
      const gen = generation;
      wakeup = scheduleClamped(
        scheduler,
        () => {
          wakeup = undefined;
          if (gen === generation && !ctx.stopped) ctx.enqueue(then());
        },
        ms,
      );
    },
    setStatus,
    announce(state) {
      const r = ctx.registration;
      if (r) setStatus({ state, venID: r.venID, registrationID: r.registrationID, vtnID: r.vtnID, pollFrequencyMs: r.pollFrequencyMs });
    },
    report(error) {
      const venError = isVenError(error) ? error : new VenError('transport', String(error), { cause: error });
      ctx.errors.next(venError);
    },
    jitter: () => (options.startJitterMs > 0 ? Math.floor(options.random() * options.startJitterMs) : 0),
  };
}
