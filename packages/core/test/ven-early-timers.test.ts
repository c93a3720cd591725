import { map, type SchedulerLike } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createMockVtn, createVirtualClock } from '@rxadr/testing';
import { createVen, optIn } from '../src/index.js';

describe('status timers on a real clock', () => {
  it('emits every boundary even when timers run a millisecond early (as Node timers may)', async () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    // The VEN's scheduler runs each timer 1 ms before it is due, as a real clock sometimes does.
    const early: SchedulerLike = {
      now: () => clock.now(),
      schedule: (work, delay = 0, state) => clock.schedule(work as never, delay > 1 ? delay - 1 : delay, state),
    };
    const vtn = createMockVtn({ scheduler: clock, pollFrequency: 'PT1S' });
    const ven = createVen({ venName: 'v', transport: vtn.transport(), scheduler: early, decide: (e$) => e$.pipe(map(optIn)) });
    const seen: string[] = [];
    const t0 = clock.now();
    ven.events$.subscribe((e) => {
      const line = `${Math.round((e.at.getTime() - t0) / 1000)}s ${e.status}${e.status === 'active' ? ` ${e.signals[0]?.currentValue}` : ''}`;
      if (seen[seen.length - 1] !== line) seen.push(line);
    });
    ven.start();
    clock.advanceBy(1_000);
    vtn.model.createEvent({
      eventID: 'e',
      start: new Date(t0 + 10_000).toISOString(),
      duration: 'PT6S',
      rampUp: 'PT2S',
      intervals: [
        { duration: 'PT2S', value: 1 },
        { duration: 'PT2S', value: 2 },
        { duration: 'PT2S', value: 3 },
      ],
    });
    clock.advanceBy(30_000);
    await ven.stop();
    expect(seen.slice(-6)).toEqual(['2s far', '8s near', '10s active 1', '12s active 2', '14s active 3', '16s completed']);
  });
});
