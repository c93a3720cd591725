import { afterAll, afterEach, expect } from 'vitest';
import type { Ven, VenError } from '@rxadr/core';
import { createSchemaCheck, type MockVtn, type VirtualClock } from '@rxadr/testing';

/** The mock VTN's default poll interval: one `poll()` moves the clock by it. */
export const POLL_MS = 10_000;

interface Running {
  readonly ven: Ven;
  readonly clock: VirtualClock;
  readonly vtn: MockVtn;
  readonly name: string;
}

/**
 * The life of the one VEN a test runs against the mock VTN: after each test it is stopped, it must
 * leave no timer running, and everything it sent is validated against the XSD at the end of the
 * file (identical documents, such as hours of identical polls, once).
 */
export function venTestBench(): {
  /** Makes `ven` the test's VEN; returns the errors it reports and a step of one poll interval. */
  track(name: string, clock: VirtualClock, vtn: MockVtn, ven: Ven): { readonly errors: VenError[]; poll(): void };
  /** The clock of the test's VEN (for operators built before it exists). */
  clock(): VirtualClock;
} {
  const sent = createSchemaCheck();
  let running: Running | undefined;

  afterEach(async () => {
    if (!running) return;
    const { ven, clock, vtn, name } = running;
    running = undefined;
    await ven.stop();
    vtn.recorder.requests.forEach((r, i) => sent.add(`${name}#${i}:${r.message?.type ?? '?'}`, r.xml));
    expect(clock.pending).toBe(0); // tests leave nothing running
  });
  afterAll(() => sent.assertAllValid());

  return {
    track(name, clock, vtn, ven) {
      running = { ven, clock, vtn, name };
      const errors: VenError[] = [];
      ven.errors$.subscribe((e) => errors.push(e));
      return { errors, poll: () => clock.advanceBy(POLL_MS) };
    },
    clock() {
      if (!running) throw new Error('no VEN is running in this test');
      return running.clock;
    },
  };
}

/** Every value `obs$` emits, in order, from now on. */
export function collect<T>(obs$: { subscribe(next: (value: T) => void): unknown }): T[] {
  const values: T[] = [];
  obs$.subscribe((v) => values.push(v));
  return values;
}
