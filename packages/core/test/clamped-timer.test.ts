import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createVirtualClock, withNodeTimerLimits } from '@rxadr/testing';
import { MAX_TIMER_STEP_MS, clampedTimer, clampedTimerAt, scheduleAt, scheduleClamped } from '../src/index.js';

const DAY = 86_400_000;

describe('clamped timer in virtual time', () => {
  it('fires a 30-day wait exactly on time, in steps Node can hold', () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const node = withNodeTimerLimits(clock);
    const t0 = clock.now();
    const fired: number[] = [];
    clampedTimer(30 * DAY, node).subscribe(() => fired.push(clock.now() - t0));
    clock.advanceBy(30 * DAY - 1);
    expect(fired).toEqual([]);
    clock.advanceBy(1);
    expect(fired).toEqual([30 * DAY]);
    expect(node.overflows).toBe(0);
    expect(node.delays.every((d) => d <= MAX_TIMER_STEP_MS)).toBe(true);
    expect(node.delays.length).toBe(Math.ceil((30 * DAY) / MAX_TIMER_STEP_MS));
    expect(clock.pending).toBe(0);
  });

  it('fires at an instant in year 9999 at that instant, not before, with one step per 2^31−1 ms', () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const node = withNodeTimerLimits(clock);
    const at = Date.parse('9999-12-31T23:59:59.999Z');
    const fired: number[] = [];
    clampedTimerAt(at, node).subscribe(() => fired.push(clock.now()));
    clock.advanceTo(at - 1);
    expect(fired).toEqual([]);
    clock.advanceTo(at);
    expect(fired).toEqual([at]);
    expect(node.overflows).toBe(0);
    // Each step is as long as Node allows: the count is the span over 2^31−1 ms, no busy loop.
    expect(node.delays.length).toBe(Math.ceil((at - Date.parse('2026-01-01T00:00:00Z')) / MAX_TIMER_STEP_MS));
  });

  it('an unclamped timer under the same Node limits fires at once (what the clamp prevents)', () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const node = withNodeTimerLimits(clock);
    const fired: number[] = [];
    const t0 = clock.now();
    timer(30 * DAY, node).subscribe(() => fired.push(clock.now() - t0));
    clock.advanceBy(10);
    expect(fired).toEqual([1]);
    expect(node.overflows).toBe(1);
  });

  it('re-reads now() at each step: a clock that jumps ahead fires at the instant, not after the full delay', () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    let skew = 0;
    const jumpy = { now: () => clock.now() + skew, schedule: clock.schedule.bind(clock) } as typeof clock;
    const at = clock.now() + 60 * DAY;
    const fired: number[] = [];
    clampedTimerAt(at, jumpy).subscribe(() => fired.push(jumpy.now()));
    skew = 30 * DAY; // the wall clock moved forward by 30 days while waiting
    clock.advanceBy(30 * DAY - 1);
    expect(fired).toEqual([]);
    clock.advanceBy(1);
    expect(fired).toEqual([at]);
  });

  it('a one-step wait that wakes early waits the rest, and its subscription is closed once it has run', () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    let skew = 0;
    const lagging = { now: () => clock.now() + skew, schedule: clock.schedule.bind(clock) } as typeof clock;
    const at = clock.now() + 1_000;
    const fired: number[] = [];
    const sub = scheduleAt(lagging, () => fired.push(lagging.now()), at);
    skew = -200; // the wall clock was set back 200 ms while waiting: the step wakes early
    clock.advanceBy(1_000);
    expect(fired).toEqual([]);
    clock.advanceBy(199);
    expect(fired).toEqual([]);
    clock.advanceBy(1);
    expect(fired).toEqual([at]);
    expect(sub.closed).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('past instants run on the next turn, never synchronously; NaN and +Infinity never run; unsubscribe cancels', () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const seen: string[] = [];
    clampedTimerAt(clock.now() - DAY, clock).subscribe(() => seen.push('past'));
    expect(seen).toEqual([]);
    clampedTimerAt(Number.NaN, clock).subscribe(() => seen.push('nan'));
    clampedTimerAt(Number.POSITIVE_INFINITY, clock).subscribe(() => seen.push('inf'));
    const cancelled = scheduleClamped(clock, () => seen.push('cancelled'), 40 * DAY);
    clock.advanceBy(DAY);
    cancelled.unsubscribe();
    clock.advanceBy(60 * DAY);
    expect(seen).toEqual(['past']);
    expect(clock.pending).toBe(0);
  });
});

describe('clamped timer in a real Node process', () => {
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

  /** Runs a script in a child Node process with a 40-day wait on asyncScheduler, stopped after 20 ms. */
  const run = (wait: string): Promise<{ stdout: string; stderr: string; code: number | null }> =>
    new Promise((resolve) => {
      const script = `
        import { asyncScheduler, timer } from 'rxjs';
        import { clampedTimer } from ${JSON.stringify(dist)};
        let fired = false;
        const sub = (${wait})(40 * 86_400_000, asyncScheduler).subscribe(() => { fired = true; });
        setTimeout(() => { sub.unsubscribe(); console.log(fired ? 'fired' : 'waiting'); }, 20);`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ stdout: stdout.trim(), stderr, code }));
    });

  it('a 40-day wait prints no TimeoutOverflowWarning and does not fire early', async () => {
    expect(existsSync(dist), 'build @rxadr/core first (pnpm run build)').toBe(true);
    const clamped = await run('clampedTimer');
    expect(clamped.stderr).not.toContain('TimeoutOverflowWarning');
    expect(clamped).toEqual({ stdout: 'waiting', stderr: '', code: 0 });
    // The same wait with rxjs timer overflows in Node: the check above can see the difference.
    const plain = await run('timer');
    expect(plain.stderr).toContain('TimeoutOverflowWarning');
    expect(plain.stdout).toBe('fired');
  });
});
