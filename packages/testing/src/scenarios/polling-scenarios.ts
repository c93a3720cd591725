import { check, checkEqual } from './scenario-assert.js';
import type { ScenarioHarness } from './scenario-harness.js';
import type { Scenario } from './scenario.js';
import { sentAt } from './registration-scenarios.js';

const MINUTE = 60_000;
const inOneHour = (h: ScenarioHarness): string => new Date(h.clock.now() + 60 * MINUTE).toISOString();

/** Fails unless, after an outage of the poll service, the VEN gets a new event within `withinMs`. */
async function recovers(h: ScenarioHarness, what: string, withinMs = 10 * MINUTE): Promise<void> {
  const eventID = h.vtn.model.createEvent({ start: inOneHour(h) });
  await h.until(`${what}: the VEN learns of an event created after the failure`, () => h.snapshots.some((s) => s.eventID === eventID), withinMs);
}

/** Polling scenarios (OPENADR.md §1.4–§1.6). */
export const pollingScenarios: readonly Scenario[] = [
  {
    name: 'polling.interval',
    category: 'polling',
    checks: 'Polls no more often than oadrRequestedOadrPollFreq and keeps polling at about that pace (§1.6, [XSD] annotation).',
    async run(h) {
      await h.register();
      const every = h.ven.registration?.pollFrequencyMs ?? 10_000;
      await h.advance(6 * every);
      const polls = sentAt(h, 'oadrPoll');
      const gaps = polls.slice(1).map((t, i) => t - (polls[i] ?? t));
      check(polls.length >= 3, `only ${polls.length} polls in six poll intervals`);
      check(gaps.every((g) => g >= every), `polls closer than the requested ${every} ms: ${gaps.join(', ')}`);
    },
  },
  {
    name: 'polling.answers-before-next-poll',
    category: 'polling',
    checks: 'Everything received in a poll answer is answered before the next poll (rule 64): oadrCreatedEvent comes before the following oadrPoll.',
    async run(h) {
      await h.register();
      h.vtn.model.createEvent({ start: inOneHour(h) });
      await h.polls(2);
      const types = h.types();
      const created = types.indexOf('oadrCreatedEvent');
      check(created > 0, `no oadrCreatedEvent; sent ${types.join(', ')}`);
      check(types[created - 1] === 'oadrPoll', 'oadrCreatedEvent must directly answer the poll that brought the event');
    },
  },
  {
    name: 'polling.queue-drained',
    category: 'polling',
    checks: 'Several queued VTN messages are all fetched and each answered before the next poll (§1.6, rule 64).',
    async run(h) {
      await h.register();
      const ids = [h.vtn.model.createEvent({ start: inOneHour(h) }), h.vtn.model.createEvent({ start: inOneHour(h) }), h.vtn.model.createEvent({ start: inOneHour(h) })];
      await h.polls(3);
      checkEqual(h.vtn.model.vens.get(h.venID())?.queue.length ?? 0, 0, 'messages left in the VTN queue after three poll intervals');
      const answered = new Set(h.sent('oadrCreatedEvent').flatMap((m) => m.eiCreatedEvent.eventResponses ?? []).map((r) => r.qualifiedEventID.eventID));
      check(ids.every((id) => answered.has(id)), `not every event answered: ${[...answered].join(', ')}`);
    },
  },
  {
    name: 'polling.empty-body',
    category: 'polling',
    checks: 'An HTTP 200 with an empty body is accepted as "nothing for you" ([OL] sends one, §1.5): the VEN keeps its registration and polls on.',
    async run(h) {
      await h.register();
      h.vtn.faults.failNext('OadrPoll', 2, 'empty');
      await h.polls(3);
      check(h.ven.status.state === 'polling' || h.ven.status.state === 'registered', `status after empty answers: ${h.ven.status.state}`);
      checkEqual(h.sent('oadrCreatePartyRegistration').length, 0, 'registrations caused by an empty answer');
      await recovers(h, 'after empty answers');
    },
  },
  {
    name: 'polling.http-500-recovery',
    category: 'polling',
    checks: 'HTTP 500 on polls means "not delivered": the VEN keeps its state, retries with backoff and resumes (§1.5).',
    async run(h) {
      await h.register();
      h.vtn.faults.failNext('OadrPoll', 3, 'http-500');
      await h.polls(1);
      await recovers(h, 'after three HTTP 500 answers');
      checkEqual(h.sent('oadrCreatePartyRegistration').length, 0, 'registrations caused by HTTP 500 on polls');
    },
  },
  {
    name: 'polling.timeout-recovery',
    category: 'polling',
    checks: 'Polls that time out are retried and the VEN resumes without re-registering (§1.4, §1.5).',
    async run(h) {
      await h.register();
      h.vtn.faults.failNext('OadrPoll', 2, 'timeout');
      await h.polls(1);
      await recovers(h, 'after two timeouts');
    },
  },
  {
    name: 'polling.invalid-document',
    category: 'polling',
    checks: 'A poll answer that is not a valid OpenADR document is reported and survived; the next answers are processed (STYLE.md rule 11, §1.5).',
    async run(h) {
      await h.register();
      h.vtn.model.enqueue(h.venID(), { raw: '<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07"><oadr:nonsense/></oadr:oadrPayload>' });
      h.vtn.model.enqueue(h.venID(), { raw: 'this is not XML' });
      await h.polls(1);
      check(h.errors.length > 0, 'the invalid documents were not reported on errors$');
      await recovers(h, 'after invalid documents');
    },
  },
  {
    name: 'polling.vtn-outage',
    category: 'polling',
    checks: 'A VTN that goes away for ten minutes: the VEN backs off (no hammering), keeps its registration, and picks up the events created meanwhile (§1.5).',
    async run(h) {
      await h.register();
      h.vtn.faults.down();
      await h.advance(10 * MINUTE);
      const attempts = sentAt(h, 'oadrPoll').length;
      const every = h.ven.registration?.pollFrequencyMs ?? 10_000;
      check(attempts <= (10 * MINUTE) / every + 1, `${attempts} polls during a 10-minute outage: more than the poll interval allows`);
      check(h.statuses.some((s) => s.state === 'backoff'), 'status$ should show backoff during the outage');
      h.vtn.faults.up();
      await recovers(h, 'after the outage');
      checkEqual(h.sent('oadrCreatePartyRegistration').length, 0, 'registrations caused by the outage');
    },
  },
];
