import { NEVER, concat, map, mergeMap, of, timer, type SchedulerAction, type SchedulerLike } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createMemoryStore, createVen, encodeMessage, optIn, optOut, type DecisionOperator, type EventSnapshot, type VenOptions, type VenState } from '@rxadr/core';
import { authorEvent, createMockVtn, createVirtualClock } from '@rxadr/testing';
import { collect, venTestBench } from './ven-test-bench.js';

const bench = venTestBench();
const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

function setup(name: string, options: Partial<VenOptions> = {}) {
  const clock = createVirtualClock(T0);
  const vtn = createMockVtn({ scheduler: clock });
  const asked: EventSnapshot[] = [];
  const decide: DecisionOperator = (events$) => events$.pipe(map((e) => (asked.push(e), optIn(e))));
  const ven = createVen({ pollPhase: 0, venName: 'ven-under-test', transport: vtn.transport(), scheduler: clock, random: () => 0.5, decide, ...options });
  const snapshots = collect(ven.events$);
  const { errors, poll } = bench.track(name, clock, vtn, ven);
  ven.start();
  vtn.recorder.clear();
  const created = () => vtn.recorder.messages('oadrCreatedEvent').map((m) => m.eiCreatedEvent);
  const responses = () => created().flatMap((c) => c.eventResponses ?? []);
  return { clock, vtn, ven, asked, errors, snapshots, poll, created, responses };
}

describe('events and oadrCreatedEvent (§4.6, §4.8)', () => {
  it('a new event: one decision, one oadrCreatedEvent before the next poll', () => {
    const { vtn, asked, poll, created } = setup('new');
    const id = vtn.model.createEvent({ eventID: 'e1', start: at(60) });
    poll();
    expect(vtn.recorder.types()).toEqual(['oadrPoll', 'oadrCreatedEvent', 'oadrPoll']);
    expect(asked.map((e) => e.eventID)).toEqual([id]);
    const distribution = vtn.model.distribution('VEN-1');
    expect(created()).toEqual([
      {
        eiResponse: { responseCode: '200', responseDescription: 'OK', requestID: '' },
        eventResponses: [{ responseCode: '200', requestID: expect.stringMatching(/^dist-/), qualifiedEventID: { eventID: 'e1', modificationNumber: 0 }, optType: 'optIn' }],
        venID: 'VEN-1',
      },
    ]);
    expect(created()[0]?.eventResponses?.[0]?.requestID).not.toBe(distribution.requestID);
  });

  it('re-delivery of an unchanged event re-sends the stored answer without asking again', () => {
    const { vtn, asked, poll, responses } = setup('unchanged');
    vtn.model.createEvent({ eventID: 'e1', start: at(60) });
    poll();
    vtn.model.distribute({ start: at(60) });
    poll();
    expect(asked).toHaveLength(1);
    expect(responses().map((r) => [r.qualifiedEventID.modificationNumber, r.optType, r.responseCode])).toEqual([
      [0, 'optIn', '200'],
      [0, 'optIn', '200'],
    ]);
  });

  it('a modification asks again; a lower modificationNumber is answered 450 and the stored version kept', () => {
    const { vtn, asked, poll, responses, snapshots } = setup('modification');
    vtn.model.createEvent({ eventID: 'e1', start: at(60) });
    poll();
    vtn.model.modifyEvent('e1', { duration: 'PT2H' });
    poll();
    expect(asked.map((e) => e.modificationNumber)).toEqual([0, 1]);
    const old = authorEvent({ eventID: 'e1', start: at(60) }, 0, new Date(T0));
    vtn.model.enqueue('VEN-1', { message: { ...vtn.model.distribution('VEN-1'), oadrEvent: [old] } });
    poll();
    expect(responses().map((r) => [r.qualifiedEventID.modificationNumber, r.responseCode])).toEqual([
      [0, '200'],
      [1, '200'],
      [0, '450'],
    ]);
    expect(asked).toHaveLength(2);
    expect(snapshots.at(-1)?.modificationNumber).toBe(1);
  });

  it('an explicit cancellation is confirmed with optIn; a cancelled event re-sent with a new one still reaches the user for the new one', () => {
    const { vtn, asked, poll, responses, snapshots } = setup('cancel');
    vtn.model.createEvent({ eventID: 'a', start: at(60) });
    poll();
    vtn.model.cancelEvent('a');
    vtn.model.createEvent({ eventID: 'b', start: at(90) });
    poll();
    expect(asked.map((e) => e.eventID)).toEqual(['a', 'b']);
    expect(responses().map((r) => `${r.qualifiedEventID.eventID}#${r.qualifiedEventID.modificationNumber}:${r.optType}`)).toEqual([
      'a#0:optIn',
      'a#1:optIn', // cancellation confirmed (rule 36)
      'a#1:optIn', // second distribution: still cancelled
      'b#0:optIn',
    ]);
    expect(snapshots.filter((s) => s.eventID === 'a').at(-1)?.status).toBe('cancelled');
  });

  it('an unknown cancelled event is not an error and is answered 200 optIn', () => {
    const { vtn, poll, responses, errors, snapshots } = setup('unknown-cancelled');
    const ghost = authorEvent({ eventID: 'ghost', start: at(60), status: 'cancelled' }, 3, new Date(T0));
    vtn.model.enqueue('VEN-1', { message: { ...vtn.model.distribution('VEN-1'), oadrEvent: [ghost] } });
    poll();
    expect(responses()).toMatchObject([{ responseCode: '200', optType: 'optIn', qualifiedEventID: { eventID: 'ghost', modificationNumber: 3 } }]);
    expect(errors).toEqual([]);
    expect(snapshots).toEqual([]);
  });

  it('sends nothing for `never` events and for events already completed', () => {
    const { vtn, poll, asked } = setup('never-completed');
    vtn.model.createEvent({ eventID: 'quiet', start: at(60), responseRequired: 'never' });
    vtn.model.createEvent({ eventID: 'past', start: at(-120), duration: 'PT1H' });
    poll();
    expect(vtn.recorder.types()).not.toContain('oadrCreatedEvent');
    expect(asked.map((e) => e.eventID)).toEqual(['quiet']);
  });

  it('answers two events with different modification numbers in one message', () => {
    const { vtn, poll, responses } = setup('two-versions');
    vtn.model.createEvent({ eventID: 'a', start: at(60), venIDs: ['nobody'] });
    vtn.model.modifyEvent('a', { venIDs: undefined }, false);
    vtn.model.modifyEvent('a', { duration: 'PT30M' }, false);
    vtn.model.createEvent({ eventID: 'b', start: at(60) });
    poll();
    expect(responses().map((r) => r.qualifiedEventID)).toEqual([
      { eventID: 'a', modificationNumber: 2 },
      { eventID: 'b', modificationNumber: 0 },
    ]);
  });
});

describe('decisions', () => {
  it('an operator that throws for one event opts that event out only', () => {
    const decide: DecisionOperator = (events$) => events$.pipe(map((e) => (e.eventID === 'bad' ? (() => { throw new Error('boom'); })() : optIn(e))));
    const { vtn, poll, responses, errors } = setup('throws', { decide });
    vtn.model.createEvent({ eventID: 'good', start: at(60) });
    vtn.model.modifyEvent('good', {}, false);
    vtn.model.createEvent({ eventID: 'bad', start: at(60) });
    poll();
    const last = responses().slice(-2).map((r) => `${r.qualifiedEventID.eventID}:${r.optType}`);
    expect(last).toEqual(['good:optIn', 'bad:optOut']);
    expect(errors.map((e) => [e.code, e.eventID])).toContainEqual(['decision', 'bad']);
  });

  it('an operator that never answers gets the default at the deadline, for that event only', () => {
    const decide: DecisionOperator = (events$) => events$.pipe(mergeMap((e) => (e.eventID === 'slow' ? NEVER : of(optIn(e)))));
    const { clock, vtn, poll, responses, errors } = setup('deadline', { decide, decisionDeadlineMs: 3_000, defaultDecision: 'optOut' });
    vtn.model.createEvent({ eventID: 'slow', start: at(60) });
    vtn.model.modifyEvent('slow', {}, false);
    vtn.model.createEvent({ eventID: 'fast', start: at(60) });
    vtn.model.vens.get('VEN-1')!.queue.shift(); // one distribution listing both
    poll();
    clock.advanceBy(3_000);
    const created = vtn.recorder.requests.filter((r) => r.message?.type === 'oadrCreatedEvent');
    expect(created.at(-1)?.at.getTime()).toBe(T0 + 13_000);
    expect(responses().slice(-2).map((r) => `${r.qualifiedEventID.eventID}:${r.optType}`)).toEqual(['slow:optOut', 'fast:optIn']);
    expect(errors.map((e) => e.code)).toContain('decision');
  });

  it('without a decision operator, answers the default at once and arms no deadline timer', () => {
    const clock = createVirtualClock(T0);
    const delays: number[] = [];
    const counting: SchedulerLike = {
      now: () => clock.now(),
      schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T) {
        delays.push(delay ?? 0);
        return clock.schedule(work, delay, state);
      },
    };
    const vtn = createMockVtn({ scheduler: clock });
    const ven = createVen({ pollPhase: 0, venName: 'ven-under-test', transport: vtn.transport(), scheduler: counting, random: () => 0.5, decisionDeadlineMs: 123_457, defaultDecision: 'optIn' });
    const { poll } = bench.track('no-operator', clock, vtn, ven);
    ven.start();
    vtn.model.createEvent({ eventID: 'e1', start: at(60) });
    poll();
    const created = vtn.recorder.messages('oadrCreatedEvent').map((m) => m.eiCreatedEvent);
    expect(created.flatMap((c) => c.eventResponses ?? []).map((r) => `${r.qualifiedEventID.eventID}:${r.optType}`)).toEqual(['e1:optIn']);
    expect(delays.length).toBeGreaterThan(0);
    expect(delays).not.toContain(123_457);
  });

  /** The answers each save of the VEN state holds, from a poll that delivers one new event to 5 s after it. */
  const savesOfOneDistribution = (decide: DecisionOperator): string[] => {
    const store = createMemoryStore();
    const saved: VenState[] = [];
    const { clock, vtn, poll } = setup('saves', { decide, store: { journal: store.journal, load: store.load, save: (state) => (saved.push(state), store.save(state)) } });
    clock.advanceBy(9_000);
    const before = saved.length;
    vtn.model.createEvent({ eventID: 'e1', start: at(60) });
    poll();
    clock.advanceBy(5_000);
    return saved.slice(before).map((state) => state.events.map((r) => r.answer?.optType ?? 'undecided').join());
  };

  it('a distribution decided at once is saved once, with its answer', () => {
    expect(savesOfOneDistribution((events$) => events$.pipe(map(optIn)))).toEqual(['optIn']);
  });

  it('a distribution still being decided is saved at once, and again with the answer', () => {
    const decide: DecisionOperator = (events$) => events$.pipe(mergeMap((e) => timer(2_000, bench.clock()).pipe(map(() => optIn(e)))));
    expect(savesOfOneDistribution(decide)).toEqual(['undecided', 'optIn']);
  });

  it('a later change of mind sends a new oadrCreatedEvent for that event, with the same requestID', () => {
    const decide: DecisionOperator = (events$) => events$.pipe(mergeMap((e) => concat(of(optIn(e)), timer(60_000, bench.clock()).pipe(map(() => optOut(e))))));
    const { clock, vtn, poll, created } = setup('change-of-mind', { decide });
    vtn.model.createEvent({ eventID: 'e1', start: at(60) });
    poll();
    clock.advanceBy(60_000);
    const all = created();
    expect(all).toHaveLength(2);
    expect(all[1]?.eventResponses).toEqual([{ responseCode: '200', requestID: all[0]?.eventResponses?.[0]?.requestID, qualifiedEventID: { eventID: 'e1', modificationNumber: 0 }, optType: 'optOut' }]);
  });
});

describe('per-event checks (rule 48, §4.7)', () => {
  it('accepts x- signal names and answers an unknown standard name 460 without sinking the others', () => {
    const { vtn, poll, responses, asked } = setup('signal-names');
    vtn.model.createEvent({ eventID: 'custom', start: at(60), signalName: 'x-custom' });
    vtn.model.modifyEvent('custom', {}, false);
    vtn.model.createEvent({ eventID: 'bogus', start: at(60) });
    vtn.model.vens.get('VEN-1')!.queue.length = 0;
    const xml = encodeMessage(vtn.model.distribution('VEN-1')).replace(/(<ei:eventID>bogus<\/ei:eventID>[\s\S]*?<ei:signalName>)SIMPLE/, '$1BOGUS');
    expect(xml).toContain('BOGUS');
    vtn.model.enqueue('VEN-1', { raw: xml });
    poll();
    expect(responses().map((r) => `${r.qualifiedEventID.eventID}:${r.responseCode}:${r.optType}`)).toEqual(['custom:200:optIn', 'bogus:460:optOut']);
    expect(asked.map((e) => e.eventID)).toEqual(['custom']);
  });

  it('refuses a distribution from another vtnID as a whole with 452', () => {
    const { vtn, poll, created, ven } = setup('vtn-id');
    vtn.model.createEvent({ eventID: 'e1', start: at(60) });
    vtn.model.vens.get('VEN-1')!.queue.length = 0;
    const foreign = { ...vtn.model.distribution('VEN-1'), vtnID: 'OTHER-VTN' };
    vtn.model.enqueue('VEN-1', { message: foreign });
    poll();
    expect(created()).toEqual([{ eiResponse: { responseCode: '452', responseDescription: expect.any(String), requestID: foreign.requestID }, venID: 'VEN-1' }]);
    expect(ven.status.state).toBe('polling');
  });

  it('answers 462 for a market context or target that is not configured', () => {
    const { vtn, poll, responses } = setup('targets', { marketContexts: ['http://mock-vtn.example/programs/default'], targets: { resourceID: ['r1'] } });
    vtn.model.createEvent({ eventID: 'mine', start: at(60), targets: { resourceID: ['r1', 'r9'] } });
    vtn.model.createEvent({ eventID: 'other-resource', start: at(60), targets: { resourceID: ['r9'] } });
    vtn.model.createEvent({ eventID: 'other-program', start: at(60), marketContext: 'http://elsewhere.example/p' });
    vtn.model.vens.get('VEN-1')!.queue.splice(0, 2);
    poll();
    expect(responses().map((r) => `${r.qualifiedEventID.eventID}:${r.responseCode}`)).toEqual(['mine:200', 'other-resource:462', 'other-program:462']);
  });
});

describe('event status on the VEN clock (§4.5)', () => {
  it('implied cancellation of an event missing from a later distribution', () => {
    const { vtn, poll, snapshots } = setup('implied');
    vtn.model.createEvent({ eventID: 'a', start: at(60) });
    vtn.model.createEvent({ eventID: 'b', start: at(60) });
    poll();
    vtn.model.removeEvent('a');
    vtn.model.createEvent({ eventID: 'c', start: at(60) });
    poll();
    const a = snapshots.filter((s) => s.eventID === 'a').at(-1);
    expect(a).toMatchObject({ status: 'cancelled', cancelled: true });
  });

  it('far → near (ramp-up) → active with startafter offset; open-ended; cancel while running stops after a random offset', () => {
    const { clock, vtn, poll, snapshots } = setup('timeline');
    vtn.model.createEvent({ eventID: 'e', start: at(60), duration: 'PT0S', rampUp: 'PT15M', startafter: 'PT10M', intervals: [{ duration: 'PT0S', value: 2 }], testEvent: 'true' });
    poll();
    clock.advanceTo(at(24 * 60));
    const timeline = () => snapshots.filter((s) => s.eventID === 'e').map((s) => `${s.at.toISOString().slice(11, 16)} ${s.status}${s.cancelled ? '*' : ''}`);
    // offset = 0.5 × 10 min = 5 min: start 01:05, near from 00:50; duration 0 = no end.
    expect([...new Set(timeline())]).toEqual(['00:00 far', '00:50 near', '01:05 active']);
    const active = snapshots.filter((s) => s.status === 'active').at(-1)!;
    expect(active).toMatchObject({ testEvent: true, end: undefined, randomOffsetMs: 300_000 });
    expect(active.signals[0]).toMatchObject({ currentInterval: 0, currentValue: 2 });
    vtn.model.cancelEvent('e');
    clock.advanceBy(10_000);
    clock.advanceBy(10 * 60_000);
    expect(timeline().slice(-2)).toEqual(['00:00 active*', '00:05 cancelled*']);
  });
});
