import { map } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createVen, optIn, MAX_TIMER_STEP_MS, type EventSnapshot } from '@rxadr/core';
import { createMockVtn, createSchemaCheck, createVirtualClock, withNodeTimerLimits } from '@rxadr/testing';

// Under these schedulers a delay above 2^31−1 ms runs after 1 ms, as Node's timers do: an event
// weeks ahead armed with a plain timer would turn `active` at once.
const sent = createSchemaCheck();
afterAll(() => sent.assertAllValid());
const DAY = 86_400_000;

function setup(name: string, start: string) {
  const clock = createVirtualClock(start);
  const node = withNodeTimerLimits(clock);
  const vtn = createMockVtn({ scheduler: clock, pollFrequency: 'P1D' });
  const ven = createVen({ venName: 'far', transport: vtn.transport(), scheduler: node, random: () => 0.5, decide: (e$) => e$.pipe(map(optIn)) });
  const seen: Array<[string, EventSnapshot['status']]> = [];
  ven.events$.subscribe((e) => {
    const last = seen[seen.length - 1];
    if (!last || last[1] !== e.status) seen.push([e.at.toISOString(), e.status]);
  });
  ven.start();
  const stop = async (): Promise<void> => {
    await ven.stop();
    vtn.recorder.requests.forEach((r, i) => sent.add(`${name}#${i}:${r.message?.type ?? '?'}`, r.xml));
    expect(clock.pending).toBe(0);
  };
  return { clock, node, vtn, seen, stop };
}

describe('events far ahead (timers in steps under 2^31−1 ms)', () => {
  it('an event 30 days ahead goes near and active exactly on time, not at once', async () => {
    const { clock, node, vtn, seen, stop } = setup('30-days', '2026-01-01T00:00:00Z');
    vtn.model.createEvent({ eventID: 'month', start: '2026-01-31T00:00:00Z', rampUp: 'PT1H', duration: 'PT2H' });
    clock.advanceTo('2026-01-30T22:59:59.999Z');
    expect(seen.map((s) => s[1])).toEqual(['far']);
    clock.advanceTo('2026-01-31T03:00:00Z');
    expect(seen.slice(1)).toEqual([
      ['2026-01-30T23:00:00.000Z', 'near'],
      ['2026-01-31T00:00:00.000Z', 'active'],
      ['2026-01-31T02:00:00.000Z', 'completed'],
    ]);
    expect(node.overflows).toBe(0);
    expect(vtn.recorder.messages('oadrCreatedEvent').flatMap((m) => m.eiCreatedEvent.eventResponses ?? []).map((r) => r.responseCode)).toEqual(['200']);
    await stop();
  });

  it('an event in year 9999 stays far for a year of polling, with few timer steps', async () => {
    const { clock, node, vtn, seen, stop } = setup('year-9999-far', '2026-01-01T00:00:00Z');
    vtn.model.createEvent({ eventID: 'distant', start: '9999-12-31T00:00:00Z', duration: 'PT1H' });
    clock.advanceBy(366 * DAY);
    expect(seen.map((s) => s[1])).toEqual(['far']);
    expect(node.overflows).toBe(0);
    // One status timer step per 2^31−1 ms plus the daily polls: no busy loop.
    expect(node.delays.filter((d) => d === MAX_TIMER_STEP_MS).length).toBeLessThanOrEqual(Math.ceil((366 * DAY) / MAX_TIMER_STEP_MS) + 1);
    await stop();
  });

  it('an event in year 9999 goes active and completes exactly on time', async () => {
    const { clock, node, vtn, seen, stop } = setup('year-9999', '9999-10-01T00:00:00Z');
    vtn.model.createEvent({ eventID: 'y9999', start: '9999-12-30T00:00:00Z', duration: 'PT1H' });
    clock.advanceTo('9999-12-29T23:59:59.999Z');
    expect(seen.map((s) => s[1])).toEqual(['far']);
    clock.advanceTo('9999-12-31T00:00:00Z');
    expect(seen.slice(1)).toEqual([
      ['9999-12-30T00:00:00.000Z', 'active'],
      ['9999-12-30T01:00:00.000Z', 'completed'],
    ]);
    expect(node.overflows).toBe(0);
    await stop();
  });
});
