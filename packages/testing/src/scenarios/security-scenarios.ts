import { check, checkEqual, defined } from './scenario-assert.js';
import type { ScenarioHarness } from './scenario-harness.js';
import type { Scenario } from './scenario.js';
import { fromNow } from './event-scenarios.js';

const MINUTE = 60_000;

const controls = (h: ScenarioHarness) => defined(h.vtnSigning, 'VTN signing controls (run with signatures)');

/** Fails unless an answer spoiled by `spoil` is refused: its event never reaches events$, and the VEN recovers. */
async function refusesSpoiledAnswer(h: ScenarioHarness, spoil: () => void, what: string): Promise<void> {
  await h.register();
  spoil();
  const eventID = h.vtn.model.createEvent({ start: fromNow(h, 60) });
  await h.polls(1);
  check(!h.snapshots.some((s) => s.eventID === eventID), `the VEN accepted an event from a ${what} answer`);
  check(!h.sent('oadrCreatedEvent').some((m) => (m.eiCreatedEvent.eventResponses ?? []).some((r) => r.qualifiedEventID.eventID === eventID)), `the VEN answered an event from a ${what} answer`);
  check(h.errors.some((e) => e.code === 'transport'), `errors$ did not report the ${what} answer`);
  // The VTN sends the event again: the VEN must take it now.
  h.vtn.model.distribute({});
  await h.until(`the VEN accepts the event after the ${what} answer`, () => h.snapshots.some((s) => s.eventID === eventID), 10 * MINUTE);
}

/** Security scenarios (OPENADR.md §7.3); they run only with XML signatures. */
export const securityScenarios: readonly Scenario[] = [
  {
    name: 'security.signed-requests',
    category: 'security',
    needs: ['signing'],
    checks: 'Every request is signed (ds:Signature first in oadrPayload, ReplayProtect) and verifies against the VEN certificate; registration announces oadrXmlSignature=true (§7.3).',
    async run(h) {
      h.start();
      await h.until('the VEN polls', () => h.sent('oadrPoll').length > 0, 2 * MINUTE);
      h.vtn.model.createEvent({ start: fromNow(h, 60) });
      await h.polls(1);
      const unsigned = h.vtn.recorder.requests.filter((r) => !/<(?:\w+:)?oadrPayload[^>]*>\s*<(?:\w+:)?Signature[\s>]/.test(r.xml));
      checkEqual(unsigned.map((r) => r.message?.type), [], 'requests without a leading ds:Signature');
      checkEqual(controls(h).refused, 0, 'requests whose signature the VTN refused');
      checkEqual(h.sent('oadrCreatePartyRegistration')[0]?.oadrXmlSignature, true, 'oadrXmlSignature');
      check(h.sent('oadrCreatedEvent').length > 0, 'no signed oadrCreatedEvent was sent');
    },
  },
  {
    name: 'security.tampered-answer-rejected',
    category: 'security',
    needs: ['signing'],
    checks: 'An answer changed after signing fails its digest: the VEN drops it (nothing in it is acted on), reports it and recovers (§7.3, STYLE.md rule 12).',
    run: (h) => refusesSpoiledAnswer(h, () => controls(h).tamperNext(), 'tampered'),
  },
  {
    name: 'security.unsigned-answer-rejected',
    category: 'security',
    needs: ['signing'],
    checks: 'With a trusted VTN configured, an unsigned answer is refused (fail closed, DESIGN.md; [OL] ignores signatures unless a fingerprint is set).',
    run: (h) => refusesSpoiledAnswer(h, () => controls(h).unsignedNext(), 'unsigned'),
  },
  {
    name: 'security.replayed-answer-rejected',
    category: 'security',
    needs: ['signing'],
    checks: 'An answer re-sent byte for byte (same ReplayProtect nonce) is refused as a replay (§7.3).',
    async run(h) {
      await h.register();
      await h.polls(1);
      const before = h.errors.length;
      controls(h).replayNext();
      await h.polls(1);
      const errors = h.errors.slice(before);
      check(errors.some((e) => e.code === 'transport' && /replay|nonce/i.test(`${e.message} ${String((e.cause as Error | undefined)?.message ?? '')}`)), `the replayed answer was not refused: ${errors.map((e) => e.message).join('; ') || 'no error'}`);
      h.forget();
      await h.until('the VEN polls again after the replay', () => h.sent('oadrPoll').length > 0, 10 * MINUTE);
    },
  },
];
