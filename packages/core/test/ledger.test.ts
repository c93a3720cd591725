import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  COUNTERS_ENTRY,
  DEFAULT_RETRY_POLICY,
  createFileJournal,
  createFileStore,
  createLedger,
  createMemoryJournal,
  createMemoryStore,
  type LedgerChange,
  type NewObligation,
  type OadrMessage,
} from '@rxadr/core';
import { createVirtualClock } from '@rxadr/testing';

const dir = mkdtempSync(join(tmpdir(), 'rxadr-ledger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const created = (eventID: string, modificationNumber: number, optType: 'optIn' | 'optOut' = 'optIn'): OadrMessage => ({
  type: 'oadrCreatedEvent',
  eiCreatedEvent: {
    eiResponse: { responseCode: '200', responseDescription: 'OK', requestID: '' },
    eventResponses: [{ responseCode: '200', requestID: `dist-${eventID}`, qualifiedEventID: { eventID, modificationNumber }, optType }],
    venID: 'VEN-1',
  },
});
const eventAnswer = (eventID: string, modificationNumber = 0, optType: 'optIn' | 'optOut' = 'optIn'): NewObligation => ({
  kind: 'created-event',
  key: `event:${eventID}`,
  subject: { eventID, modificationNumber },
  message: created(eventID, modificationNumber, optType),
  expects: 'oadrResponse',
});
const delivery = (n: number, intervals = 1): NewObligation => ({
  kind: 'report-delivery',
  key: `delivery:${n}`,
  subject: { reportRequestID: 'RR-1', fromMs: n * 60_000, toMs: (n + 1) * 60_000, intervals },
  message: { type: 'oadrUpdateReport', requestID: `upd-${n}`, venID: 'VEN-1' },
  expects: 'oadrUpdatedReport',
});
const transient = { kind: 'transient', reason: 'HTTP 503' } as const;

function setup(options: Partial<Parameters<typeof createLedger>[0]> = {}) {
  const clock = createVirtualClock('2026-01-01T00:00:00Z');
  const ledger = createLedger({ scheduler: clock, policy: DEFAULT_RETRY_POLICY, random: () => 0.5, ...options });
  const changes: LedgerChange[] = [];
  ledger.changes$.subscribe((c) => changes.push(c));
  return { clock, ledger, changes };
}

describe('the obligations ledger', () => {
  it('supersedes an older pending record for the same key, and counts it', () => {
    const { ledger, changes } = setup();
    const first = ledger.add(eventAnswer('E1', 0, 'optIn'));
    const other = ledger.add(eventAnswer('E2'));
    const second = ledger.add(eventAnswer('E1', 0, 'optOut'));
    expect(ledger.pending().map((r) => r.id)).toEqual([other.id, second.id]);
    expect(changes.find((c) => c.record.id === first.id && c.record.state === 'superseded')?.previous).toBe('pending');
    expect(ledger.get(first.id)).toBeUndefined();
    expect(ledger.counters).toMatchObject({ pending: 2, superseded: 1 });
    // The superseded record's late answer changes nothing.
    expect(ledger.applyVerdict(first.id, { kind: 'settled', answer: undefined })).toBeUndefined();
    expect(ledger.counters.settled).toBe(0);
  });

  it('hands out pending records in insertion order, holds back those that need a registration, and keeps deliveries in order', () => {
    const { clock, ledger } = setup();
    const d1 = ledger.add(delivery(1));
    const d2 = ledger.add(delivery(2));
    const answer = ledger.add({ ...eventAnswer('E1'), kind: 'canceled-party-registration', key: 'cpr', expects: 'oadrResponse' });
    expect(answer.needsRegistration).toBe(false);
    expect(ledger.due(clock.now(), false)?.id).toBe(answer.id);
    expect(ledger.due(clock.now(), true)?.id).toBe(d1.id);
    // d1 fails and waits 5 s: d2 must not overtake it.
    ledger.applyVerdict(d1.id, transient);
    ledger.applyVerdict(answer.id, { kind: 'settled', answer: undefined });
    expect(ledger.due(clock.now(), true)).toBeUndefined();
    expect(ledger.nextDue(true)).toBe(clock.now() + 5_000);
    expect(ledger.nextDue(false)).toBeUndefined();
    clock.advanceBy(5_000);
    expect(ledger.due(clock.now(), true)?.id).toBe(d1.id);
    ledger.applyVerdict(d1.id, { kind: 'settled', answer: undefined });
    expect(ledger.due(clock.now(), true)?.id).toBe(d2.id);
  });

  it('backs off with the retry policy and the injected random; reconcile waits without counting a retry; terminal fails', () => {
    const randoms = [0, 0.999, 0.5];
    const { clock, ledger } = setup({ random: () => randoms.shift() ?? 0.5, policy: { initialMs: 1_000, factor: 2, maxMs: 3_000, jitter: 0.5 } });
    const record = ledger.add({ ...eventAnswer('E1'), id: 'fixed' });
    const t0 = clock.now();
    expect(ledger.applyVerdict('fixed', transient)).toMatchObject({ attempts: 1, nextAttemptAt: t0 + 500, state: 'pending' }); // 1000 − 50 %
    expect(ledger.applyVerdict('fixed', transient)?.nextAttemptAt).toBe(t0 + 2_998); // 2000 + ~50 %, at most maxMs
    expect(ledger.applyVerdict('fixed', transient)?.nextAttemptAt).toBe(t0 + 3_000); // 4000 capped
    expect(ledger.counters.retries).toBe(3);
    const waiting = ledger.applyVerdict('fixed', { kind: 'reconcile', reason: 'the VTN answered 463', responseCode: '463' });
    expect(waiting).toMatchObject({ state: 'pending', lastError: { responseCode: '463' } });
    expect(ledger.counters).toMatchObject({ retries: 3, failed: 0 });
    ledger.rescheduleAll(t0 + 10);
    expect(ledger.get(record.id)?.nextAttemptAt).toBe(t0 + 10);
    const failed = ledger.applyVerdict('fixed', { kind: 'terminal', reason: 'refused', responseCode: '454' });
    expect(failed).toMatchObject({ state: 'failed', attempts: 5, lastError: { responseCode: '454' } });
    expect(ledger.counters).toMatchObject({ pending: 0, failed: 1 });
  });

  it('drops the oldest report deliveries, and only deliveries, when a bound is hit, counting intervals', () => {
    const { ledger, changes } = setup({ bounds: { maxRecords: 3 } });
    const e1 = ledger.add(eventAnswer('E1'));
    const d1 = ledger.add(delivery(1, 4));
    const d2 = ledger.add(delivery(2, 2));
    ledger.add(delivery(3));
    expect(ledger.pending().map((r) => r.key)).toEqual(['event:E1', 'delivery:2', 'delivery:3']);
    expect(ledger.counters.droppedOverflow).toBe(4);
    expect(changes.find((c) => c.record.id === d1.id && c.previous === 'pending')?.record.state).toBe('dropped');
    // Other kinds are never dropped: they may exceed the bound.
    ledger.add(eventAnswer('E2'));
    ledger.add(eventAnswer('E3'));
    ledger.add(eventAnswer('E4'));
    expect(ledger.pending().map((r) => r.key)).toEqual(['event:E1', 'event:E2', 'event:E3', 'event:E4']);
    expect(ledger.counters.droppedOverflow).toBe(4 + 2 + 1);
    expect(ledger.get(e1.id)).toBeDefined();
    expect(ledger.get(d2.id)).toBeUndefined();
  });

  it('keeps within the byte bound by dropping deliveries', () => {
    const { ledger } = setup({ bounds: { maxBytes: 2_000 } });
    for (let n = 0; n < 20; n++) ledger.add(delivery(n));
    const bytes = ledger.pending().reduce((sum, r) => sum + r.bytes, 0);
    expect(bytes).toBeLessThanOrEqual(2_000);
    expect(ledger.counters.droppedOverflow).toBe(20 - ledger.pending().length);
    expect(ledger.pending().at(-1)?.key).toBe('delivery:19');
  });

  it('sizes each record within 10 % of the length of its stored JSON, small or large', () => {
    const journal = createMemoryJournal();
    const { ledger } = setup({ journal });
    const many: OadrMessage = {
      type: 'oadrCreatedEvent',
      eiCreatedEvent: {
        eiResponse: { responseCode: '200', responseDescription: 'OK', requestID: '' },
        eventResponses: Array.from({ length: 200 }, (_, i) => ({
          responseCode: '200',
          responseDescription: 'OK',
          requestID: `dist-${i}`,
          qualifiedEventID: { eventID: `event-${i}`, modificationNumber: i },
          optType: i % 2 === 0 ? ('optIn' as const) : ('optOut' as const),
        })),
        venID: 'VEN-1',
      },
    };
    const records = [ledger.add(eventAnswer('E1')), ledger.add(delivery(1, 3)), ledger.add({ ...eventAnswer('E2'), message: many })];
    for (const record of records) {
      const stored = JSON.stringify(journal.entries.get(record.id)).length;
      expect(Math.abs(record.bytes - stored) / stored).toBeLessThanOrEqual(0.1);
    }
    expect(records[2]!.bytes).toBeGreaterThan(20 * records[0]!.bytes);
  });

  it('drops the deliveries of an ended request as request-ended', () => {
    const { ledger } = setup();
    ledger.add(delivery(1, 3));
    ledger.add(eventAnswer('E1'));
    const dropped = ledger.drop((r) => r.subject.reportRequestID === 'RR-1', 'request-ended');
    expect(dropped.map((r) => r.state)).toEqual(['dropped']);
    expect(ledger.counters).toMatchObject({ pending: 1, droppedRequestEnded: 3, droppedOverflow: 0 });
  });

  it('takes deliveries back as superseded, not as dropped data', () => {
    const { ledger } = setup();
    ledger.add(delivery(1, 3));
    ledger.add(eventAnswer('E1'));
    const taken = ledger.drop((r) => r.kind === 'report-delivery', 'taken-back');
    expect(taken.map((r) => r.state)).toEqual(['superseded']);
    expect(ledger.counters).toMatchObject({ pending: 1, superseded: 1, droppedRequestEnded: 0, droppedOverflow: 0 });
  });

  it('emits counters first and after every change; keeps no history of ended records', () => {
    const { ledger } = setup();
    const seen: number[] = [];
    ledger.counters$.subscribe((c) => seen.push(c.pending));
    const r = ledger.add(eventAnswer('E1'));
    ledger.applyVerdict(r.id, { kind: 'settled', answer: undefined });
    expect(seen).toEqual([0, 1, 0]);
    expect(ledger.pending()).toEqual([]);
  });
});

describe('ledger persistence', () => {
  it('round-trips through a journal: pending records with their messages, identities and counters; settled ones gone', () => {
    const journal = createMemoryJournal();
    const { clock, ledger } = setup({ journal });
    const kept = ledger.add(eventAnswer('E1', 3));
    const gone = ledger.add(eventAnswer('E2'));
    ledger.applyVerdict(kept.id, transient);
    ledger.applyVerdict(gone.id, { kind: 'settled', answer: undefined });
    const again = createLedger({ scheduler: clock, policy: DEFAULT_RETRY_POLICY, random: () => 0.5, journal });
    expect(again.pending()).toHaveLength(1);
    const restored = again.pending()[0]!;
    expect(restored).toMatchObject({ id: kept.id, attempts: 1, key: 'event:E1', subject: { eventID: 'E1', modificationNumber: 3 } });
    expect(restored.message).toEqual(kept.message);
    expect(again.counters).toMatchObject({ pending: 1, settled: 1, retries: 1 });
  });

  it('appends one line per change to a file, compacts past twice the live bytes, and restores the same records', () => {
    const path = join(dir, 'compact.ledger');
    const journal = createFileJournal(path, { compactMinBytes: 4_096 });
    const { clock, ledger } = setup({ journal });
    const sizes: number[] = [];
    for (let n = 0; n < 200; n++) {
      const r = ledger.add(delivery(n));
      if (n % 10 !== 0) ledger.applyVerdict(r.id, { kind: 'settled', answer: undefined });
      sizes.push(statSync(path).size);
    }
    // Twenty live records; the file stays within a small multiple of what they take.
    const live = ledger.pending();
    expect(live).toHaveLength(20);
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean).length;
    expect(lines).toBeLessThan(200);
    expect(Math.max(...sizes)).toBeLessThan(4_096 + 2 * 20 * 1_000);
    expect(sizes.some((size, i) => i > 0 && size < sizes[i - 1]!)).toBe(true); // a compaction happened
    journal.close?.();
    const again = createLedger({ scheduler: clock, policy: DEFAULT_RETRY_POLICY, random: () => 0.5, journal: createFileJournal(path) });
    expect(again.pending().map((r) => r.id)).toEqual(live.map((r) => r.id));
    expect(again.counters.settled).toBe(180);
  });

  it('ignores a torn last line (kill -9 in the middle of a write) and keeps appending cleanly', () => {
    const path = join(dir, 'torn.ledger');
    const journal = createFileJournal(path);
    const { clock, ledger } = setup({ journal });
    const r = ledger.add(eventAnswer('E1'));
    journal.close?.();
    appendFileSync(path, '{"op":"put","id":"ob-torn","value":{"id":"ob-tor');
    const reopened = createFileJournal(path);
    const again = createLedger({ scheduler: clock, policy: DEFAULT_RETRY_POLICY, random: () => 0.5, journal: reopened });
    expect(again.pending().map((p) => p.id)).toEqual([r.id]);
    again.add(eventAnswer('E2'));
    reopened.close?.();
    const third = createLedger({ scheduler: clock, policy: DEFAULT_RETRY_POLICY, random: () => 0.5, journal: createFileJournal(path) });
    expect(third.pending().map((p) => p.key)).toEqual(['event:E1', 'event:E2']);
  });

  it('refuses a journal corrupt in the middle with a store error', () => {
    const path = join(dir, 'corrupt.ledger');
    writeFileSync(path, 'not json\n{"op":"remove","id":"x"}\n');
    expect(() => createFileJournal(path).load()).toThrow(expect.objectContaining({ name: 'VenError', code: 'store' }));
  });

  it('createFileStore keeps the journal next to the state file; createMemoryStore keeps one in memory', () => {
    const path = join(dir, 'state.json');
    const store = createFileStore(path);
    const { ledger } = setup({ journal: store.journal! });
    ledger.add(eventAnswer('E1'));
    store.journal!.close?.();
    expect(readFileSync(`${path}.ledger`, 'utf8')).toContain('"event:E1"');
    const memory = createMemoryStore();
    createLedger({ scheduler: createVirtualClock(), policy: DEFAULT_RETRY_POLICY, random: Math.random, journal: memory.journal }).add(eventAnswer('E9'));
    expect([...memory.journal.entries.keys()]).toContain(COUNTERS_ENTRY);
    expect(memory.journal.entries.size).toBe(2);
  });

  it('still loads a version-1 state file (no ledger) and saves version 2', () => {
    const path = join(dir, 'v1.json');
    writeFileSync(path, JSON.stringify({ version: 1, registration: { venID: 'V', registrationID: 'R', vtnID: 'T', pollFrequencyMs: 10_000 }, events: [], opts: [], reports: null }));
    const store = createFileStore(path);
    const state = store.load();
    expect(state).toMatchObject({ registration: { venID: 'V' }, events: [], opts: [] });
    expect(state?.ledger).toBeUndefined();
    store.save({ ...state!, ledger: [['a', { x: 1 }]] });
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { version: number; ledger: unknown };
    expect(saved).toMatchObject({ version: 2, ledger: [['a', { x: 1 }]] });
    expect(createFileStore(path).load()?.ledger).toEqual([['a', { x: 1 }]]);
  });
});
