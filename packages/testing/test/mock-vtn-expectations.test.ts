import { map } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createVen, optIn, optOut, type Ven } from '@rxadr/core';
import { createMockVtn, createVirtualClock, VtnExpectationError, type MockVtn, type VirtualClock } from '@rxadr/testing';

let running: { ven: Ven; vtn: MockVtn; clock: VirtualClock } | undefined;

function setup(decision: typeof optIn = optIn) {
  const clock = createVirtualClock('2026-01-01T00:00:00Z');
  const vtn = createMockVtn({ scheduler: clock });
  const ven = createVen({ venName: 'v', transport: vtn.transport(), scheduler: clock, random: () => 0.5, decide: (events$) => events$.pipe(map(decision)) });
  running = { ven, vtn, clock };
  return { clock, vtn, ven };
}

afterEach(async () => {
  if (!running) return;
  const { ven, clock } = running;
  running = undefined;
  await ven.stop();
  expect(clock.pending).toBe(0);
});

describe('vtn.expect under virtual time', () => {
  it('resolves with the message once the clock brings it', async () => {
    const { clock, vtn, ven } = setup();
    ven.start();
    const eventID = vtn.model.createEvent({ start: '2026-01-01T01:00:00Z' });
    const answer = vtn.expect.createdEvent({ eventID, optType: 'optIn', within: 30_000 });
    clock.advanceBy(10_000);
    const message = await answer;
    expect(message.eiCreatedEvent.eventResponses?.[0]).toMatchObject({ optType: 'optIn', qualifiedEventID: { eventID, modificationNumber: 0 } });
    vtn.assertNoPendingExpectations();
  });

  it('fails when the clock passes the deadline, saying what arrived instead', async () => {
    const { clock, vtn, ven } = setup(optOut);
    ven.start();
    const eventID = vtn.model.createEvent({ eventID: 'peak', start: '2026-01-01T01:00:00Z' });
    const answer = vtn.expect.createdEvent({ eventID, optType: 'optIn', within: 30_000 });
    clock.advanceBy(29_999);
    let settled = false;
    answer.then(() => (settled = true), () => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    clock.advanceBy(1);
    const error = await answer.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(VtnExpectationError);
    expect(error).toMatchObject({ code: 'timeout' });
    expect((error as Error).message).toMatch(/expected oadrCreatedEvent \{eventID: peak, optType: optIn\} within 30000 ms; arrived instead: .*oadrCreatedEvent\(peak#0 optOut 200\)/);
    expect((error as VtnExpectationError).arrived).toContain('oadrPoll');
  });

  it('matches already recorded messages only with past: true', async () => {
    const { vtn, ven } = setup();
    ven.start();
    await expect(vtn.expect.registration({ past: true, venName: 'v' })).resolves.toMatchObject({ oadrVenName: 'v' });
    const later = vtn.expect.registration({ within: 1_000 });
    expect(() => vtn.assertNoPendingExpectations()).toThrow(/1 expectation\(s\) still pending: oadrCreatePartyRegistration/);
    await expect(later).rejects.toMatchObject({ code: 'unmet' });
    expect(running?.clock.pending).toBe(1); // the VEN's poll timer only: the deadline was dropped
  });
});
