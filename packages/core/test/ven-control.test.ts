import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concat, map, mergeMap, of, timer, type SchedulerLike } from 'rxjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createFileStore, createVen, optIn, optOut, resolveVenOptions, valueInForce, type ControlValue, type DecisionOperator, type Ven, type VenError, type VenOptions } from '@rxadr/core';
import { createMockVtn, createSchemaCheck, createVirtualClock, withNodeTimerLimits, type MockVtn, type VirtualClock } from '@rxadr/testing';

const sent = createSchemaCheck();
const dir = mkdtempSync(join(tmpdir(), 'rxadr-control-'));
const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const POLL = 10_000;
let running: { vens: Ven[]; clock: VirtualClock; vtn: MockVtn; name: string } | undefined;

interface Setup {
  readonly clock?: VirtualClock;
  readonly vtn?: MockVtn;
  readonly scheduler?: SchedulerLike;
}

function setup(name: string, options: Partial<VenOptions> = {}, given: Setup = {}) {
  const clock = given.clock ?? createVirtualClock(T0);
  const vtn = given.vtn ?? createMockVtn({ scheduler: clock });
  const decide: DecisionOperator = (events$) => events$.pipe(map((e) => optIn(e)));
  const ven = createVen({ pollPhase: 0, venName: 'ven-under-test', transport: vtn.transport(), scheduler: given.scheduler ?? clock, random: () => 0, decide, ...options });
  const errors: VenError[] = [];
  ven.errors$.subscribe((e) => errors.push(e));
  /** Every change control$ emitted: minute, resource, signal, phase, value, event. */
  const changes: string[] = [];
  const values: ControlValue[] = [];
  ven.control$.subscribe((c) => {
    values.push(c);
    const minute = (c.at.getTime() - T0) / 60_000;
    changes.push(`${minute} ${c.resourceID} ${c.signal.signalName} ${c.phase}${c.value === undefined ? '' : ` ${c.value}`}${c.event ? ` ${c.event.eventID}#${c.event.modificationNumber}` : ''}`);
  });
  if (running && running.clock === clock) running.vens.push(ven);
  else running = { vens: [ven], clock, vtn, name };
  ven.start();
  const poll = (): void => clock.advanceBy(POLL);
  return { clock, vtn, ven, errors, changes, values, poll };
}

afterEach(async () => {
  if (!running) return;
  const { vens, clock, vtn, name } = running;
  running = undefined;
  for (const ven of vens) await ven.stop();
  vtn.recorder.requests.forEach((r, i) => sent.add(`${name}#${i}:${r.message?.type ?? '?'}`, r.xml));
  expect(clock.pending).toBe(0);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  sent.assertAllValid();
});

describe('ven.control$: the value in force, on the VEN clock', () => {
  it('emits at every boundary: ramp-up, each interval, recovery, back to normal', () => {
    const { vtn, clock, poll, changes, values } = setup('boundaries');
    vtn.model.createEvent({ eventID: 'e1', start: at(60), rampUp: 'PT10M', recovery: 'PT15M', intervals: [{ duration: 'PT30M', value: 1 }, { duration: 'PT30M', value: 3 }] });
    poll();
    clock.advanceTo(at(200));
    expect(changes).toEqual(['0.16666666666666666 ven SIMPLE normal', '50 ven SIMPLE ramp-up 1 e1#0', '60 ven SIMPLE active 1 e1#0', '90 ven SIMPLE active 3 e1#0', '120 ven SIMPLE recovery 3 e1#0', '135 ven SIMPLE normal']);
    expect(values.map((v) => v.until?.toISOString())).toEqual([at(50), at(60), at(90), at(120), at(135), undefined]);
    expect(values[2]?.event).toEqual({ eventID: 'e1', modificationNumber: 0, marketContext: 'http://mock-vtn.example/programs/default', priority: 0, signalID: 'e1-signal-0', phase: 'active' });
  });

  it('overlap across market contexts: the higher priority wins and names the one it superseded; equal priority: first activated', () => {
    const { vtn, clock, poll, values } = setup('overlap');
    vtn.model.createEvent({ eventID: 'low', start: at(60), duration: 'PT2H', priority: 3, marketContext: 'http://vtn/a', intervals: [{ duration: 'PT2H', value: 1 }] });
    vtn.model.createEvent({ eventID: 'high', start: at(90), duration: 'PT30M', priority: 1, marketContext: 'http://vtn/b', intervals: [{ duration: 'PT30M', value: 3 }] });
    vtn.model.createEvent({ eventID: 'same', start: at(70), duration: 'PT30M', priority: 3, marketContext: 'http://vtn/c', intervals: [{ duration: 'PT30M', value: 2 }] });
    poll();
    poll();
    clock.advanceTo(at(240));
    expect(values.filter((v) => v.phase !== 'normal' || v.at.getTime() > T0 + 60_000).map((v) => [(v.at.getTime() - T0) / 60_000, v.event?.eventID, v.value, v.superseded.map((s) => s.eventID)])).toEqual([
      [60, 'low', 1, []],
      [70, 'low', 1, ['same']], // equal priority: low was activated first
      [90, 'high', 3, ['low', 'same']],
      [100, 'high', 3, ['low']],
      [120, 'low', 1, []],
      [180, undefined, undefined, []],
    ]);
  });

  it('a modification mid-interval takes effect at once, with the new version', () => {
    const { vtn, clock, poll, changes } = setup('modification');
    vtn.model.createEvent({ eventID: 'e1', start: at(0), duration: 'PT2H', intervals: [{ duration: 'PT2H', value: 1 }] });
    poll();
    clock.advanceTo(at(30));
    vtn.model.modifyEvent('e1', { intervals: [{ duration: 'PT2H', value: 2 }] });
    poll();
    clock.advanceTo(at(150));
    expect(changes).toEqual(['0.16666666666666666 ven SIMPLE active 1 e1#0', '30.166666666666668 ven SIMPLE active 2 e1#1', '120 ven SIMPLE normal']);
  });

  it('a cancellation mid-interval returns to normal at once (no startafter) or at the randomised stop (rule 65)', () => {
    const { vtn, clock, poll, changes } = setup('cancellation', { random: () => 0.5 });
    vtn.model.createEvent({ eventID: 'now', start: at(0), duration: 'PT2H' });
    vtn.model.createEvent({ eventID: 'spread', start: at(0), duration: 'PT2H', startafter: 'PT10M', signalName: 'LOAD_CONTROL', signalType: 'x-loadControlCapacity', intervals: [{ duration: 'PT2H', value: 0.5 }] });
    poll();
    poll();
    clock.advanceTo(at(30));
    vtn.model.cancelEvent('now');
    vtn.model.cancelEvent('spread');
    poll();
    clock.advanceTo(at(60));
    // 'spread' started at +5 min (offset 0.5 × 10 min) and stops 5 min after the cancellation arrived.
    // The cancellation (modificationNumber 1, rule 5) is emitted at once, with its stop as `until`.
    expect(changes.filter((c) => !c.startsWith('0.'))).toEqual([
      '5 ven LOAD_CONTROL active 0.5 spread#0',
      '30.166666666666668 ven SIMPLE normal',
      '30.166666666666668 ven LOAD_CONTROL active 0.5 spread#1',
      '35.166666666666664 ven LOAD_CONTROL normal',
    ]);
  });

  it('opt-out, then a change of mind to opt-in: nothing is driven until the opt-in', () => {
    const clockForDecisions = createVirtualClock(T0);
    const decide: DecisionOperator = (events$) => events$.pipe(mergeMap((e) => concat(of(optOut(e)), timer(20 * 60_000, clockForDecisions).pipe(map(() => optIn(e))))));
    const { vtn, clock, poll, changes } = setup('change-of-mind', { decide }, { clock: clockForDecisions });
    vtn.model.createEvent({ eventID: 'e1', start: at(10), duration: 'PT1H' });
    poll();
    clock.advanceTo(at(90));
    expect(changes).toEqual(['20.166666666666668 ven SIMPLE active 1 e1#0', '70 ven SIMPLE normal']);
    expect(vtn.recorder.messages('oadrCreatedEvent').flatMap((m) => m.eiCreatedEvent.eventResponses ?? []).map((r) => r.optType)).toEqual(['optOut', 'optIn']);
  });

  it('test events drive nothing unless includeTestEvents', () => {
    const off = setup('test-events');
    off.vtn.model.createEvent({ eventID: 'drill', start: at(0), testEvent: 'true' });
    off.poll();
    off.clock.advanceTo(at(30));
    expect(off.changes).toEqual([]);
  });

  it('includeTestEvents: true lets a test event drive the resources', () => {
    const on = setup('test-events-on', { includeTestEvents: true });
    on.vtn.model.createEvent({ eventID: 'drill', start: at(0), testEvent: 'yes' });
    on.poll();
    expect(on.changes).toEqual(['0.16666666666666666 ven SIMPLE active 1 drill#0']);
  });

  it('an event 30 days ahead starts exactly on time (clamped waits; Node holds at most 2^31-1 ms)', () => {
    const clock = createVirtualClock(T0);
    const limited = withNodeTimerLimits(clock);
    const { vtn, values } = setup('thirty-days', {}, { clock, scheduler: limited, vtn: createMockVtn({ scheduler: clock, pollFrequency: 'PT24H' }) });
    vtn.model.createEvent({ eventID: 'far', start: at(30 * 24 * 60), intervals: [{ duration: 'PT1H', value: 2 }] });
    clock.advanceBy(24 * 3600_000);
    clock.advanceTo(at(30 * 24 * 60 + 90));
    const active = values.find((v) => v.phase === 'active');
    expect(active?.at.toISOString()).toBe(at(30 * 24 * 60));
    expect(values.filter((v) => v.phase === 'active')).toHaveLength(1);
  });

  it('after a restart in the middle of an event, the value in force is back at once from the store', async () => {
    const path = join(dir, 'restart.json');
    const first = setup('restart', { store: createFileStore(path) });
    first.vtn.model.createEvent({ eventID: 'e1', start: at(0), duration: 'PT2H', signalName: 'LOAD_DISPATCH', signalType: 'setpoint', intervals: [{ duration: 'PT2H', value: -4 }] });
    first.poll();
    first.clock.advanceTo(at(45));
    await first.ven.stop();
    const second = createVen({ pollPhase: 0, venName: 'ven-under-test', transport: first.vtn.transport(), scheduler: first.clock, store: createFileStore(path) });
    running?.vens.push(second);
    const now: ControlValue[] = [];
    second.control$.subscribe((c) => now.push(c)).unsubscribe();
    expect(now.map((c) => [c.phase, c.value, c.event?.eventID, c.until?.toISOString()])).toEqual([['active', -4, 'e1', at(120)]]);
  });

  it('registration loss returns every resource to normal at once', () => {
    const { vtn, clock, poll, changes } = setup('registration-loss');
    vtn.model.createEvent({ eventID: 'e1', start: at(0), duration: 'PT2H' });
    poll();
    clock.advanceTo(at(30));
    vtn.model.cancelRegistration('VEN-1');
    poll();
    expect(changes).toEqual(['0.16666666666666666 ven SIMPLE active 1 e1#0', '30.166666666666668 ven SIMPLE normal']);
  });

  it('recovery runs to its end even when the VTN stops sending the completed event (rule 66)', () => {
    const { vtn, clock, poll, changes } = setup('recovery-after-removal');
    vtn.model.createEvent({ eventID: 'e1', start: at(0), duration: 'PT30M', recovery: 'PT20M', intervals: [{ duration: 'PT30M', value: 2 }] });
    poll();
    clock.advanceTo(at(32));
    vtn.model.removeEvent('e1');
    vtn.model.distribute({});
    poll();
    // Another event arrives during the recovery: the VEN recomputes, and e1's recovery still holds.
    clock.advanceTo(at(40));
    vtn.model.createEvent({ eventID: 'e2', start: at(120) });
    poll();
    clock.advanceTo(at(60));
    expect(changes).toEqual(['0.16666666666666666 ven SIMPLE active 2 e1#0', '30 ven SIMPLE recovery 2 e1#0', '50 ven SIMPLE normal']);
  });

  it('valueInForce: one resource, one signal, as a number (undefined = normal)', () => {
    const { vtn, ven, clock, poll } = setup('value-in-force');
    const seen: (number | undefined)[] = [];
    ven.control$.pipe(valueInForce({ signalName: 'SIMPLE' })).subscribe((v) => seen.push(v));
    vtn.model.createEvent({ eventID: 'e1', start: at(10), rampUp: 'PT5M', intervals: [{ duration: 'PT30M', value: 2 }, { duration: 'PT30M', value: 2 }] });
    poll();
    clock.advanceTo(at(120));
    expect(seen).toEqual([undefined, 2, undefined]);
  });
});

describe('resources and partial participation', () => {
  const resources = [
    { resourceID: 'battery-1', targets: { groupID: ['north'] } },
    { resourceID: 'battery-2', targets: { groupID: ['south'] } },
  ];

  it('events drive the resources their targets name; an event naming none is answered 462 (targets derived from resources)', () => {
    const { vtn, poll, changes, ven } = setup('resources', { resources });
    vtn.model.createEvent({ eventID: 'north', start: at(0), targets: { groupID: ['north'] } });
    vtn.model.createEvent({ eventID: 'elsewhere', start: at(0), targets: { groupID: ['west'] } });
    vtn.model.createEvent({
      eventID: 'both',
      start: at(0),
      signals: [{ signalName: 'LOAD_DISPATCH', signalType: 'setpoint', intervals: [{ duration: 'PT1H', value: 5 }], targets: { resourceID: ['battery-2'] } }],
      targets: { resourceID: ['battery-1', 'battery-2'] },
    });
    poll();
    poll();
    poll();
    expect(changes).toEqual(['0.16666666666666666 battery-1 SIMPLE active 1 north#0', '0.16666666666666666 battery-2 LOAD_DISPATCH active 5 both#0']);
    const codes = Object.fromEntries(vtn.recorder.messages('oadrCreatedEvent').flatMap((m) => m.eiCreatedEvent.eventResponses ?? []).map((r) => [r.qualifiedEventID.eventID, r.responseCode]));
    expect(codes).toEqual({ north: '200', elsewhere: '462', both: '200' });
    let snapshot: { resources: readonly string[]; signals: readonly { resources: readonly string[] }[] } | undefined;
    ven.events$.subscribe((s) => s.eventID === 'both' && (snapshot = s)).unsubscribe();
    expect(snapshot?.resources).toEqual(['battery-1', 'battery-2']);
    expect(snapshot?.signals.map((s) => s.resources)).toEqual([['battery-2']]);
  });

  it('optIn(event, { except }) answers optIn and sends oadrCreateOpt optOut for the excluded resource; control$ follows per resource', () => {
    const decide: DecisionOperator = (events$) => events$.pipe(map((e) => optIn(e, { except: ['battery-2'] })));
    const { vtn, poll, changes, errors } = setup('partial', { resources, decide });
    vtn.model.createEvent({ eventID: 'e1', start: at(0) });
    poll();
    expect(vtn.recorder.types()).toEqual(expect.arrayContaining(['oadrCreatedEvent', 'oadrCreateOpt']));
    const types = vtn.recorder.types();
    expect(types.indexOf('oadrCreatedEvent')).toBeLessThan(types.indexOf('oadrCreateOpt'));
    expect(vtn.recorder.messages('oadrCreatedEvent')[0]?.eiCreatedEvent.eventResponses?.[0]?.optType).toBe('optIn');
    const opt = vtn.recorder.messages('oadrCreateOpt')[0];
    expect(opt).toMatchObject({ optType: 'optOut', optReason: 'notParticipating', qualifiedEventID: { eventID: 'e1', modificationNumber: 0 }, eiTarget: { resourceID: ['battery-2'] } });
    expect(changes).toEqual(['0.16666666666666666 battery-1 SIMPLE active 1 e1#0']);
    expect(errors).toEqual([]);
  });

  it('a later decision that takes the excluded resource back sends oadrCreateOpt optIn for it (rule 206: keep using opts)', () => {
    const clockForDecisions = createVirtualClock(T0);
    const decide: DecisionOperator = (events$) =>
      events$.pipe(mergeMap((e) => concat(of(optIn(e, { except: ['battery-2'] })), timer(5 * 60_000, clockForDecisions).pipe(map(() => optIn(e))))));
    const { vtn, clock, poll, changes } = setup('partial-back', { resources, decide }, { clock: clockForDecisions });
    vtn.model.createEvent({ eventID: 'e1', start: at(0), duration: 'PT30M' });
    poll();
    clock.advanceTo(at(10));
    expect(vtn.recorder.messages('oadrCreateOpt').map((m) => [m.optType, m.eiTarget.resourceID])).toEqual([
      ['optOut', ['battery-2']],
      ['optIn', ['battery-2']],
    ]);
    expect(changes).toEqual(['0.16666666666666666 battery-1 SIMPLE active 1 e1#0', '5.166666666666667 battery-2 SIMPLE active 1 e1#0']);
  });

  it('a decision with except that comes later than the distribution (within the deadline) still reaches the VTN as oadrCreatedEvent first, then oadrCreateOpt', () => {
    const clockForDecisions = createVirtualClock(T0);
    const decide: DecisionOperator = (events$) => events$.pipe(mergeMap((e) => timer(2_000, clockForDecisions).pipe(map(() => optIn(e, { except: ['battery-2'] })))));
    const { vtn, poll, errors } = setup('partial-late', { resources, decide }, { clock: clockForDecisions });
    vtn.model.createEvent({ eventID: 'e1', start: at(10) });
    poll();
    poll();
    const types = vtn.recorder.types().filter((t) => t === 'oadrCreatedEvent' || t === 'oadrCreateOpt');
    expect(types).toEqual(['oadrCreatedEvent', 'oadrCreateOpt']);
    expect(vtn.recorder.messages('oadrCreatedEvent')[0]?.eiCreatedEvent.eventResponses?.[0]?.optType).toBe('optIn');
    expect(vtn.recorder.messages('oadrCreateOpt')[0]).toMatchObject({ optType: 'optOut', eiTarget: { resourceID: ['battery-2'] } });
    expect(errors).toEqual([]);
  });

  it('an except naming no resource of the VEN is reported on errors$ and sends no opt', () => {
    const decide: DecisionOperator = (events$) => events$.pipe(map((e) => optIn(e, { except: ['nope'] })));
    const { vtn, poll, errors } = setup('partial-unknown', { resources, decide });
    vtn.model.createEvent({ eventID: 'e1', start: at(0) });
    poll();
    expect(vtn.recorder.messages('oadrCreateOpt')).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['decision']);
  });
});

describe('the resources option', () => {
  const transport = createMockVtn().transport();
  it.each([
    [[], /resources must list at least one resource/],
    [[{ resourceID: ' ' }], /every resource needs a non-empty resourceID/],
    [[{ resourceID: 'a' }, { resourceID: 'a' }], /resourceID a is listed twice/],
    [[{ resourceID: 'a', marketContexts: [] }], /resource a: marketContexts must list at least one URI/],
  ])('refuses %j at createVen with a message saying what to change', (resources, message) => {
    expect(() => createVen({ pollPhase: 0, venName: 'v', transport, resources })).toThrow(expect.objectContaining({ name: 'VenError', code: 'config', message: expect.stringMatching(message) }));
  });

  it('derives the rule-48 targets from the resources, merged with targets the user set', () => {
    const options = resolveVenOptions({ venName: 'v', transport, targets: { groupID: ['site'] }, resources: [{ resourceID: 'b1', targets: { groupID: ['north'], endDeviceAsset: ['Storage'] } }, { resourceID: 'b2' }] });
    expect(options.targets).toEqual({ groupID: ['site', 'north'], resourceID: ['b1', 'b2'], endDeviceAsset: ['Storage'] });
    expect(options.venTargets).toEqual({ groupID: ['site'] });
    expect(resolveVenOptions({ venName: 'v', transport }).targets).toBeUndefined();
  });
});
