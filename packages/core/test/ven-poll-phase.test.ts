import { delay } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createVen, type Transport, type Ven, type VenOptions } from '@rxadr/core';
import { createMockVtn, createSchemaCheck, createVirtualClock } from '@rxadr/testing';
import { firstPollDelay, nextPollAt, pollPhaseOf } from '../src/ven/poll-phase.js';

const PERIOD = 10_000;
const sent = createSchemaCheck();
afterAll(() => sent.assertAllValid());

/** `n` VENs started together on one virtual clock and one mock VTN; the instants (ms after start) of each VEN's polls. */
async function fleet(n: number, options: Partial<VenOptions> = {}, runMs = 3 * PERIOD) {
  const clock = createVirtualClock('2026-01-01T00:00:00Z');
  const vtn = createMockVtn({ scheduler: clock, pollFrequency: 'PT10S' });
  const vens: Ven[] = [];
  for (let i = 0; i < n; i++) {
    const ven = createVen({ venName: `ven-${i}`, transport: vtn.transport(), scheduler: clock, ...options });
    ven.start();
    vens.push(ven);
  }
  clock.advanceBy(runMs);
  await Promise.all(vens.map((v) => v.stop()));
  expect(clock.pending).toBe(0);
  vtn.recorder.requests.slice(0, 8).forEach((r, i) => sent.add(`phase#${i}:${r.message?.type ?? '?'}`, r.xml));
  const polls = new Map<string, number[]>();
  for (const r of vtn.recorder.requests) {
    if (r.message?.type !== 'oadrPoll') continue;
    const at = r.at.getTime() - clock.epoch;
    polls.set(r.message.venID, [...(polls.get(r.message.venID) ?? []), at]);
  }
  return polls;
}

describe('the phase of periodic polls (pollPhase)', () => {
  it('by default, 200 VENs started together poll at once, then spread over the whole period, then every period', async () => {
    const polls = await fleet(200);
    expect(polls.size).toBe(200);
    const phases: number[] = [];
    for (const times of polls.values()) {
      const [immediate, first, second, third] = times;
      expect(immediate).toBe(0); // the poll right after registration and oadrRequestEvent stays
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThanOrEqual(PERIOD);
      expect(second! - first!).toBe(PERIOD);
      expect(third! - second!).toBe(PERIOD);
      phases.push(first!);
    }
    // Spread evenly: each tenth of the period holds some of the 200 first periodic polls (20 on average), none most of them.
    const tenths = Array.from({ length: 10 }, (_, k) => phases.filter((p) => Math.ceil(p / 1_000) - 1 === k).length);
    for (const count of tenths) {
      expect(count).toBeGreaterThanOrEqual(8);
      expect(count).toBeLessThanOrEqual(35);
    }
    expect(new Set(phases).size).toBeGreaterThan(190);
  });

  it('is the same on every run (a hash of venName and venID, not Math.random)', async () => {
    const a = await fleet(20, {}, 2 * PERIOD);
    const b = await fleet(20, {}, 2 * PERIOD);
    expect([...b]).toEqual([...a]);
    expect(a.get('VEN-1')?.[1]).toBe(firstPollDelay(pollPhaseOf('spread', 'ven-0', 'VEN-1'), PERIOD));
  });

  it('a number sets the phase; 0 polls exactly one period after the immediate poll; jitter adds to the later waits only', async () => {
    const quarter = await fleet(3, { pollPhase: 0.25 });
    for (const times of quarter.values()) expect(times).toEqual([0, 2_500, 12_500, 22_500]);
    const aligned = await fleet(3, { pollPhase: 0 });
    for (const times of aligned.values()) expect(times).toEqual([0, 10_000, 20_000, 30_000]);
    const jittered = await fleet(1, { pollPhase: 0.25, pollJitter: 0.1, random: () => 0.5 });
    expect(jittered.get('VEN-1')).toEqual([0, 2_500, 13_000, 23_500]);
  });

  it('is taken again after a re-registration: poll at once, then the phase', async () => {
    const clock = createVirtualClock('2026-01-01T00:00:00Z');
    const vtn = createMockVtn({ scheduler: clock, pollFrequency: 'PT10S' });
    const ven = createVen({ venName: 'ven-0', transport: vtn.transport(), scheduler: clock, pollPhase: 0.5, random: () => 0.5 });
    ven.start();
    clock.advanceBy(12_000); // polls at 0 and 5 s
    vtn.recorder.clear();
    ven.reregister();
    clock.advanceBy(20_000);
    const polls = vtn.recorder.requests.filter((r) => r.message?.type === 'oadrPoll').map((r) => r.at.getTime() - clock.epoch);
    expect(polls).toEqual([12_000, 17_000, 27_000]);
    await ven.stop();
  });

  it('keeps its phase when a poll is answered late: the next poll is due a period after the last one was due', async () => {
    // The third poll (due at 12.5 s) is answered `lateMs` later, as by a busy process or a slow VTN.
    const pollsWith = async (lateMs: number) => {
      const clock = createVirtualClock('2026-01-01T00:00:00Z');
      const vtn = createMockVtn({ scheduler: clock, pollFrequency: 'PT10S' });
      const door = vtn.transport();
      let pollsSent = 0;
      const transport: Transport = {
        send: (request) => {
          if (request.service === 'OadrPoll') pollsSent += 1;
          return pollsSent === 3 && request.service === 'OadrPoll' ? door.send(request).pipe(delay(lateMs, clock)) : door.send(request);
        },
      };
      const ven = createVen({ venName: 'ven-0', transport, scheduler: clock, pollPhase: 0.25, pollJitter: 0.1, random: () => 0.5 });
      ven.start();
      clock.advanceBy(60_000);
      await ven.stop();
      return vtn.recorder.requests.filter((r) => r.message?.type === 'oadrPoll').map((r) => r.at.getTime() - clock.epoch);
    };
    expect(await pollsWith(0)).toEqual([0, 2_500, 13_000, 23_500, 34_000, 44_500, 55_000]);
    // 3 s late: the fourth poll stays at 23.5 s (it was at 26.5 s when waits were counted from the answer).
    expect(await pollsWith(3_000)).toEqual([0, 2_500, 13_000, 23_500, 34_000, 44_500, 55_000]);
    // Later than a whole period: the poll due meanwhile (23.5 s) is skipped, the next one a whole period after it.
    expect(await pollsWith(12_000)).toEqual([0, 2_500, 13_000, 33_500, 44_000, 54_500]);
  });

  it('counts the next poll from when the last was due: skipping whole periods when late, never more than one wait ahead', () => {
    expect(nextPollAt(10_000, 10_500, 10_000, 10_000)).toBe(20_500);
    expect(nextPollAt(10_000, 10_500, 10_000, 13_000)).toBe(20_500);
    expect(nextPollAt(10_000, 10_500, 10_000, 20_500)).toBe(30_500);
    expect(nextPollAt(10_000, 10_500, 10_000, 45_000)).toBe(50_500);
    // Ran early, or the clock was set back an hour: one wait from now.
    expect(nextPollAt(10_001, 10_500, 10_000, 10_000)).toBe(20_500);
    expect(nextPollAt(3_610_000, 10_500, 10_000, 10_000)).toBe(20_500);
  });

  it('refuses a phase outside [0, 1) with a config error', () => {
    const vtn = createMockVtn();
    for (const pollPhase of [1, -0.1, Number.NaN, 'even' as never]) {
      expect(() => createVen({ venName: 'v', transport: vtn.transport(), pollPhase })).toThrow(expect.objectContaining({ name: 'VenError', code: 'config', message: expect.stringMatching(/pollPhase/) }));
    }
  });
});
