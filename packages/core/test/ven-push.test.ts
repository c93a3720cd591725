import { map } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createVen, optIn, type Ven, type VenError } from '@rxadr/core';
import { createMockVtn, createSchemaValidator, createVirtualClock, schemaAvailable, type MockVtn, type VirtualClock } from '@rxadr/testing';

/** The engine's push path (OPENADR.md §1.7) through the in-memory push transport, under virtual time. */

let running: { ven: Ven; vtn: MockVtn; clock: VirtualClock } | undefined;

function setup() {
  const clock = createVirtualClock('2026-01-01T00:00:00Z');
  const vtn = createMockVtn({ scheduler: clock, pollFrequency: 'PT1M' });
  const transport = vtn.pushTransport('memory://site-7');
  const ven = createVen({ venName: 'push-ven', transport, scheduler: clock, random: () => 0.5, decide: (events$) => events$.pipe(map(optIn)) });
  const errors: VenError[] = [];
  ven.errors$.subscribe((e) => errors.push(e));
  running = { ven, vtn, clock };
  return { clock, vtn, ven, errors, transport };
}

afterEach(async () => {
  if (!running) return;
  const { ven, vtn, clock } = running;
  running = undefined;
  await ven.stop();
  vtn.close();
  vtn.assertNoPendingExpectations();
  if (schemaAvailable()) {
    const documents = [...vtn.recorder.requests.map((r) => r.xml), ...vtn.recorder.sent.map((d) => d.xml)].filter((xml) => xml !== '');
    await createSchemaValidator().assertValid(Object.fromEntries(documents.map((xml, i) => [`push#${i}`, xml])));
  }
  expect(clock.pending).toBe(0);
});

describe('push mode (§1.7)', () => {
  it('registers with oadrHttpPullModel=false and its address', () => {
    const { vtn, ven } = setup();
    ven.start();
    expect(vtn.recorder.messages('oadrCreatePartyRegistration')[0]).toMatchObject({ oadrHttpPullModel: false, oadrTransportAddress: 'memory://site-7' });
    expect(vtn.model.vens.get('VEN-1')).toMatchObject({ pull: false, transportAddress: 'memory://site-7' });
  });

  it('answers a pushed event with oadrResponse in the exchange, then posts oadrCreatedEvent separately', async () => {
    const { clock, vtn, ven } = setup();
    ven.start();
    vtn.recorder.clear();
    const created = vtn.expect.createdEvent({ eventID: 'e1', optType: 'optIn', modificationNumber: 0, within: 1_000 });
    vtn.model.createEvent({ eventID: 'e1', start: '2026-01-01T01:00:00Z', duration: 'PT1H' });
    clock.advanceBy(0); // push delivery runs on the scheduler, well before the next poll
    await created;
    expect(vtn.recorder.requests.map((r) => `${r.via ?? 'request'}:${r.message?.type}`)).toEqual(['push-answer:oadrResponse', 'request:oadrCreatedEvent']);
    expect(vtn.recorder.sent.filter((d) => d.via === 'push').map((d) => d.service)).toEqual(['EiEvent']);
    expect(vtn.model.vens.get('VEN-1')?.queue).toEqual([]);
  });

  it('handles pushed re-registration and cancellation requests like polled ones (§3.1)', async () => {
    const { clock, vtn, ven } = setup();
    ven.start();
    vtn.recorder.clear();
    // Registrations are paced by the retry policy: one right after the first waits 5 s.
    const again = vtn.expect.registration({ within: 6_000 });
    vtn.model.requestReregistration('VEN-1');
    clock.advanceBy(5_000);
    const registration = await again;
    expect(registration).toMatchObject({ venID: 'VEN-1', registrationID: 'REG-2', oadrHttpPullModel: false });
    const canceled = vtn.expect.message('oadrCanceledPartyRegistration', { within: 1_000 });
    vtn.model.cancelRegistration('VEN-1');
    clock.advanceBy(0);
    expect((await canceled).eiResponse.responseCode).toBe('200');
    expect(ven.status.state).toBe('cancelled');
    expect(vtn.model.vens.has('VEN-1')).toBe(false);
  });

  it('keeps a push the VEN cannot take in the queue; the next poll delivers it', () => {
    const { clock, vtn, ven, transport } = setup();
    ven.start();
    void transport.close?.(); // the VEN's push endpoint goes away
    vtn.model.createEvent({ eventID: 'e2', start: '2026-01-01T01:00:00Z' });
    clock.advanceBy(0);
    expect(vtn.pushFailures).toHaveLength(1);
    expect(vtn.model.vens.get('VEN-1')?.queue).toHaveLength(1);
    clock.advanceBy(60_000);
    expect(vtn.model.vens.get('VEN-1')?.queue).toHaveLength(0);
    expect(vtn.recorder.messages('oadrCreatedEvent')[0]?.eiCreatedEvent.eventResponses?.[0]?.qualifiedEventID.eventID).toBe('e2');
  });
});
