import { describe, expect, it } from 'vitest';
import { Duration, decodeMessage, encodeMessage } from '../src/index.js';
import { eventRangeProblem } from '../src/ven/event-range.js';
import { MAX_INSTANT_MS, MIN_INSTANT_MS, inInstantRange } from '../src/time/instant-range.js';
import { authorEvent, type EventSpec } from '@rxadr/testing';

const event = (spec: Partial<EventSpec>) => authorEvent({ eventID: 'e', start: '2026-01-01T00:00:00Z', ...spec }, 0, new Date('2026-01-01T00:00:00Z'));

describe('instants the model represents (years 0001–9999)', () => {
  it.each([
    [MIN_INSTANT_MS, true],
    [MAX_INSTANT_MS, true],
    [MIN_INSTANT_MS - 1, false],
    [MAX_INSTANT_MS + 1, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
  ])('%s → %s', (ms, ok) => expect(inInstantRange(ms)).toBe(ok));
});

describe('eventRangeProblem: what an event may not imply (§9, 454)', () => {
  it.each<[string, Partial<EventSpec>, RegExp | undefined]>([
    ['an ordinary event', {}, undefined],
    ['an event ending in the last hour of year 9999', { start: '9999-12-31T22:00:00Z', duration: 'PT1H', intervals: [{ duration: 'PT1H', value: 1 }] }, undefined],
    ['an open-ended event (duration 0, rule 47) in year 9999', { start: '9999-06-01T00:00:00Z', duration: 'PT0S', intervals: [{ duration: 'PT0S', value: 1 }] }, undefined],
    ['P999999999D', { duration: 'P999999999D', intervals: [{ duration: 'P999999999D', value: 1 }] }, /end.*P999999999D.*outside/],
    ['an end one millisecond past year 9999', { start: '9999-12-31T23:00:00Z', duration: 'PT2H', intervals: [{ duration: 'PT2H', value: 1 }] }, /end/],
    ['startafter pushing the end past year 9999', { start: '9999-12-31T22:00:00Z', duration: 'PT30M', startafter: 'PT1H30M', intervals: [{ duration: 'PT30M', value: 1 }] }, /end/],
    ['a ramp-up reaching before year 0001', { start: '0001-01-01T00:10:00Z', rampUp: 'PT1H' }, /near boundary/],
    ['year 10000', { start: '+010000-01-01T00:00:00Z' }, /dtstart is outside/],
    ['an interval past the end of the calendar', { duration: 'PT1H', intervals: [{ duration: 'PT30M', value: 1 }, { duration: 'P99999999Y', value: 2 }] }, /signal 0 interval 1 end/],
    ['a negative event duration', { duration: '-PT1H', intervals: [{ duration: 'PT1H', value: 1 }] }, /duration -PT1H is negative/],
    ['a duration of 400 digits', { duration: `P${'9'.repeat(400)}D`, intervals: [{ duration: 'PT1H', value: 1 }] }, /end/],
  ])('%s', (_name, spec, expected) => {
    const problem = eventRangeProblem(event(spec));
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  it('huge values decode without throwing: durations keep their text, so the check above sees them', () => {
    const d = Duration.parse(`P${'9'.repeat(400)}D`);
    expect(d?.text).toBe(`P${'9'.repeat(400)}D`);
    expect(Number.isFinite(d!.toMillis())).toBe(false);
    const xml = encodeMessage({ type: 'oadrDistributeEvent', requestID: 'r', vtnID: 'V', oadrEvent: [event({})] }).replace('2026-01-01T00:00:00Z', '275761-01-01T00:00:00Z');
    const decoded = decodeMessage(xml);
    expect(decoded.ok).toBe(false);
  });
});
