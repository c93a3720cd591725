import { VirtualTimeScheduler } from 'rxjs';

/**
 * A virtual-time scheduler whose `now()` is a realistic epoch instant: the start plus the
 * virtual frame (ms). Hours of protocol run in milliseconds, and dates in messages look real.
 */
export interface VirtualClock extends VirtualTimeScheduler {
  /** The instant the clock started at (epoch ms). */
  readonly epoch: number;
  /** Runs every action due within the next `ms` milliseconds, then sets the clock to that instant. */
  advanceBy(ms: number): void;
  /** Runs every action due up to `instant`, then sets the clock there (never backwards). */
  advanceTo(instant: Date | string | number): void;
  /** The current virtual instant as a Date. */
  readonly date: Date;
  /** Scheduled actions not yet run (0 when nothing is left running). */
  readonly pending: number;
}

class Clock extends VirtualTimeScheduler implements VirtualClock {
  constructor(readonly epoch: number) {
    super();
    this.now = () => this.epoch + this.frame;
  }

  advanceBy(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advanceBy: ms must be ≥ 0, got ${ms}`);
    const target = this.frame + ms;
    this.maxFrames = target;
    try {
      this.flush();
    } finally {
      this.maxFrames = Infinity;
    }
    this.frame = target;
  }

  advanceTo(instant: Date | string | number): void {
    const at = typeof instant === 'number' ? instant : new Date(instant).getTime();
    this.advanceBy(Math.max(0, at - this.now()));
  }

  get date(): Date {
    return new Date(this.now());
  }

  get pending(): number {
    return this.actions.length;
  }
}

/**
 * Creates a virtual clock starting at `start` (default 2026-01-01T00:00:00Z). Pass it as the
 * VEN's `scheduler`, then drive time with `advanceBy`/`advanceTo`.
 *
 * @example
 * const clock = createVirtualClock('2026-01-01T00:00:00Z');
 * const ven = createVen({ …, scheduler: clock });
 * ven.start();
 * clock.advanceBy(60_000); // one minute of polling, instantly
 */
export function createVirtualClock(start: Date | string | number = '2026-01-01T00:00:00Z'): VirtualClock {
  const epoch = typeof start === 'number' ? start : new Date(start).getTime();
  if (!Number.isFinite(epoch)) throw new RangeError(`createVirtualClock: ${String(start)} is not a date`);
  return new Clock(epoch);
}
