// Testing your own VEN: your decision logic against the in-memory mock VTN under virtual time,
// then the whole scenario pack against your configuration.
import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createVen, optIn, optOut, type DecisionOperator, type VenOptions } from '@rxadr/core';
import { createMockVtn, createVirtualClock } from '@rxadr/testing';
import { describeScenarios } from '@rxadr/testing/vitest';

// The code under test: opt in to SIMPLE level 2 and above.
const decide: DecisionOperator = (events$) => events$.pipe(map((e) => ((e.signals[0]?.intervals[0]?.value ?? 0) >= 2 ? optIn(e) : optOut(e))));
const myOptions: Omit<VenOptions, 'transport'> = { venName: 'my-site', decide };

describe('my VEN', () => {
  it('opts in to high events only', async () => {
    const clock = createVirtualClock('2026-07-01T12:00:00Z');
    const vtn = createMockVtn({ scheduler: clock });
    const ven = createVen({ ...myOptions, transport: vtn.transport(), scheduler: clock });
    ven.start();
    vtn.model.createEvent({ eventID: 'high', start: '2026-07-01T15:00:00Z', intervals: [{ duration: 'PT1H', value: 3 }] });
    vtn.model.createEvent({ eventID: 'low', start: '2026-07-01T15:00:00Z', intervals: [{ duration: 'PT1H', value: 1 }] });
    clock.advanceBy(20_000); // two polls, instantly
    const answers = vtn.recorder.messages('oadrCreatedEvent').flatMap((m) => m.eiCreatedEvent.eventResponses ?? []);
    expect(Object.fromEntries(answers.map((r) => [r.qualifiedEventID.eventID, r.optType]))).toEqual({ high: 'optIn', low: 'optOut' });
    await ven.stop();
    expect(clock.pending).toBe(0);
  });
});

// Run what applies to this VEN: it keeps its state in a store, offers no reports and does not
// sign, so the report and security scenarios are left out (they would only report "skipped").
describeScenarios('my VEN against the scenario pack', {
  usesStore: true,
  skip: ['reports', 'security'],
  makeVen: (ctx) => createVen({ ...myOptions, transport: ctx.transport, scheduler: ctx.scheduler, store: ctx.store }),
});
