import { check, checkEqual, defined } from './scenario-assert.js';
import type { ScenarioHarness } from './scenario-harness.js';
import type { Scenario } from './scenario.js';

const MINUTE = 60_000;

/** Times (ms) at which requests of `type` were sent. */
export function sentAt(h: ScenarioHarness, type: string): number[] {
  return h.vtn.recorder.requests.filter((r) => r.message?.type === type).map((r) => r.at.getTime());
}

/** Waits for a promise while moving time (the VEN's work may need the clock to run). */
export async function settle<T>(h: ScenarioHarness, promise: Promise<T>, what: string): Promise<T> {
  let done = false;
  const watched = promise.finally(() => (done = true));
  watched.catch(() => undefined);
  await Promise.resolve();
  await h.until(what, () => done, 5 * MINUTE);
  return watched;
}

/** Registration scenarios (OPENADR.md §1.6, §3.1). */
export const registrationScenarios: readonly Scenario[] = [
  {
    name: 'registration.happy-path',
    category: 'registration',
    checks: 'Registers with oadrCreatePartyRegistration (2.0b, simpleHttp, pull, venName, no IDs the first time), syncs events with oadrRequestEvent, then polls with the venID the VTN assigned (§1.6, §3.1).',
    async run(h) {
      h.start();
      await h.until('the VEN polls', () => h.types().includes('oadrPoll'));
      const types = h.types();
      const create = types.indexOf('oadrCreatePartyRegistration');
      check(create >= 0, `no oadrCreatePartyRegistration; sent ${types.join(', ')}`);
      check(types.indexOf('oadrRequestEvent') > create, 'oadrRequestEvent must follow the registration (§1.6)');
      check(types.indexOf('oadrPoll') > create, 'polling must follow the registration (§1.6)');
      const message = defined(h.sent('oadrCreatePartyRegistration')[0], 'oadrCreatePartyRegistration');
      checkEqual(message.oadrProfileName, '2.0b', 'oadrProfileName');
      checkEqual(message.oadrTransportName, 'simpleHttp', 'oadrTransportName');
      check(message.registrationID === undefined, 'a first registration carries no registrationID (§3.1)');
      check((message.oadrVenName ?? '').trim() !== '', 'oadrVenName should name the VEN');
      checkEqual(message.oadrXmlSignature, h.ctx.signing !== undefined, 'oadrXmlSignature (true exactly when signing, §7.3)');
      if (message.oadrHttpPullModel !== false) check(message.oadrTransportAddress === undefined, 'a pull VEN sends no oadrTransportAddress (§1.7)');
      const polls = h.sent('oadrPoll');
      check(polls.every((p) => p.venID === h.venID()), 'oadrPoll must carry the venID the VTN assigned (§3.2)');
    },
  },
  {
    name: 'registration.backoff-while-vtn-down',
    category: 'registration',
    checks: 'A VTN unreachable at start-up is retried with pauses (never more than once a second) and without giving up; once it is back the VEN registers (DESIGN.md; [OL] gives up).',
    async run(h) {
      h.vtn.faults.down();
      h.start();
      await h.advance(3 * MINUTE);
      const attempts = [...sentAt(h, 'oadrQueryRegistration'), ...sentAt(h, 'oadrCreatePartyRegistration')].sort((a, b) => a - b);
      check(attempts.length >= 2, `expected retries while the VTN is down, saw ${attempts.length} attempt(s) in 3 minutes`);
      const instants = [...new Set(attempts)];
      const gaps = instants.slice(1).map((t, i) => t - (instants[i] ?? t));
      check(instants.length >= 2, 'the VEN gave up after its first attempt');
      check(gaps.every((g) => g >= 1_000), `retries closer than 1 s apart: ${gaps.join(', ')} ms`);
      check(h.statuses.some((s) => s.state === 'backoff'), 'status$ should show backoff while the VTN is down');
      h.vtn.faults.up();
      await h.until('the VEN registers once the VTN is back', () => h.ven.status.state === 'polling', 10 * MINUTE);
    },
  },
  {
    name: 'registration.refused-then-accepted',
    category: 'registration',
    checks: 'A registration answered with a code other than 200 (here 463) is not a registration: the VEN sends no oadrPoll and retries until it is accepted (§3.1, §8).',
    async run(h) {
      h.vtn.model.refuseRegistration = '463';
      h.start();
      await h.advance(2 * MINUTE);
      check(h.sent('oadrPoll').length === 0, 'the VEN polled without a registration');
      check(h.sent('oadrCreatePartyRegistration').length >= 2, 'the VEN did not retry the refused registration');
      h.vtn.model.refuseRegistration = undefined;
      await h.until('the VEN registers once accepted', () => h.ven.status.state === 'polling', 10 * MINUTE);
    },
  },
  {
    name: 'registration.reregistration',
    category: 'registration',
    checks: 'oadrRequestReregistration is acknowledged with oadrResponse, then oadrCreatePartyRegistration carries the current venID and registrationID, and the new oadrRequestedOadrPollFreq is honoured (§3.1, §1.6).',
    async run(h) {
      await h.register();
      const venID = h.venID();
      const registrationID = defined(h.ven.registration?.registrationID, 'registrationID');
      h.vtn.model.pollFrequency = 'PT30S';
      h.vtn.model.requestReregistration(venID);
      await h.polls(1);
      await h.until('the VEN registers again', () => h.sent('oadrCreatePartyRegistration').length > 0, 2 * MINUTE);
      const types = h.types();
      check(types.indexOf('oadrResponse') >= 0 && types.indexOf('oadrResponse') < types.indexOf('oadrCreatePartyRegistration'), `expected oadrResponse before the new registration; sent ${types.join(', ')}`);
      const again = defined(h.sent('oadrCreatePartyRegistration')[0], 'oadrCreatePartyRegistration');
      checkEqual([again.venID, again.registrationID], [venID, registrationID], 're-registration venID and registrationID');
      h.forget();
      await h.advance(2 * MINUTE);
      const polls = sentAt(h, 'oadrPoll');
      const gaps = polls.slice(1).map((t, i) => t - (polls[i] ?? t));
      check(polls.length >= 3 && gaps.every((g) => g >= 30_000), `polls should be 30 s apart after re-registration, gaps ${gaps.join(', ')} ms`);
    },
  },
  {
    name: 'registration.cancelled-by-vtn',
    category: 'registration',
    checks: 'oadrCancelPartyRegistration with the own registrationID is answered oadrCanceledPartyRegistration 200 echoing requestID and registrationID; then the VEN stops polling (§3.1).',
    async run(h) {
      await h.register();
      const registrationID = defined(h.ven.registration?.registrationID, 'registrationID');
      h.vtn.model.cancelRegistration(h.venID());
      await h.polls(1);
      const answer = defined(h.sent('oadrCanceledPartyRegistration')[0], 'oadrCanceledPartyRegistration');
      checkEqual([answer.eiResponse.responseCode, answer.registrationID], ['200', registrationID], 'oadrCanceledPartyRegistration code and registrationID');
      check(answer.eiResponse.requestID !== '', 'eiResponse.requestID should echo the cancel request');
      h.forget();
      await h.advance(5 * MINUTE);
      checkEqual(h.sent('oadrPoll').length, 0, 'polls after the VTN cancelled the registration');
    },
  },
  {
    name: 'registration.cancel-with-foreign-id',
    category: 'registration',
    checks: 'oadrCancelPartyRegistration naming another registrationID is answered 452 and the registration is kept (§3.1, §8).',
    async run(h) {
      await h.register();
      h.vtn.model.cancelRegistration(h.venID(), 'SOMEONE-ELSES-REG');
      await h.polls(1);
      const answer = defined(h.sent('oadrCanceledPartyRegistration')[0], 'oadrCanceledPartyRegistration');
      checkEqual(answer.eiResponse.responseCode, '452', 'response code for a foreign registrationID');
      h.forget();
      await h.polls(2);
      check(h.sent('oadrPoll').length >= 1, 'the VEN stopped polling after a cancel that was not for it');
    },
  },
  {
    name: 'registration.cancelled-by-ven',
    category: 'registration',
    checks: 'ven.cancelRegistration() sends oadrCancelPartyRegistration with the registrationID and venID, and polling stops once the VTN confirms (§3.1).',
    async run(h) {
      await h.register();
      const registrationID = defined(h.ven.registration?.registrationID, 'registrationID');
      const venID = h.venID();
      await settle(h, h.ven.cancelRegistration(), 'cancelRegistration()');
      const cancel = defined(h.sent('oadrCancelPartyRegistration')[0], 'oadrCancelPartyRegistration');
      checkEqual([cancel.registrationID, cancel.venID], [registrationID, venID], 'cancel registrationID and venID');
      check(cancel.requestID !== '', 'oadrCancelPartyRegistration needs a requestID');
      h.forget();
      await h.advance(5 * MINUTE);
      checkEqual(h.sent('oadrPoll').length, 0, 'polls after the VEN cancelled');
    },
  },
  {
    name: 'registration.resumes-after-restart',
    category: 'registration',
    needs: ['store'],
    checks: 'A restarted VEN resumes its stored registration: no new registration, same venID, events re-synced (DESIGN.md: state survives a restart).',
    async run(h) {
      await h.register();
      const venID = h.venID();
      await h.restart();
      h.start();
      await h.until('the restarted VEN polls', () => h.sent('oadrPoll').length > 0);
      checkEqual(h.sent('oadrCreatePartyRegistration').length, 0, 'registrations after the restart (pass ctx.store to createVen)');
      check(h.sent('oadrPoll').every((p) => p.venID === venID), 'the restarted VEN polls with its stored venID');
    },
  },
];
