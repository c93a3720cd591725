import { NEVER, concat, map, mergeMap, of, timer } from 'rxjs';
import { optIn, optOut, type DecisionOperator } from '@rxadr/core';
import { check, checkEqual, defined } from './scenario-assert.js';
import type { Scenario } from './scenario.js';
import { eventResponses, fromNow } from './event-scenarios.js';

const MINUTE = 60_000;

/**
 * Decision scenarios (STYLE.md rule 5; OPENADR.md §4.8, rules 17, 42). Except the first, they
 * replace the VEN's decision operator with `ven.decide(...)` to provoke a failure.
 */
export const decisionScenarios: readonly Scenario[] = [
  {
    name: 'decisions.answer-matches-events',
    category: 'decisions',
    checks: "The optType sent in oadrCreatedEvent is the decision the VEN's operator made, as events$ reports it (§4.8).",
    async run(h) {
      await h.register();
      const eventID = h.vtn.model.createEvent({ start: fromNow(h, 60) });
      await h.polls(1);
      const sent = defined(eventResponses(h).find((r) => r.qualifiedEventID.eventID === eventID), 'eventResponse');
      await h.advance(1_000);
      const seen = [...h.snapshots].reverse().find((s) => s.eventID === eventID);
      checkEqual(seen?.optType, sent.optType, 'optType on events$ and on the wire');
    },
  },
  {
    name: 'decisions.failure-isolated',
    category: 'decisions',
    checks: 'A decision operator that throws for one event costs only that event its decision: it still gets an answer (the default), the others keep theirs, and errors$ reports it (STYLE.md rules 5, 11; rule 19).',
    async run(h) {
      const decide: DecisionOperator = (events$) =>
        events$.pipe(
          map((e) => {
            if (e.eventID === 'faulty') throw new Error('decision logic failed');
            return optIn(e);
          }),
        );
      h.ven.decide(decide);
      await h.register();
      h.vtn.model.createEvent({ eventID: 'healthy', start: fromNow(h, 60) });
      h.vtn.model.createEvent({ eventID: 'faulty', start: fromNow(h, 60) });
      await h.polls(2);
      const last = Object.fromEntries(eventResponses(h).map((r) => [r.qualifiedEventID.eventID, r]));
      checkEqual(last['healthy']?.optType, 'optIn', 'decision for the healthy event');
      check(last['faulty'] !== undefined, 'the event whose decision failed got no answer');
      check(h.errors.some((e) => e.code === 'decision' && e.eventID === 'faulty'), 'errors$ did not report the failed decision');
    },
  },
  {
    name: 'decisions.default-at-deadline',
    category: 'decisions',
    checks: 'An operator that never answers for one event: that event is answered with the default when the decision deadline passes; the other event is answered at once (STYLE.md rule 5).',
    async run(h) {
      h.ven.decide((events$) => events$.pipe(mergeMap((e) => (e.eventID === 'silent' ? NEVER : of(optIn(e))))));
      await h.register();
      h.vtn.model.createEvent({ eventID: 'prompt', start: fromNow(h, 60) });
      h.vtn.model.createEvent({ eventID: 'silent', start: fromNow(h, 60) });
      await h.until('the silent event is answered', () => eventResponses(h).some((r) => r.qualifiedEventID.eventID === 'silent'), 30 * MINUTE);
      check(eventResponses(h).some((r) => r.qualifiedEventID.eventID === 'prompt'), 'the prompt event was not answered');
      check(h.errors.some((e) => e.code === 'decision' && e.eventID === 'silent'), 'errors$ did not report the missed deadline');
    },
  },
  {
    name: 'decisions.change-of-mind',
    category: 'decisions',
    checks: 'A later decision for an acknowledged event sends a new oadrCreatedEvent with the new optType and the same requestID as the first answer (rules 17, 42).',
    async run(h) {
      h.ven.decide((events$) => events$.pipe(mergeMap((e) => concat(of(optIn(e)), timer(5 * MINUTE, h.clock).pipe(map(() => optOut(e)))))));
      await h.register();
      const eventID = h.vtn.model.createEvent({ start: fromNow(h, 60) });
      await h.polls(1);
      await h.advance(6 * MINUTE);
      const mine = eventResponses(h).filter((r) => r.qualifiedEventID.eventID === eventID);
      checkEqual(mine.map((r) => r.optType).slice(0, 2), ['optIn', 'optOut'], 'answers in order');
      checkEqual(mine[1]?.requestID, mine[0]?.requestID, 'requestID of the change of mind');
    },
  },
];
