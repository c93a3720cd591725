import { concat, map, mergeMap, of, timer, type Subscription } from 'rxjs';
import { optIn, optOut, type ControlValue } from '@rxadr/core';
import { check, checkEqual } from './scenario-assert.js';
import type { EventSpec } from '../mock-vtn/event-authoring.js';
import type { ScenarioHarness } from './scenario-harness.js';
import { eventResponses, fromNow } from './event-scenarios.js';
import { ScenarioSkip, type Scenario } from './scenario.js';

const MINUTE = 60_000;

/** Everything `h.ven.control$` emits from now on (subscribe again after a restart). */
function watch(h: ScenarioHarness): { readonly values: ControlValue[]; readonly sub: Subscription } {
  const values: ControlValue[] = [];
  return { values, sub: h.ven.control$.subscribe((v) => values.push(v)) };
}

/** The scenarios drive control$ with events the VEN takes part in: opt in to everything. */
function optInToAll(h: ScenarioHarness): void {
  h.ven.decide((events$) => events$.pipe(map((e) => optIn(e))));
}

/** Skips when the VEN refused an event of the scenario (its market contexts or targets, rule 48). */
function requireAccepted(h: ScenarioHarness, ...eventIDs: string[]): void {
  for (const eventID of eventIDs) {
    const answer = eventResponses(h).find((r) => r.qualifiedEventID.eventID === eventID);
    if (answer && answer.responseCode !== '200') {
      throw new ScenarioSkip(`the VEN answered event ${eventID} with ${answer.responseCode} (its market contexts or targets exclude the mock VTN's events)`);
    }
  }
}

/** Per key: [ms after `from`, phase, value, eventID] of each emission at or after `from`. */
function timeline(values: readonly ControlValue[], from: number): Map<string, [number, string, number | undefined, string | undefined][]> {
  const byKey = new Map<string, [number, string, number | undefined, string | undefined][]>();
  for (const v of values) {
    if (v.at.getTime() < from) continue;
    byKey.set(v.key, [...(byKey.get(v.key) ?? []), [v.at.getTime() - from, v.phase, v.value, v.event?.eventID]]);
  }
  return byKey;
}

/** Opts in to everything and registers. */
async function begin(h: ScenarioHarness): Promise<void> {
  optInToAll(h);
  await h.register();
}

/** Opts in to everything, registers, and watches control$ from then on. */
async function watching(h: ScenarioHarness): Promise<ReturnType<typeof watch>> {
  await begin(h);
  return watch(h);
}

/** Has the mock VTN publish `events`, moves `polls` poll intervals on and skips unless the VEN took them all. */
async function publish(h: ScenarioHarness, polls: number, ...events: (EventSpec & { readonly eventID: string })[]): Promise<void> {
  for (const event of events) h.vtn.model.createEvent(event);
  await h.polls(polls);
  requireAccepted(h, ...events.map((e) => e.eventID));
}

/** The keys control$ has driven active so far (fails the scenario when none). */
function activeKeys(values: readonly ControlValue[]): string[] {
  const keys = [...new Set(values.filter((v) => v.phase === 'active').map((v) => v.key))];
  check(keys.length > 0, 'the event never became active on control$');
  return keys;
}

/** Checks that every key control$ drove from `from` on went through `expected`; returns the keys. */
function checkTimelines(values: readonly ControlValue[], from: number, expected: readonly [number, string, number | undefined, string | undefined][]): string[] {
  const lines = timeline(values, from);
  check(lines.size > 0, 'control$ never drove a resource for an opted-in event');
  for (const [key, got] of lines) checkEqual(got, expected, `control$ for ${key}`);
  return [...lines.keys()];
}

/** Watching (see `watching`), has a 30-minute event published that starts a minute later, and moves `minutes` on: the watch and the keys it drove active. */
async function oneEventActive(h: ScenarioHarness, eventID: string, minutes: number): Promise<{ readonly w: ReturnType<typeof watch>; readonly keys: string[] }> {
  const w = await watching(h);
  await publish(h, 1, { eventID, start: fromNow(h, 1), duration: 'PT30M' });
  await h.advance(minutes * MINUTE);
  return { w, keys: activeKeys(w.values) };
}

function last(values: readonly ControlValue[], key: string): ControlValue | undefined {
  return [...values].reverse().find((v) => v.key === key);
}

/** Device-control scenarios: `ven.control$`, the value in force per resource and signal (OPENADR.md §4.2–§4.6, rule 18). */
export const controlScenarios: readonly Scenario[] = [
  {
    name: 'control.boundaries',
    category: 'control',
    checks: 'control$ follows an opted-in event on the VEN clock, for every resource it targets: ramp-up at start − x-eiRampUp, each interval at its start (§4.3), recovery at the end for x-eiRecovery, then normal (§4.2).',
    async run(h) {
      const w = await watching(h);
      const rampAt = h.clock.now() + 2 * MINUTE;
      await publish(h, 1, { eventID: 'ctl-steps', start: fromNow(h, 3), duration: 'PT4M', rampUp: 'PT1M', recovery: 'PT1M', intervals: [{ duration: 'PT2M', value: 1 }, { duration: 'PT2M', value: 3 }] });
      await h.advance(8 * MINUTE);
      w.sub.unsubscribe();
      checkTimelines(w.values, rampAt, [
        [0, 'ramp-up', 1, 'ctl-steps'],
        [1 * MINUTE, 'active', 1, 'ctl-steps'],
        [3 * MINUTE, 'active', 3, 'ctl-steps'],
        [5 * MINUTE, 'recovery', 3, 'ctl-steps'],
        [6 * MINUTE, 'normal', undefined, undefined],
      ]);
    },
  },
  {
    name: 'control.priority-overlap',
    category: 'control',
    checks: 'Two events overlap across market contexts: the higher priority (lower number, 0 lowest) wins while both run and names the other as superseded; the first resumes after (rule 18).',
    async run(h) {
      const w = await watching(h);
      const startAt = h.clock.now() + 2 * MINUTE;
      await publish(
        h,
        2,
        { eventID: 'ctl-base', start: fromNow(h, 2), duration: 'PT6M', priority: 2, intervals: [{ duration: 'PT6M', value: 1 }] },
        { eventID: 'ctl-peak', start: fromNow(h, 4), duration: 'PT2M', priority: 1, marketContext: 'http://mock-vtn.example/programs/peak', intervals: [{ duration: 'PT2M', value: 3 }] },
      );
      await h.advance(8 * MINUTE);
      w.sub.unsubscribe();
      const keys = checkTimelines(w.values, startAt, [
        [0, 'active', 1, 'ctl-base'],
        [2 * MINUTE, 'active', 3, 'ctl-peak'],
        [4 * MINUTE, 'active', 1, 'ctl-base'],
        [6 * MINUTE, 'normal', undefined, undefined],
      ]);
      for (const key of keys) {
        const during = w.values.find((v) => v.key === key && v.event?.eventID === 'ctl-peak');
        checkEqual(during?.superseded.map((s) => s.eventID), ['ctl-base'], `superseded while ctl-peak is in force (${key})`);
      }
    },
  },
  {
    name: 'control.cancellation',
    category: 'control',
    checks: 'A cancellation mid-interval (rule 59, no startafter) returns every resource to normal as soon as the VEN receives it, not at the scheduled end.',
    async run(h) {
      const { w, keys } = await oneEventActive(h, 'ctl-cancel', 3);
      h.vtn.model.cancelEvent('ctl-cancel');
      const cancelledAt = h.clock.now();
      await h.until('the cancellation is answered', () => eventResponses(h).some((r) => r.qualifiedEventID.modificationNumber === 1));
      const answeredAt = h.clock.now();
      w.sub.unsubscribe();
      for (const key of keys) {
        const now = last(w.values, key);
        checkEqual(now?.phase, 'normal', `phase of ${key} after the cancellation`);
        check(now !== undefined && now.at.getTime() >= cancelledAt && now.at.getTime() <= answeredAt, `${key} went back to normal at ${now?.at.toISOString()}, not when the cancellation arrived`);
      }
    },
  },
  {
    name: 'control.change-of-mind',
    category: 'control',
    checks: 'Only opted-in events drive resources: an event opted out drives nothing; a later optIn (rule 17) drives the resources at once.',
    async run(h) {
      h.ven.decide((events$) => events$.pipe(mergeMap((e) => concat(of(optOut(e)), timer(5 * MINUTE, h.ctx.scheduler).pipe(map(() => optIn(e)))))));
      await h.register();
      const w = watch(h);
      h.vtn.model.createEvent({ eventID: 'ctl-mind', start: fromNow(h, 1), duration: 'PT30M' });
      await h.polls(1);
      requireAccepted(h, 'ctl-mind');
      const decidedAt = h.clock.now();
      await h.advance(4 * MINUTE);
      checkEqual(w.values.filter((v) => v.phase !== 'normal').length, 0, 'values driven by an opted-out event');
      await h.advance(2 * MINUTE);
      w.sub.unsubscribe();
      const active = w.values.filter((v) => v.phase === 'active');
      check(active.length > 0, 'the optIn did not drive any resource');
      check(active.every((v) => v.at.getTime() - decidedAt <= 5 * MINUTE + 1_000), 'the optIn was followed late');
    },
  },
  {
    name: 'control.registration-lost',
    category: 'control',
    checks: 'When the VTN cancels the registration (§3.1) nothing it sent is in force any more: every resource returns to normal at once.',
    async run(h) {
      const { w, keys } = await oneEventActive(h, 'ctl-reg', 2);
      h.vtn.model.cancelRegistration(h.venID());
      await h.until('the registration is cancelled', () => h.ven.status.state === 'cancelled');
      w.sub.unsubscribe();
      for (const key of keys) checkEqual(last(w.values, key)?.phase, 'normal', `phase of ${key} after the registration ended`);
    },
  },
  {
    name: 'control.test-event',
    category: 'control',
    checks: 'A test event (ei:testEvent other than `false`, rule 6) is answered like any other but drives no resource unless the run says the VEN lets test events drive them (`drivesTestEvents`); a real event after it does.',
    async run(h) {
      const w = await watching(h);
      await publish(
        h,
        1,
        { eventID: 'ctl-test', start: fromNow(h, 1), duration: 'PT3M', testEvent: 'true', intervals: [{ duration: 'PT3M', value: 2 }] },
        { eventID: 'ctl-real', start: fromNow(h, 5), duration: 'PT2M', intervals: [{ duration: 'PT2M', value: 1 }] },
      );
      check(eventResponses(h).some((r) => r.qualifiedEventID.eventID === 'ctl-test'), 'the test event was not answered');
      await h.advance(8 * MINUTE);
      w.sub.unsubscribe();
      const driven = (eventID: string) => w.values.filter((v) => v.phase === 'active' && v.event?.eventID === eventID);
      check(driven('ctl-real').length > 0, 'the real event after the test event never drove a resource');
      if (h.drivesTestEvents) {
        check(driven('ctl-test').length > 0, 'the run says test events drive resources (drivesTestEvents), but the test event drove none');
        check(driven('ctl-test').every((v) => v.value === 2), 'the test event drove a value other than its interval');
      } else {
        checkEqual(driven('ctl-test').map((v) => v.key), [], 'resources driven by a test event (rule 6; set drivesTestEvents when the VEN has includeTestEvents)');
      }
    },
  },
  {
    name: 'control.restart',
    category: 'control',
    needs: ['store'],
    checks: 'A VEN restarted in the middle of an event has the value in force back at once, from its store, before it talks to the VTN (DESIGN.md: state survives a restart).',
    async run(h) {
      await begin(h);
      await publish(h, 1, { eventID: 'ctl-restart', start: fromNow(h, 1), duration: 'PT30M', intervals: [{ duration: 'PT30M', value: 2 }] });
      await h.advance(3 * MINUTE);
      await h.restart();
      const w = watch(h);
      w.sub.unsubscribe();
      const active = w.values.filter((v) => v.phase === 'active');
      check(active.length > 0, 'no value in force right after the restart (pass ctx.store to createVen)');
      check(active.every((v) => v.value === 2 && v.event?.eventID === 'ctl-restart'), 'the restored value is not the event interval');
    },
  },
];
