import { encodeMessage, type MessageOf, type OadrMessage } from '@rxadr/core';
import { authorEvent } from '../mock-vtn/event-authoring.js';
import { check, checkEqual, defined } from './scenario-assert.js';
import type { ScenarioHarness } from './scenario-harness.js';
import type { Scenario } from './scenario.js';

const MINUTE = 60_000;

/** One `ei:eventResponse` of an oadrCreatedEvent. */
export type EventResponse = NonNullable<MessageOf<'oadrCreatedEvent'>['eiCreatedEvent']['eventResponses']>[number];
/** An instant `minutes` from the scenario's now, as ISO text. */
export const fromNow = (h: ScenarioHarness, minutes: number): string => new Date(h.clock.now() + minutes * MINUTE).toISOString();

/** Every eventResponse the VEN sent, in order. */
export function eventResponses(h: ScenarioHarness): EventResponse[] {
  return h.sent('oadrCreatedEvent').flatMap((m) => m.eiCreatedEvent.eventResponses ?? []);
}

/** The requestID of the last distribution waiting in the VEN's queue at the VTN. */
export function queuedDistributionID(h: ScenarioHarness): string {
  const queue = h.vtn.model.vens.get(h.venID())?.queue ?? [];
  const last = [...queue].reverse().find((item): item is { message: Extract<OadrMessage, { type: 'oadrDistributeEvent' }> } => 'message' in item && item.message.type === 'oadrDistributeEvent');
  return defined(last, 'a queued oadrDistributeEvent').message.requestID;
}

/** Queues a distribution of exactly these authored events (for versions the model would not send). */
function queueRaw(h: ScenarioHarness, events: ReturnType<typeof authorEvent>[], vtnID = h.vtn.model.vtnID): string {
  const message = { ...h.vtn.model.distribution(h.venID()), vtnID, oadrEvent: events };
  h.vtn.model.enqueue(h.venID(), { message });
  return message.requestID;
}

const lastSnapshot = (h: ScenarioHarness, eventID: string) => [...h.snapshots].reverse().find((s) => s.eventID === eventID);

/** Event scenarios (OPENADR.md §4, rules 19, 30, 56–62). */
export const eventScenarios: readonly Scenario[] = [
  {
    name: 'events.new-event',
    category: 'events',
    checks: 'A new event (rule 56) is answered by one oadrCreatedEvent (§4.8): eiResponse 200 with an empty requestID (rule 42, 25), one eventResponse with the distribution requestID, eventID, modificationNumber 0, code 200, an optType, and the own venID.',
    async run(h) {
      await h.register();
      const eventID = h.vtn.model.createEvent({ start: fromNow(h, 60) });
      const requestID = queuedDistributionID(h);
      await h.polls(1);
      const [created, ...more] = h.sent('oadrCreatedEvent');
      checkEqual(more.length, 0, 'extra oadrCreatedEvent messages');
      const body = defined(created, 'oadrCreatedEvent').eiCreatedEvent;
      checkEqual([body.eiResponse.responseCode, body.eiResponse.requestID], ['200', ''], 'eiResponse code and requestID');
      checkEqual(body.venID, h.venID(), 'venID');
      const [response] = body.eventResponses ?? [];
      const r = defined(response, 'eventResponse');
      checkEqual([r.responseCode, r.requestID, r.qualifiedEventID.eventID, r.qualifiedEventID.modificationNumber], ['200', requestID, eventID, 0], 'eventResponse');
      check(r.optType === 'optIn' || r.optType === 'optOut', 'optType');
      check(h.snapshots.some((s) => s.eventID === eventID), 'the event never appeared on events$');
    },
  },
  {
    name: 'events.modification',
    category: 'events',
    checks: 'A higher modificationNumber replaces the stored event (rule 57) and is answered for the new number.',
    async run(h) {
      await h.register();
      const eventID = h.vtn.model.createEvent({ start: fromNow(h, 60) });
      await h.polls(1);
      h.vtn.model.modifyEvent(eventID, { duration: 'PT2H' });
      await h.polls(1);
      checkEqual(eventResponses(h).map((r) => r.qualifiedEventID.modificationNumber), [0, 1], 'answered modification numbers');
      const snapshot = defined(lastSnapshot(h, eventID), 'snapshot');
      checkEqual(snapshot.modificationNumber, 1, 'stored modificationNumber');
      checkEqual(snapshot.end && snapshot.end.getTime() - snapshot.start.getTime(), 2 * 60 * MINUTE, 'duration of the modified event');
    },
  },
  {
    name: 'events.unchanged-redelivery',
    category: 'events',
    checks: 'The same version delivered again changes nothing but is answered again when oadrResponseRequired is always (rule 62), with the same optType.',
    async run(h) {
      await h.register();
      h.vtn.model.createEvent({ start: fromNow(h, 60) });
      await h.polls(1);
      h.vtn.model.distribute({});
      await h.polls(1);
      const answers = eventResponses(h);
      checkEqual(answers.length, 2, 'answers to two deliveries');
      checkEqual(answers[1]?.optType, answers[0]?.optType, 'optType of the re-delivery');
      checkEqual(answers[1]?.qualifiedEventID.modificationNumber, 0, 'modificationNumber of the re-delivery');
    },
  },
  {
    name: 'events.lower-modification-number',
    category: 'events',
    checks: 'A lower modificationNumber is an error answered with a 4xx for that event, and the stored version is kept (rule 58).',
    async run(h) {
      await h.register();
      const eventID = h.vtn.model.createEvent({ start: fromNow(h, 60) });
      h.vtn.model.modifyEvent(eventID, { duration: 'PT2H' });
      await h.polls(1);
      h.forget();
      queueRaw(h, [authorEvent({ eventID, start: fromNow(h, 60) }, 0, h.clock.date)]);
      await h.polls(1);
      const answer = defined(eventResponses(h)[0], 'answer to the older version');
      check(answer.responseCode.startsWith('4'), `expected a 4xx for an older version, got ${answer.responseCode}`);
      checkEqual(lastSnapshot(h, eventID)?.modificationNumber, 1, 'stored modificationNumber');
    },
  },
  {
    name: 'events.cancelled',
    category: 'events',
    checks: 'A cancelled known event is cancelled on events$ and the cancellation is answered optIn (rules 36, 59).',
    async run(h) {
      await h.register();
      const eventID = h.vtn.model.createEvent({ start: fromNow(h, 60) });
      await h.polls(1);
      h.vtn.model.cancelEvent(eventID);
      await h.polls(1);
      const answer = defined(eventResponses(h).find((r) => r.qualifiedEventID.modificationNumber === 1), 'answer to the cancellation');
      checkEqual([answer.responseCode, answer.optType], ['200', 'optIn'], 'answer to the cancellation');
      checkEqual(lastSnapshot(h, eventID)?.status, 'cancelled', 'status on events$');
    },
  },
  {
    name: 'events.unknown-cancelled',
    category: 'events',
    checks: 'A cancelled event the VEN never knew is ignored without an error but still answered when required (rules 21, 60).',
    async run(h) {
      await h.register();
      queueRaw(h, [authorEvent({ eventID: 'never-seen', start: fromNow(h, 60), status: 'cancelled' }, 2, h.clock.date)]);
      await h.polls(1);
      const answer = defined(eventResponses(h)[0], 'answer to the unknown cancelled event');
      checkEqual(answer.responseCode, '200', 'response code');
      check(!h.snapshots.some((s) => s.eventID === 'never-seen' && s.status !== 'cancelled'), 'an unknown cancelled event was scheduled');
    },
  },
  {
    name: 'events.implied-cancellation',
    category: 'events',
    checks: 'A known event missing from a later oadrDistributeEvent is cancelled (rules 50, 61).',
    async run(h) {
      await h.register();
      const gone = h.vtn.model.createEvent({ start: fromNow(h, 60) });
      await h.polls(1);
      h.vtn.model.removeEvent(gone);
      h.vtn.model.createEvent({ start: fromNow(h, 90) });
      await h.polls(1);
      checkEqual(lastSnapshot(h, gone)?.status, 'cancelled', 'status of the event left out');
    },
  },
  {
    name: 'events.response-never',
    category: 'events',
    checks: 'Events with oadrResponseRequired never get no eventResponse, and a distribution needing none gets no oadrCreatedEvent (rule 62); an empty distribution needs no answer (§4.8).',
    async run(h) {
      await h.register();
      const eventID = h.vtn.model.createEvent({ start: fromNow(h, 60), responseRequired: 'never' });
      await h.polls(1);
      queueRaw(h, []);
      await h.polls(1);
      checkEqual(h.sent('oadrCreatedEvent').length, 0, 'oadrCreatedEvent messages');
      check(h.snapshots.some((s) => s.eventID === eventID), 'the event never appeared on events$');
    },
  },
  {
    name: 'events.status-lifecycle',
    category: 'events',
    checks: 'The VEN computes status on its own clock: far, near from x-eiRampUp, active at dtstart, completed at the end (§4.5, rule 66), and the current interval moves at interval boundaries (§4.3, rule 32).',
    async run(h) {
      await h.register();
      const start = h.clock.now() + 30 * MINUTE;
      const eventID = h.vtn.model.createEvent({
        start: new Date(start).toISOString(),
        duration: 'PT30M',
        rampUp: 'PT10M',
        intervals: [
          { duration: 'PT10M', value: 1 },
          { duration: 'PT10M', value: 2 },
          { duration: 'PT10M', value: 3 },
        ],
      });
      await h.polls(1);
      await h.advance(start + 45 * MINUTE - h.clock.now());
      const mine = h.snapshots.filter((s) => s.eventID === eventID);
      const firstAt = (status: string) => mine.find((s) => s.status === status)?.at.getTime();
      checkEqual([...new Set(mine.map((s) => s.status))], ['far', 'near', 'active', 'completed'], 'statuses in order');
      checkEqual([firstAt('near'), firstAt('active'), firstAt('completed')], [start - 10 * MINUTE, start, start + 30 * MINUTE], 'status change instants');
      const values = mine.filter((s) => s.status === 'active').map((s) => s.signals[0]?.currentValue);
      checkEqual([...new Set(values)], [1, 2, 3], 'current values while active');
    },
  },
  {
    name: 'events.startafter-randomization',
    category: 'events',
    checks: 'With tolerance/startafter the VEN starts at dtstart plus an offset within [0, startafter], and keeps that offset when the event is modified without changing startafter (rule 30).',
    async run(h) {
      await h.register();
      const dtstart = h.clock.now() + 60 * MINUTE;
      const eventID = h.vtn.model.createEvent({ start: new Date(dtstart).toISOString(), startafter: 'PT10M' });
      await h.polls(1);
      const first = defined(lastSnapshot(h, eventID), 'snapshot');
      check(first.randomOffsetMs >= 0 && first.randomOffsetMs <= 10 * MINUTE, `offset ${first.randomOffsetMs} ms outside [0, PT10M]`);
      checkEqual(first.start.getTime(), dtstart + first.randomOffsetMs, 'randomised start');
      h.vtn.model.modifyEvent(eventID, { duration: 'PT2H' });
      await h.polls(1);
      checkEqual(lastSnapshot(h, eventID)?.randomOffsetMs, first.randomOffsetMs, 'offset after a modification');
    },
  },
  {
    name: 'events.per-event-errors',
    category: 'events',
    checks: 'One bad event (unknown signalName) gets a 4xx of its own while the others in the same message are processed normally (rules 19, 25, 48; 460 per [OL]).',
    async run(h) {
      await h.register();
      const good = h.vtn.model.createEvent({ start: fromNow(h, 60) });
      const bad = h.vtn.model.createEvent({ start: fromNow(h, 60) });
      const queue = h.vtn.model.vens.get(h.venID())?.queue;
      if (queue) queue.length = 0;
      const xml = encodeMessage(h.vtn.model.distribution(h.venID())).replace(new RegExp(`(<ei:eventID>${bad}</ei:eventID>[\\s\\S]*?<ei:signalName>)SIMPLE`), '$1NOT_A_SIGNAL');
      h.vtn.model.enqueue(h.venID(), { raw: xml });
      await h.polls(1);
      const created = defined(h.sent('oadrCreatedEvent')[0], 'oadrCreatedEvent').eiCreatedEvent;
      checkEqual(created.eiResponse.responseCode, '200', 'overall code with one bad event (rule 25)');
      const codes = Object.fromEntries((created.eventResponses ?? []).map((r) => [r.qualifiedEventID.eventID, r.responseCode]));
      checkEqual(codes[good], '200', 'code of the good event');
      check(codes[bad]?.startsWith('4') === true, `code of the bad event: ${codes[bad]}`);
      check(h.snapshots.some((s) => s.eventID === good), 'the good event never appeared on events$');
    },
  },
  {
    name: 'events.foreign-vtn',
    category: 'events',
    checks: 'A distribution from another vtnID is refused as a whole: no event is accepted, and any answer carries an error code (§4.7, rule 21).',
    async run(h) {
      await h.register();
      queueRaw(h, [authorEvent({ eventID: 'intruder', start: fromNow(h, 60) }, 0, h.clock.date)], 'SOME-OTHER-VTN');
      await h.polls(1);
      check(!h.snapshots.some((s) => s.eventID === 'intruder'), 'an event from another VTN was accepted');
      for (const m of h.sent('oadrCreatedEvent')) {
        check(m.eiCreatedEvent.eiResponse.responseCode !== '200' || (m.eiCreatedEvent.eventResponses ?? []).every((r) => r.responseCode !== '200'), 'a foreign distribution was answered 200');
      }
    },
  },
];
