import { describe, expect, it } from 'vitest';
import { type OptRecord } from '@rxadr/core';
import { controlAt, type ControlInputs, type EventRecord, type ResourceTargeting } from '@rxadr/core/engine';
import { authorEvent, type EventSpec } from '@rxadr/testing';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const min = (m: number): number => T0 + m * 60_000;
const iso = (m: number): string => new Date(min(m)).toISOString();

function record(spec: Partial<EventSpec> & { eventID: string }, fields: Partial<EventRecord> = {}, modificationNumber = 0): EventRecord {
  const event = authorEvent({ start: iso(60), ...spec }, modificationNumber, new Date(T0));
  return { event, requestID: 'dist-1', randomOffsetMs: 0, cancellation: undefined, answer: { modificationNumber, optType: 'optIn' }, ...fields };
}

const whole: ResourceTargeting = { resources: [{ resourceID: 'ven' }], venID: 'VEN-1', venTargets: undefined };
const site: ResourceTargeting = {
  resources: [{ resourceID: 'battery-1', targets: { groupID: ['north'] } }, { resourceID: 'battery-2', marketContexts: ['http://mc/a'] }],
  venID: 'VEN-1',
  venTargets: undefined,
};

function inputs(records: EventRecord[], more: Partial<ControlInputs> = {}): ControlInputs {
  return { records, opts: [], targeting: whole, includeTestEvents: false, ...more };
}

/** The compact view of what is in force: phase, value, winning event, superseded events, until (minutes). */
function view(state: ReturnType<typeof controlAt>) {
  return state.values.map((v) => ({
    key: `${v.resourceID} ${v.signal.signalName}/${v.signal.signalType}`,
    phase: v.phase,
    value: v.value,
    event: v.event?.eventID,
    superseded: v.superseded.map((s) => s.eventID),
    until: v.until === undefined ? undefined : (v.until.getTime() - T0) / 60_000,
  }));
}

const twoIntervals = { eventID: 'e1', duration: 'PT1H', intervals: [{ duration: 'PT30M', value: 2 }, { duration: 'PT30M', value: 3 }], rampUp: 'PT10M', recovery: 'PT15M' };

describe('controlAt: the value in force, as a pure function of state and time', () => {
  it.each([
    [0, 'normal', undefined, 50, 50],
    [50, 'ramp-up', 2, 60, 60],
    [60, 'active', 2, 90, 90],
    [89, 'active', 2, 90, 90],
    [90, 'active', 3, 120, 120],
    [120, 'recovery', 3, 135, 135],
    [135, 'normal', undefined, undefined, undefined],
  ] as const)('at minute %i: %s %s until %s, next look at %s', (minute, phase, value, until, next) => {
    const state = controlAt(inputs([record(twoIntervals)]), min(minute));
    expect(view(state)).toEqual([{ key: 'ven SIMPLE/level', phase, value, event: phase === 'normal' ? undefined : 'e1', superseded: [], until }]);
    expect(state.next === undefined ? undefined : (state.next - T0) / 60_000).toBe(next);
  });

  it('the random start offset (rule 30) shifts every boundary', () => {
    const state = controlAt(inputs([record({ eventID: 'e1', startafter: 'PT10M' }, { randomOffsetMs: 5 * 60_000 })]), min(62));
    expect(view(state)[0]).toMatchObject({ phase: 'normal', until: 65 });
    expect(view(controlAt(inputs([record({ eventID: 'e1', startafter: 'PT10M' }, { randomOffsetMs: 5 * 60_000 })]), min(65)))[0]).toMatchObject({ phase: 'active', until: 125 });
  });

  it('rule 18: across market contexts the higher priority (lower number) wins; the loser is listed as superseded', () => {
    const low = record({ eventID: 'low', priority: 2, marketContext: 'http://mc/a', intervals: [{ duration: 'PT1H', value: 1 }] });
    const high = record({ eventID: 'high', priority: 1, marketContext: 'http://mc/b', start: iso(70), duration: 'PT20M', intervals: [{ duration: 'PT20M', value: 3 }] });
    expect(view(controlAt(inputs([low, high]), min(65)))).toEqual([{ key: 'ven SIMPLE/level', phase: 'active', value: 1, event: 'low', superseded: [], until: 70 }]);
    expect(view(controlAt(inputs([low, high]), min(75)))).toEqual([{ key: 'ven SIMPLE/level', phase: 'active', value: 3, event: 'high', superseded: ['low'], until: 90 }]);
    expect(view(controlAt(inputs([low, high]), min(95)))[0]).toMatchObject({ value: 1, event: 'low', superseded: [] });
  });

  it('priority 0 is no priority, the lowest (§4.1)', () => {
    const none = record({ eventID: 'none', priority: 0, marketContext: 'http://mc/a', intervals: [{ duration: 'PT1H', value: 1 }] });
    const five = record({ eventID: 'five', priority: 5, marketContext: 'http://mc/b', intervals: [{ duration: 'PT1H', value: 2 }] });
    expect(view(controlAt(inputs([none, five]), min(61)))[0]).toMatchObject({ event: 'five', value: 2, superseded: ['none'] });
  });

  it('equal priority: the first activated wins, whatever order the events arrived in', () => {
    const later = record({ eventID: 'a-later', priority: 1, marketContext: 'http://mc/a', start: iso(70), intervals: [{ duration: 'PT1H', value: 3 }] });
    const first = record({ eventID: 'z-first', priority: 1, marketContext: 'http://mc/b', start: iso(60), intervals: [{ duration: 'PT1H', value: 1 }] });
    expect(view(controlAt(inputs([later, first]), min(80)))[0]).toMatchObject({ event: 'z-first', value: 1, superseded: ['a-later'], until: 120 });
    expect(view(controlAt(inputs([later, first]), min(125)))[0]).toMatchObject({ event: 'a-later', value: 3, superseded: [] });
  });

  it('an active event beats another one in ramp-up or recovery', () => {
    const active = record({ eventID: 'active', priority: 3, marketContext: 'http://mc/a', intervals: [{ duration: 'PT1H', value: 1 }] });
    const ramping = record({ eventID: 'ramping', priority: 1, marketContext: 'http://mc/b', start: iso(100), rampUp: 'PT30M', intervals: [{ duration: 'PT1H', value: 3 }] });
    expect(view(controlAt(inputs([active, ramping]), min(80)))[0]).toMatchObject({ phase: 'active', event: 'active', superseded: ['ramping'], until: 100 });
  });

  it('signals of different names, types or units are independent values', () => {
    const both = record({
      eventID: 'e1',
      signals: [
        { signalName: 'SIMPLE', signalType: 'level', intervals: [{ duration: 'PT1H', value: 2 }] },
        { signalName: 'LOAD_DISPATCH', signalType: 'setpoint', intervals: [{ duration: 'PT1H', value: -5 }] },
      ],
    });
    expect(view(controlAt(inputs([both]), min(61))).map((v) => [v.key, v.value])).toEqual([
      ['ven LOAD_DISPATCH/setpoint', -5],
      ['ven SIMPLE/level', 2],
    ]);
  });

  it('only opted-in events drive resources; an unanswered version drives nothing', () => {
    expect(view(controlAt(inputs([record({ eventID: 'e1' }, { answer: { modificationNumber: 0, optType: 'optOut' } })]), min(61)))).toEqual([]);
    expect(view(controlAt(inputs([record({ eventID: 'e1' }, { answer: undefined })]), min(61)))).toEqual([]);
  });

  it('while a modified version awaits its decision, the answer to the earlier version holds', () => {
    const modified = record({ eventID: 'e1', intervals: [{ duration: 'PT1H', value: 3 }] }, { answer: undefined }, 1);
    const state = controlAt(inputs([modified], { earlierAnswers: new Map([['e1', { modificationNumber: 0, optType: 'optIn' }]]) }), min(61));
    expect(view(state)[0]).toMatchObject({ phase: 'active', value: 3 });
    expect(state.values[0]?.event?.modificationNumber).toBe(1);
  });

  it('test events (testEvent other than "false", rule 6) drive nothing unless included', () => {
    const test = record({ eventID: 'e1', testEvent: 'true' });
    const notTest = record({ eventID: 'e2', testEvent: 'false', start: iso(200) });
    expect(view(controlAt(inputs([test, notTest]), min(61))).map((v) => v.event ?? v.phase)).toEqual(['normal']);
    expect(view(controlAt(inputs([test], { includeTestEvents: true }), min(61)))[0]).toMatchObject({ phase: 'active', event: 'e1' });
  });

  it('a cancelled running event is in force until its randomised stop (rule 65), then normal without recovery', () => {
    const cancelled = record({ eventID: 'e1', recovery: 'PT15M' }, { cancellation: { receivedAt: min(70), stopAt: min(72), implied: false } });
    expect(view(controlAt(inputs([cancelled]), min(71)))[0]).toMatchObject({ phase: 'active', until: 72 });
    expect(view(controlAt(inputs([cancelled]), min(72)))[0]).toMatchObject({ phase: 'normal', until: undefined });
  });

  it('open-ended events (duration 0, rule 47) hold with no until', () => {
    const open = record({ eventID: 'e1', duration: 'PT0S', intervals: [{ duration: 'PT0S', value: 4 }] });
    const state = controlAt(inputs([open]), min(500));
    expect(view(state)[0]).toMatchObject({ phase: 'active', value: 4, until: undefined });
    expect(state.next).toBeUndefined();
  });

  it('per resource: event-level and signal-level targets, group names and market contexts decide who is driven', () => {
    const toNorth = record({ eventID: 'north', targets: { groupID: ['north'] }, marketContext: 'http://mc/a' });
    const toAll = record({
      eventID: 'all',
      marketContext: 'http://mc/b',
      signals: [{ signalName: 'LOAD_DISPATCH', signalType: 'setpoint', intervals: [{ duration: 'PT1H', value: 7 }], targets: { resourceID: ['battery-2'] } }],
    });
    const byVen = record({ eventID: 'byVen', targets: { venID: ['VEN-1'] }, marketContext: 'http://mc/a', signals: [{ signalName: 'x-custom', signalType: 'level', intervals: [{ duration: 'PT1H', value: 1 }] }] });
    const keys = view(controlAt(inputs([toNorth, toAll, byVen], { targeting: site }), min(61))).map((v) => `${v.key}=${v.value}`);
    // battery-2 takes no part in http://mc/b, so the signal aimed at it drives nothing.
    expect(keys).toEqual(['battery-1 SIMPLE/level=1', 'battery-1 x-custom/level=1', 'battery-2 x-custom/level=1']);
  });

  it('an event-specific opt overrides the event answer for the resources it names (§6 partial participation)', () => {
    const targeting: ResourceTargeting = { ...site, resources: [{ resourceID: 'battery-1' }, { resourceID: 'battery-2' }] };
    const opt: OptRecord = {
      optID: 'opt-1', optType: 'optOut', optReason: 'notParticipating', marketContext: undefined, vavailability: undefined,
      qualifiedEventID: { eventID: 'e1', modificationNumber: 0 }, target: { ...emptyTarget(), resourceID: ['battery-2'] }, deviceClass: undefined,
      createdDateTime: new Date(min(1)), requestID: 'r', status: 'created', responseCode: '200',
    };
    const e1 = record({ eventID: 'e1' });
    expect(view(controlAt(inputs([e1], { targeting, opts: [opt] }), min(61))).map((v) => v.key)).toEqual(['battery-1 SIMPLE/level']);
    // A cancelled opt no longer counts.
    expect(view(controlAt(inputs([e1], { targeting, opts: [{ ...opt, status: 'cancelled' }] }), min(61))).map((v) => v.key)).toEqual(['battery-1 SIMPLE/level', 'battery-2 SIMPLE/level']);
    // An opt for an older version does not decide the new one once that has its own answer.
    expect(view(controlAt(inputs([record({ eventID: 'e1' }, {}, 1)], { targeting, opts: [opt] }), min(61)))).toHaveLength(2);
  });
});

function emptyTarget() {
  return { aggregatedPnode: [], endDeviceAsset: [], meterAsset: [], pnode: [], serviceArea: [], serviceDeliveryPoint: [], serviceLocation: [], transportInterface: [], groupID: [], groupName: [], resourceID: [], venID: [], partyID: [] };
}
