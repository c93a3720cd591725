import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject, map, merge, type Observable } from 'rxjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createFileStore, createMemoryStore, createVen, optIn, type Decision, type EventSnapshot, type LedgerChange, type Transport, type Ven, type VenError, type VenOptions, type VenState, type VenStatus, type VenStore } from '@rxadr/core';
import { createMockVtn, createSchemaCheck, createVirtualClock, type MockVtn, type MockVtnOptions, type VirtualClock } from '@rxadr/testing';

const schema = createSchemaCheck();
const dir = mkdtempSync(join(tmpdir(), 'rxadr-ven-ledger-'));
const running: Ven[] = [];
const vtns: [string, MockVtn][] = [];

afterEach(async () => {
  for (const ven of running.splice(0)) await ven.stop();
  for (const [name, vtn] of vtns.splice(0)) vtn.recorder.requests.forEach((r, i) => schema.add(`${name}#${i}:${r.message?.type ?? '?'}`, r.xml));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  expect(schema.size).toBeGreaterThan(50);
  await schema.assertAllValid();
});

function setup(name: string, vtnOptions: Omit<MockVtnOptions, 'scheduler'> = {}) {
  const clock = createVirtualClock();
  const vtn = createMockVtn({ scheduler: clock, ...vtnOptions });
  vtns.push([name, vtn]);
  return { clock, vtn };
}

function startVen(clock: VirtualClock, transport: Transport, options: Partial<VenOptions> = {}) {
  const errors: VenError[] = [];
  const statuses: VenStatus[] = [];
  const changes: LedgerChange[] = [];
  const snapshots: EventSnapshot[] = [];
  const ven = createVen({ pollPhase: 0, venName: 'ven-under-test', transport, scheduler: clock, random: () => 0.5, decide: (e$) => e$.pipe(map(optIn)), ...options });
  running.push(ven);
  ven.errors$.subscribe((e) => errors.push(e));
  ven.status$.subscribe((s) => statuses.push(s));
  ven.obligations$.subscribe((c) => changes.push(c));
  ven.events$.subscribe((s) => snapshots.push(s));
  ven.start();
  return { ven, errors, statuses, changes, snapshots };
}

const registrations = (vtn: MockVtn) => vtn.recorder.messages('oadrCreatePartyRegistration');

describe('reconciliation when the VTN forgets the VEN', () => {
  it('"asks for re-registration": answers, registers again (the VTN gives new IDs), re-syncs events and polls', () => {
    const { clock, vtn } = setup('forget-rereg', { unknownVen: 'request-reregistration' });
    const { ven, statuses } = startVen(clock, vtn.transport());
    expect(ven.registration).toMatchObject({ venID: 'VEN-1', registrationID: 'REG-2' });
    vtn.model.forgetAll();
    vtn.recorder.clear();
    clock.advanceBy(10_000);
    expect(vtn.recorder.types()).toEqual(['oadrPoll', 'oadrResponse', 'oadrCreatePartyRegistration', 'oadrRequestEvent', 'oadrPoll']);
    // With the held IDs first (§3.1); this VTN registers unknown IDs afresh.
    expect(registrations(vtn)[0]).toMatchObject({ venID: 'VEN-1', registrationID: 'REG-2' });
    const renewed = ven.registration!;
    expect(renewed.venID).not.toBe('VEN-1');
    expect(renewed.registrationID).not.toBe('REG-2');
    expect(vtn.model.vens.has(renewed.venID)).toBe(true);
    expect(vtn.recorder.messages('oadrPoll').at(-1)?.venID).toBe(renewed.venID);
    expect(statuses.at(-1)?.state).toBe('polling');
  });

  it('"answers 463" on a poll, and 463 to the held IDs (as signed VTNs do): registers fresh without them', () => {
    const { clock, vtn } = setup('forget-463', { unknownRegistration: 'answer-463' });
    const { ven, errors } = startVen(clock, vtn.transport());
    vtn.model.forgetAll();
    vtn.recorder.clear();
    clock.advanceBy(10_000);
    expect(vtn.recorder.types()).toEqual(['oadrPoll', 'oadrCreatePartyRegistration', 'oadrQueryRegistration', 'oadrCreatePartyRegistration', 'oadrRequestEvent', 'oadrPoll']);
    const [held, fresh] = registrations(vtn);
    expect(held).toMatchObject({ venID: 'VEN-1', registrationID: 'REG-2' });
    expect(fresh?.venID).toBeUndefined();
    expect(fresh?.registrationID).toBeUndefined();
    expect(ven.registration?.venID).not.toBe('VEN-1');
    expect(vtn.model.vens.has(ven.registration!.venID)).toBe(true);
    expect(errors.map((e) => e.code)).toContain('registration-rejected');
    // And it stays healthy: no more registrations, polls every 10 s.
    vtn.recorder.clear();
    clock.advanceBy(60_000);
    expect(vtn.recorder.types()).toEqual(Array(6).fill('oadrPoll'));
  });

  it.each([
    ['asks for re-registration', { unknownVen: 'request-reregistration' as const }],
    ['answers 463', { unknownRegistration: 'answer-463' as const }],
  ])('a VEN restarted from its state file against a VTN that lost its database (%s) recovers the same way', async (_form, vtnOptions) => {
    const { clock, vtn } = setup(`restart-${_form}`, vtnOptions);
    const path = join(dir, `restart-${_form.replace(/\W/g, '-')}.json`);
    const first = startVen(clock, vtn.transport(), { store: createFileStore(path) });
    vtn.model.createEvent({ eventID: 'e1', start: '2026-01-01T02:00:00Z', duration: 'PT1H' });
    clock.advanceBy(10_000);
    await first.ven.stop();
    vtn.model.forgetAll();
    vtn.recorder.clear();
    const second = startVen(clock, vtn.transport(), { store: createFileStore(path) });
    clock.advanceBy(20_000);
    const venID = second.ven.registration!.venID;
    expect(venID).not.toBe('VEN-1');
    expect(vtn.model.vens.has(venID)).toBe(true);
    const types = vtn.recorder.types();
    expect(types.slice(0, 2)).toEqual(['oadrQueryRegistration', 'oadrRequestEvent']);
    expect(types).toContain('oadrCreatePartyRegistration');
    // After the new registration: events again (the VTN redistributes e1, answered), then polls under the new venID.
    const after = types.slice(types.lastIndexOf('oadrCreatePartyRegistration'));
    expect(after.slice(0, 4)).toEqual(['oadrCreatePartyRegistration', 'oadrRequestEvent', 'oadrCreatedEvent', 'oadrPoll']);
    expect(vtn.recorder.messages('oadrCreatedEvent').at(-1)?.eiCreatedEvent.venID).toBe(venID);
    expect(vtn.recorder.messages('oadrPoll').at(-1)?.venID).toBe(venID);
  });

  it('an oadrQueryRegistration answer that names other IDs than the stored ones starts reconciliation', async () => {
    const { clock, vtn } = setup('query-disagrees');
    const store = createMemoryStore();
    const first = startVen(clock, vtn.transport(), { store });
    await first.ven.stop();
    // The VTN knows this VEN (say by its certificate) under other IDs now (§3.1).
    const inner = vtn.transport();
    const transport: Transport = {
      send: (request) =>
        inner.send(request).pipe(
          map((xml) => (request.body.includes('oadrQueryRegistration') ? xml.replace('<ei:vtnID>', '<ei:registrationID>REG-OTHER</ei:registrationID><ei:venID>VEN-OTHER</ei:venID><ei:vtnID>') : xml)),
        ),
    };
    vtn.recorder.clear();
    const second = startVen(clock, transport, { store });
    clock.advanceBy(1_000);
    expect(vtn.recorder.types().slice(0, 3)).toEqual(['oadrQueryRegistration', 'oadrCreatePartyRegistration', 'oadrRequestEvent']);
    expect(registrations(vtn)[0]).toMatchObject({ venID: 'VEN-1', registrationID: 'REG-2' });
    expect(second.ven.registration).toMatchObject({ venID: 'VEN-1', registrationID: 'REG-2' });
    expect(second.statuses.at(-1)?.state).toBe('polling');
  });

  it('463 in the answer to a direct report answer reconciles too (any exchange)', () => {
    const { clock, vtn } = setup('report-463');
    startVen(clock, vtn.transport());
    vtn.faults.inject({ kind: 'openadr-code', code: '463' }, { service: 'EiReport', type: 'oadrUpdatedReport', times: 1 });
    vtn.model.enqueue('VEN-1', { message: { type: 'oadrUpdateReport', requestID: 'u-1', venID: 'VEN-1' } });
    vtn.recorder.clear();
    clock.advanceBy(10_000);
    expect(vtn.recorder.types()).toEqual(['oadrPoll', 'oadrUpdatedReport', 'oadrCreatePartyRegistration', 'oadrRequestEvent', 'oadrPoll']);
    expect(registrations(vtn)[0]).toMatchObject({ venID: 'VEN-1', registrationID: 'REG-2' });
  });

  it('a 452 about its own venID on an owed message reconciles; the record waits and is sent again after', () => {
    const { clock, vtn } = setup('own-452');
    const { ven, changes } = startVen(clock, vtn.transport());
    vtn.faults.inject({ kind: 'openadr-code', code: '452', description: 'venID VEN-1 unknown' }, { service: 'EiEvent', type: 'oadrCreatedEvent', times: 1 });
    vtn.model.createEvent({ eventID: 'e1', start: '2026-01-01T02:00:00Z' });
    vtn.recorder.clear();
    clock.advanceBy(10_000);
    // The answer refused with 452 waits; the answer to the re-sync (same event) supersedes it and is delivered.
    expect(vtn.recorder.types()).toEqual(['oadrPoll', 'oadrCreatedEvent', 'oadrCreatePartyRegistration', 'oadrRequestEvent', 'oadrCreatedEvent', 'oadrPoll']);
    expect(ven.ledger.pending()).toEqual([]);
    expect(ven.ledger.counters).toMatchObject({ superseded: 1, settled: 1, failed: 0 });
    expect(vtn.model.createdEvents).toHaveLength(1);
    expect(changes.some((c) => c.record.state === 'failed')).toBe(false);
  });
});

describe('owed answers survive failures', () => {
  it.each(['http-500', 'reset', 'timeout'] as const)('an oadrCreatedEvent whose POST fails (%s) is sent again with the same identities', (fault) => {
    const { clock, vtn } = setup(`created-${fault}`);
    const { ven, changes, errors } = startVen(clock, vtn.transport());
    vtn.faults.inject(fault, { service: 'EiEvent', type: 'oadrCreatedEvent', times: 2 });
    vtn.model.createEvent({ eventID: 'e1', start: '2026-01-01T02:00:00Z' });
    clock.advanceBy(10_000);
    const sent = vtn.recorder.messages('oadrCreatedEvent');
    expect(sent).toHaveLength(1);
    expect(ven.ledger.counters).toMatchObject({ pending: 1, retries: 1 });
    clock.advanceBy(5_000); // first retry after 5 s: fails again
    clock.advanceBy(10_000); // second retry after 10 s: delivered
    const all = vtn.recorder.messages('oadrCreatedEvent');
    expect(all).toHaveLength(3);
    expect(all.map((m) => m.eiCreatedEvent)).toEqual(Array(3).fill(all[0]!.eiCreatedEvent));
    expect(all[0]!.eiCreatedEvent.eventResponses?.[0]).toMatchObject({ qualifiedEventID: { eventID: 'e1', modificationNumber: 0 }, optType: 'optIn' });
    expect(vtn.model.createdEvents).toHaveLength(1);
    expect(ven.ledger.counters).toMatchObject({ pending: 0, settled: 1, retries: 2 });
    expect(changes.map((c) => c.record.state)).toEqual(['pending', 'pending', 'pending', 'settled']);
    expect(errors.filter((e) => e.code === 'transport')).toHaveLength(2);
  });

  it('a change of mind supersedes the answer still owed; the VTN gets the newest', () => {
    const { clock, vtn } = setup('change-of-mind');
    const later = new Subject<Decision>();
    const decide = (e$: Observable<EventSnapshot>) => merge(e$.pipe(map(optIn)), later);
    const { ven, changes } = startVen(clock, vtn.transport(), { decide });
    vtn.model.createEvent({ eventID: 'e1', start: '2026-01-01T02:00:00Z' });
    vtn.faults.down();
    clock.advanceBy(10_000); // the poll fails: nothing yet
    vtn.faults.up();
    clock.advanceBy(5_000); // the poll after the backoff delivers e1; the answer then fails
    vtn.faults.inject('http-500', { service: 'EiEvent', type: 'oadrCreatedEvent', times: 1 });
    vtn.model.modifyEvent('e1', {}, true);
    clock.advanceBy(10_000);
    const pendingBefore = ven.ledger.pending();
    expect(pendingBefore.map((r) => r.subject)).toMatchObject([{ eventID: 'e1', modificationNumber: 1 }]);
    later.next({ eventID: 'e1', modificationNumber: 1, optType: 'optOut' });
    expect(changes.some((c) => c.record.id === pendingBefore[0]!.id && c.record.state === 'superseded')).toBe(true);
    clock.advanceBy(10_000);
    const answers = vtn.model.createdEvents.map((m) => m.eiCreatedEvent.eventResponses?.[0]).filter((r) => r?.qualifiedEventID.modificationNumber === 1);
    expect(answers.map((r) => r?.optType)).toEqual(['optOut']);
    expect(ven.ledger.counters).toMatchObject({ pending: 0, superseded: 1 });
  });

  it('a record owed while an exchange is in flight waits for it (no timer spinning in place) and goes first after it', async () => {
    const { clock, vtn } = setup('owed-while-busy');
    const { ven } = startVen(clock, vtn.transport());
    vtn.faults.inject({ kind: 'delay', ms: 5_000 }, { service: 'OadrPoll', times: 1 });
    clock.advanceBy(10_000); // the poll at 10 s is held for 5 s
    const opt = ven.createOpt({ optType: 'optIn', availability: [] });
    expect(vtn.recorder.count('oadrCreateOpt')).toBe(0);
    clock.advanceBy(5_000);
    await expect(opt).resolves.toMatchObject({ status: 'created' });
    expect(vtn.recorder.types().slice(-2)).toEqual(['oadrPoll', 'oadrCreateOpt']);
  });

  it('an opt that fails transiently is retried and resolves; a refusal rejects with the code; 463 reconciles first', async () => {
    const { clock, vtn } = setup('opt-retry');
    const { ven } = startVen(clock, vtn.transport());
    vtn.faults.inject({ kind: 'http-status', status: 503 }, { service: 'EiOpt', times: 1 });
    const created = ven.createOpt({ optType: 'optOut', availability: [{ start: new Date('2026-01-02T00:00:00Z'), duration: 'PT1H' }] });
    expect(ven.ledger.pending().map((r) => r.kind)).toEqual(['create-opt']);
    clock.advanceBy(5_000);
    await expect(created).resolves.toMatchObject({ status: 'created' });
    const sent = vtn.recorder.messages('oadrCreateOpt');
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(sent[0]);

    vtn.faults.inject({ kind: 'openadr-code', code: '463' }, { service: 'EiOpt', times: 1 });
    const afterReconcile = ven.createOpt({ optType: 'optIn', availability: [] });
    clock.advanceBy(6_000);
    await expect(afterReconcile).resolves.toMatchObject({ status: 'created' });
    expect(vtn.recorder.types().filter((t) => t === 'oadrCreatePartyRegistration')).toHaveLength(2);

    vtn.model.optResponseCode = '454';
    await expect(ven.createOpt({ optType: 'optIn', availability: [] })).rejects.toMatchObject({ code: 'opt-rejected', responseCode: '454' });
    expect(ven.ledger.counters.failed).toBe(1);
  });
});

describe('a store of your own without a journal', () => {
  it('keeps the ledger inside the state it saves (version 2) and the next VEN sends what is owed', async () => {
    const { clock, vtn } = setup('user-store');
    let saved: VenState | undefined;
    const store: VenStore = { load: () => saved, save: (state) => void (saved = state) };
    const first = startVen(clock, vtn.transport(), { store });
    vtn.faults.inject('http-500', { service: 'EiEvent', type: 'oadrCreatedEvent', forMs: 60_000 });
    vtn.model.createEvent({ eventID: 'e1', start: '2026-01-01T02:00:00Z' });
    clock.advanceBy(10_000);
    await first.ven.stop();
    expect(saved?.version).toBe(2);
    expect(saved?.ledger?.map(([, value]) => (value as { kind?: string }).kind)).toContain('created-event');
    const owed = vtn.recorder.messages('oadrCreatedEvent')[0];
    vtn.faults.clear();
    vtn.recorder.clear();
    clock.advanceBy(5_000); // the owed answer's next attempt is due when the next VEN starts: it goes first
    const second = startVen(clock, vtn.transport(), { store });
    clock.advanceBy(1_000);
    expect(vtn.recorder.types()[0]).toBe('oadrCreatedEvent');
    expect(vtn.recorder.messages('oadrCreatedEvent')[0]).toEqual(owed);
    // Counters survive in the state: the retry before the restart; the owed answer and the re-sync's answer settled.
    expect(second.ven.ledger.counters).toMatchObject({ pending: 0, settled: 2, retries: 1 });
  });
});

describe('polling and draining', () => {
  it('drains a 300-message queue without growing the stack, answering each, and stop() resolves', async () => {
    const { clock, vtn } = setup('drain-300');
    const { ven, errors } = startVen(clock, vtn.transport(), { maxImmediatePolls: 1_000 });
    for (let i = 0; i < 300; i++) vtn.model.enqueue('VEN-1', { message: { type: 'oadrUpdateReport', requestID: `u-${i}`, venID: 'VEN-1' } });
    vtn.recorder.clear();
    clock.advanceBy(10_000);
    expect(vtn.recorder.count('oadrUpdatedReport')).toBe(300);
    expect(vtn.model.vens.get('VEN-1')?.queue).toHaveLength(0);
    expect(errors).toEqual([]);
    await ven.stop();
    expect(ven.status.state).toBe('stopped');
  });

  it('sends 300 owed records in one go after an outage, in order, and stop() resolves', async () => {
    const { clock, vtn } = setup('owed-300');
    const { ven } = startVen(clock, vtn.transport(), { maxImmediatePolls: 1_000 });
    vtn.faults.inject('reset', { service: 'EiEvent', type: 'oadrCreatedEvent', forMs: 10_000 });
    for (let i = 0; i < 300; i++) vtn.model.enqueue('VEN-1', { message: vtn.model.distribution('VEN-1') });
    // Each distribution (no events) needs no answer; owe 300 answers through the opt path instead.
    for (let i = 0; i < 300; i++) void ven.createOpt({ optType: 'optIn', availability: [] }).catch(() => undefined);
    expect(ven.ledger.counters.pending).toBe(0); // delivered at once: EiOpt is up
    vtn.faults.down();
    const owed = Array.from({ length: 300 }, () => ven.createOpt({ optType: 'optIn', availability: [] }));
    clock.advanceBy(1_000);
    expect(ven.ledger.counters.pending).toBe(300);
    vtn.faults.up();
    vtn.recorder.clear();
    clock.advanceBy(10_000);
    await Promise.all(owed);
    expect(vtn.recorder.count('oadrCreateOpt')).toBe(300);
    const optIDs = vtn.recorder.messages('oadrCreateOpt').map((m) => Number(m.optID.replace(/\D/g, '')));
    expect(optIDs).toEqual([...optIDs].sort((a, b) => a - b));
    await ven.stop();
  });

  it('re-polls at once at most maxImmediatePolls times in a row, then waits for the poll frequency', () => {
    const { clock, vtn } = setup('poll-bound');
    startVen(clock, vtn.transport(), { maxImmediatePolls: 3 });
    for (let i = 0; i < 20; i++) vtn.model.enqueue('VEN-1', { message: { type: 'oadrUpdateReport', requestID: `u-${i}`, venID: 'VEN-1' } });
    vtn.recorder.clear();
    clock.advanceBy(30_000);
    const perSecond = new Map<number, number>();
    for (const r of vtn.recorder.requests) if (r.message?.type === 'oadrPoll') perSecond.set(Math.floor((r.at.getTime() - clock.epoch) / 1_000), (perSecond.get(Math.floor((r.at.getTime() - clock.epoch) / 1_000)) ?? 0) + 1);
    expect([...perSecond]).toEqual([
      [10, 4],
      [20, 4],
      [30, 4],
    ]);
  });

  it('answers of the wrong type never re-poll at once: one poll per poll period', () => {
    const { clock, vtn } = setup('wrong-type');
    const { errors } = startVen(clock, vtn.transport());
    for (let i = 0; i < 50; i++) vtn.model.enqueue('VEN-1', { message: { type: 'oadrCreatedEvent', eiCreatedEvent: { eiResponse: { responseCode: '200', requestID: '' }, venID: 'VEN-1' } } });
    vtn.recorder.clear();
    clock.advanceBy(60_000);
    expect(vtn.recorder.count('oadrPoll')).toBe(6);
    expect(errors.filter((e) => e.code === 'unexpected-message')).toHaveLength(6);
  });

  it('a VTN that asks for re-registration on every poll gets an answer each time but registrations paced by the retry policy', () => {
    const { clock, vtn } = setup('rereg-storm');
    startVen(clock, vtn.transport(), { defaultPollFrequencyMs: 1_000 });
    vtn.model.pollFrequency = 'PT1S';
    const storm = vtn.model.onEnqueue(() => undefined);
    for (let i = 0; i < 2_000; i++) vtn.model.requestReregistration('VEN-1');
    vtn.recorder.clear();
    clock.advanceBy(60_000);
    storm();
    const at = (type: string) => vtn.recorder.requests.filter((r) => r.message?.type === type).map((r) => (r.at.getTime() - clock.epoch) / 1_000);
    // The first right after the poll at 10 s (the previous registration is 10 s old), then 10 s, 20 s later.
    expect(at('oadrCreatePartyRegistration')).toEqual([10, 20, 40]);
    const acks = vtn.recorder.messages('oadrResponse').length;
    expect(acks).toBe(at('oadrPoll').length);
    for (let second = 0; second < 60; second++) expect(at('oadrCreatePartyRegistration').filter((s) => Math.floor(s) === second).length).toBeLessThanOrEqual(1);
  });

  it('spreads the first registration by startJitterMs with the injected random source', () => {
    const { clock, vtn } = setup('start-jitter');
    startVen(clock, vtn.transport(), { startJitterMs: 30_000, random: () => 0.25 });
    expect(vtn.recorder.count()).toBe(0);
    clock.advanceBy(7_499);
    expect(vtn.recorder.count()).toBe(0);
    clock.advanceBy(1);
    expect(vtn.recorder.types().slice(0, 2)).toEqual(['oadrQueryRegistration', 'oadrCreatePartyRegistration']);
  });
});

describe('cancellation and lifecycle', () => {
  it('after the VTN cancels the registration: answers, emits cancelled for every event, stops polling, waits for register()', () => {
    const { clock, vtn } = setup('vtn-cancel');
    const { ven, snapshots } = startVen(clock, vtn.transport());
    vtn.model.createEvent({ eventID: 'e1', start: '2026-01-01T00:00:30Z', duration: 'PT1H' });
    clock.advanceBy(60_000);
    expect(snapshots.at(-1)).toMatchObject({ eventID: 'e1', status: 'active' });
    vtn.model.cancelRegistration('VEN-1');
    clock.advanceBy(10_000);
    expect(vtn.recorder.messages('oadrCanceledPartyRegistration')[0]?.eiResponse.responseCode).toBe('200');
    expect(ven.status).toEqual({ state: 'cancelled', by: 'vtn' });
    expect(snapshots.at(-1)).toMatchObject({ eventID: 'e1', status: 'cancelled' });
    vtn.recorder.clear();
    clock.advanceBy(600_000);
    expect(vtn.recorder.count()).toBe(0);
    ven.register();
    clock.advanceBy(10_000);
    expect(vtn.recorder.types().slice(0, 3)).toEqual(['oadrQueryRegistration', 'oadrCreatePartyRegistration', 'oadrRequestEvent']);
    expect(ven.status.state).toBe('polling');
  });

  it('an oadrCanceledPartyRegistration that fails is sent again although the VEN no longer polls', () => {
    const { clock, vtn } = setup('canceled-retry');
    const { ven } = startVen(clock, vtn.transport());
    vtn.faults.inject('http-500', { service: 'EiRegisterParty', type: 'oadrCanceledPartyRegistration', times: 1 });
    vtn.model.cancelRegistration('VEN-1');
    clock.advanceBy(10_000);
    expect(ven.status.state).toBe('cancelled');
    expect(vtn.model.vens.has('VEN-1')).toBe(true);
    clock.advanceBy(5_000);
    expect(vtn.recorder.count('oadrCanceledPartyRegistration')).toBe(2);
    expect(vtn.model.vens.has('VEN-1')).toBe(false);
    expect(vtn.recorder.count('oadrPoll')).toBe(2);
  });

  it('stop() resolves within stopTimeoutMs while an exchange hangs, saves the ledger and closes the transport', async () => {
    const { clock, vtn } = setup('stop-bound');
    let closed = 0;
    const inner = vtn.transport();
    const transport: Transport = { send: (request) => inner.send(request), close: async () => void (closed += 1) };
    const store = createMemoryStore();
    const { ven } = startVen(clock, transport, { store, stopTimeoutMs: 2_000 });
    vtn.faults.inject({ kind: 'delay', ms: 3_600_000 }, { service: 'EiOpt', times: 1 });
    const opt = ven.createOpt({ optType: 'optIn', availability: [] });
    let stopped = false;
    const stopping = ven.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    clock.advanceBy(2_000);
    await stopping;
    await expect(opt).rejects.toMatchObject({ code: 'stopped' });
    expect(closed).toBe(1);
    // The opt is still owed, in the store's journal: the next VEN sends it.
    expect([...store.journal.entries.values()].some((v) => (v as { kind?: string }).kind === 'create-opt')).toBe(true);
    vtn.faults.clear();
    const next = startVen(clock, vtn.transport(), { store });
    clock.advanceBy(1_000);
    expect(next.ven.ledger.counters).toMatchObject({ pending: 0, settled: 1 });
    const [before, after] = vtn.recorder.messages('oadrCreateOpt');
    expect(after).toEqual(before);
  });
});
