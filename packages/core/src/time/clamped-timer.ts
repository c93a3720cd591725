import { Observable, Subscription, asyncScheduler, type SchedulerAction, type SchedulerLike } from 'rxjs';

/**
 * The longest single wait handed to a scheduler: 2^31−1 ms (about 24.8 days). Node keeps a timer's
 * delay in a signed 32-bit integer; a longer one fires after 1 ms and prints a TimeoutOverflowWarning.
 */
export const MAX_TIMER_STEP_MS = 2 ** 31 - 1;

/**
 * Runs `work` once at the instant `atMs` (epoch ms, as `scheduler.now()` counts), waiting in steps of
 * at most {@link MAX_TIMER_STEP_MS} and re-reading `scheduler.now()` after each step, so a boundary
 * 30 days or 8,000 years ahead runs on time on any scheduler, virtual or real. A step that wakes early
 * (a real clock may) simply waits the rest. An instant already past runs on the next scheduler turn
 * (delay 0); `NaN` and `+Infinity` never run. Unsubscribing the returned subscription cancels it.
 *
 * @example
 * const sub = scheduleAt(scheduler, () => emit('active'), startMs);
 */
export function scheduleAt(scheduler: SchedulerLike, work: () => void, atMs: number): Subscription {
  if (Number.isNaN(atMs) || atMs === Number.POSITIVE_INFINITY) return new Subscription();
  const delay = Math.max(0, atMs - scheduler.now());
  if (delay > MAX_TIMER_STEP_MS) return scheduleInSteps(scheduler, work, atMs);
  // The usual wait fits one step: one scheduler action and no owner subscription (this runs on
  // every poll). A step that wakes early re-schedules that action for the rest (the rxjs idiom: an
  // action's `schedule` moves it, or chains a child it owns). Once due, the action is unsubscribed
  // (so a parent holding it lets it go) before `work` runs.
  let first: Subscription | undefined;
  const action = scheduler.schedule(function (this: SchedulerAction<undefined>): void {
    const remaining = atMs - scheduler.now();
    if (remaining > 0) {
      this.schedule(undefined, remaining);
      return;
    }
    (first ?? this).unsubscribe();
    work();
  }, delay);
  first = action;
  return action;
}

/** {@link scheduleAt} for a wait longer than one step: each step is scheduled anew, all owned by one subscription. */
function scheduleInSteps(scheduler: SchedulerLike, work: () => void, atMs: number): Subscription {
  const owner = new Subscription();
  let pending: Subscription | undefined;
  const step = (): void => {
    pending?.unsubscribe();
    pending = undefined;
    if (owner.closed) return;
    const remaining = atMs - scheduler.now();
    if (remaining <= 0) {
      owner.unsubscribe();
      work();
      return;
    }
    pending = scheduler.schedule(step, Math.min(remaining, MAX_TIMER_STEP_MS));
    owner.add(pending);
  };
  // The first step always goes through the scheduler, as rxjs `timer(0)` does: never synchronously.
  pending = scheduler.schedule(step, Math.min(atMs - scheduler.now(), MAX_TIMER_STEP_MS));
  owner.add(pending);
  return owner;
}

/**
 * Like `scheduler.schedule(work, delayMs)` for a delay of any length: the instant is taken once, now
 * plus `delayMs`, then reached as {@link scheduleAt} does. Use it at every wait that may be long.
 *
 * @example
 * action = scheduleClamped(scheduler, run, nextMs - scheduler.now());
 */
export function scheduleClamped(scheduler: SchedulerLike, work: () => void, delayMs: number): Subscription {
  return scheduleAt(scheduler, work, scheduler.now() + Math.max(0, delayMs));
}

/**
 * An observable that emits `0` and completes at the instant `atMs` on `scheduler` (default
 * `asyncScheduler`), however far ahead: the long-delay-safe form of rxjs `timer(date)`.
 *
 * @example
 * clampedTimerAt(Date.parse('9999-12-31T00:00:00Z'), scheduler).subscribe(() => console.log('due'));
 */
export function clampedTimerAt(atMs: number, scheduler: SchedulerLike = asyncScheduler): Observable<0> {
  return new Observable<0>((subscriber) =>
    scheduleAt(
      scheduler,
      () => {
        subscriber.next(0);
        subscriber.complete();
      },
      atMs,
    ),
  );
}

/**
 * An observable that emits `0` and completes `dueMs` after subscription on `scheduler` (default
 * `asyncScheduler`), however long the delay: the long-delay-safe form of rxjs `timer(dueMs)`.
 *
 * @example
 * clampedTimer(30 * 24 * 3_600_000, scheduler).subscribe(() => console.log('30 days later'));
 */
export function clampedTimer(dueMs: number, scheduler: SchedulerLike = asyncScheduler): Observable<0> {
  return new Observable<0>((subscriber) =>
    scheduleClamped(
      scheduler,
      () => {
        subscriber.next(0);
        subscriber.complete();
      },
      dueMs,
    ),
  );
}
