import { BehaviorSubject, Subject, type SchedulerLike } from 'rxjs';
import type { Ledger, LedgerBounds } from './ledger.js';
import { COUNTERS_ENTRY, createMemoryJournal, type JournalOp, type LedgerJournal } from './ledger-journal.js';
import type { LedgerChange, LedgerCounters, NewObligation, Obligation } from './obligation.js';
import { ZERO_COUNTERS, countersFromJson, obligationFromJson, obligationToJson, storedSize } from './obligation-json.js';
import { retryDelay, type ExchangeVerdict, type RetryPolicy } from './retry-policy.js';

/** The default bounds: 10 000 records, 32 MiB. */
export const DEFAULT_LEDGER_BOUNDS: LedgerBounds = { maxRecords: 10_000, maxBytes: 32 * 1024 * 1024 };

export interface LedgerOptions {
  /** "Now" for every record time. */
  readonly scheduler: SchedulerLike;
  readonly policy: RetryPolicy;
  /** Random source in [0, 1) for the backoff jitter and record ids. */
  readonly random: () => number;
  readonly bounds?: Partial<LedgerBounds>;
  /** Where changes are kept; default: in memory only. Its records are loaded here, once. */
  readonly journal?: LedgerJournal;
  /** Named in store errors. Default 'ledger'. */
  readonly source?: string;
}

/**
 * Creates the obligations ledger (DESIGN.md "the ledger"), restoring what `journal` holds.
 * Every change is appended to the journal at once, as only the entries it touches.
 *
 * - `add` supersedes pending records with the same key (they end `superseded`), then, while a
 *   bound is exceeded, drops the oldest pending `report-delivery` records (`droppedOverflow`,
 *   counted per interval); other kinds are never dropped and may exceed the bounds.
 * - `due` returns pending records in insertion order; records that need a registration are held
 *   back while not registered; report deliveries leave in order (one is not due while an earlier
 *   delivery is pending).
 * - Settled, failed, superseded and dropped records leave the live set; only counters remain.
 *
 * @example
 * const ledger = createLedger({ scheduler, policy: DEFAULT_RETRY_POLICY, random: Math.random });
 * const record = ledger.add({ kind: 'created-event', key: 'event:E1', subject: { eventID: 'E1' }, message, expects: 'oadrResponse' });
 * ledger.applyVerdict(record.id, { kind: 'transient', reason: 'HTTP 503' }); // retried after ~5 s
 */
export function createLedger(options: LedgerOptions): Ledger & { /** Completes `changes$` and `counters$` (the VEN's stop). */ complete(): void } {
  const { scheduler, policy, random } = options;
  const bounds: LedgerBounds = { ...DEFAULT_LEDGER_BOUNDS, ...options.bounds };
  const journal = options.journal ?? createMemoryJournal();
  const source = options.source ?? 'ledger';
  const live = new Map<string, Obligation>();
  let counters: LedgerCounters = ZERO_COUNTERS;
  let liveBytes = 0;
  let sequence = 0;

  for (const [id, value] of journal.load()) {
    if (id === COUNTERS_ENTRY) {
      counters = countersFromJson(value);
      // Record ids stay unique across restarts: the sequence goes on where it stopped.
      const stored = (value as { sequence?: unknown } | null)?.sequence;
      if (typeof stored === 'number') sequence = stored;
    }
    else {
      const record = obligationFromJson(value, source);
      if (record.state !== 'pending') continue;
      live.set(record.id, record);
      liveBytes += record.bytes;
    }
  }
  counters = { ...counters, pending: live.size };
  const changes = new Subject<LedgerChange>();
  const counters$ = new BehaviorSubject<LedgerCounters>(counters);

  const nextId = (): string => {
    sequence += 1;
    return `ob-${scheduler.now().toString(36)}-${sequence.toString(36)}-${Math.floor(random() * 36 ** 6).toString(36)}`;
  };
  // The stored form of each sized record, built once: its size is the record's size, and `put` journals it.
  const storedForms = new WeakMap<Obligation, Record<string, unknown>>();
  const sized = (record: Omit<Obligation, 'bytes'>): Obligation => {
    const json = obligationToJson(record as Obligation);
    const result = { ...record, bytes: storedSize(json) } as Obligation;
    storedForms.set(result, json);
    return result;
  };

  /** One batch of changes: applied to the live set, counted, journaled, then announced. */
  const batch = () => {
    const ops: JournalOp[] = [];
    const announced: LedgerChange[] = [];
    let tally: { -readonly [K in keyof LedgerCounters]: number } | undefined;
    return {
      put(record: Obligation, previous: Obligation['state'] | undefined): void {
        const before = live.get(record.id);
        if (before) liveBytes -= before.bytes;
        live.set(record.id, record);
        liveBytes += record.bytes;
        const value = storedForms.get(record) ?? obligationToJson(record);
        storedForms.delete(record);
        ops.push({ op: 'put', id: record.id, value });
        announced.push({ record, previous });
      },
      end(record: Obligation, state: Exclude<Obligation['state'], 'pending'>, extra: Partial<Obligation> = {}): Obligation {
        const ended: Obligation = { ...record, ...extra, state, updatedAt: scheduler.now() };
        live.delete(record.id);
        liveBytes -= record.bytes;
        ops.push({ op: 'remove', id: record.id });
        announced.push({ record: ended, previous: record.state });
        return ended;
      },
      /** Adds to one counter; the batch's counters are copied once, and take effect at `commit`. */
      count(name: keyof LedgerCounters, by: number): void {
        tally ??= { ...counters };
        tally[name] += by;
      },
      commit(): void {
        if (ops.length === 0) return;
        counters = { ...(tally ?? counters), pending: live.size };
        ops.push({ op: 'put', id: COUNTERS_ENTRY, value: { ...counters, sequence } });
        journal.append(ops);
        for (const change of announced) changes.next(change);
        counters$.next(counters);
      },
    };
  };

  const firstPendingDelivery = (): Obligation | undefined => {
    for (const record of live.values()) if (record.kind === 'report-delivery') return record;
    return undefined;
  };
  /**
   * Whether `record` may be sent now, ignoring time, visiting the live set in order: `state.delivery`
   * turns true at the first report delivery, which alone of the deliveries may go (they leave in order).
   * A plain loop, not a generator: `due` runs before every poll.
   */
  const sendableInOrder = (record: Obligation, registered: boolean, state: { delivery: boolean }): boolean => {
    if (record.kind === 'report-delivery') {
      if (state.delivery) return false;
      state.delivery = true;
    }
    return !(record.needsRegistration && !registered);
  };

  const intervalsOf = (record: Obligation): number => Math.max(1, record.subject.intervals ?? 1);

  return {
    add(input: NewObligation): Obligation {
      const now = scheduler.now();
      const change = batch();
      // Ending a record deletes it from `live` mid-iteration, which a Map's iteration allows.
      for (const older of live.values()) {
        if (older.key === input.key && older.kind !== 'report-delivery') {
          change.end(older, 'superseded');
          change.count('superseded', 1);
        }
      }
      const record = sized({
        id: input.id ?? nextId(),
        kind: input.kind,
        key: input.key,
        subject: input.subject,
        message: input.message,
        expects: input.expects,
        needsRegistration: input.needsRegistration ?? input.kind !== 'canceled-party-registration',
        state: 'pending',
        attempts: 0,
        nextAttemptAt: Math.max(now, input.notBefore ?? now),
        createdAt: now,
        updatedAt: now,
      });
      change.put(record, undefined);
      // Bounds (issue: only report intervals are dropped, oldest first, and counted).
      while (live.size > bounds.maxRecords || liveBytes > bounds.maxBytes) {
        const oldest = firstPendingDelivery();
        if (!oldest) break;
        change.end(oldest, 'dropped', { lastError: { reason: 'the ledger is full: the oldest report intervals are dropped first' } });
        change.count('droppedOverflow', intervalsOf(oldest));
      }
      change.commit();
      return live.get(record.id) ?? { ...record, state: 'dropped' };
    },
    get: (id) => live.get(id),
    pending: () => [...live.values()],
    due(now, registered) {
      // An idle VEN owes nothing: the poll loop asks before every poll.
      if (live.size === 0) return undefined;
      const state = { delivery: false };
      for (const record of live.values()) if (sendableInOrder(record, registered, state) && record.nextAttemptAt <= now) return record;
      return undefined;
    },
    nextDue(registered) {
      if (live.size === 0) return undefined;
      let earliest: number | undefined;
      const state = { delivery: false };
      for (const record of live.values()) {
        if (sendableInOrder(record, registered, state) && (earliest === undefined || record.nextAttemptAt < earliest)) earliest = record.nextAttemptAt;
      }
      return earliest;
    },
    applyVerdict(id: string, verdict: ExchangeVerdict): Obligation | undefined {
      const record = live.get(id);
      if (!record) return undefined;
      const now = scheduler.now();
      const change = batch();
      const attempts = record.attempts + 1;
      let result: Obligation;
      switch (verdict.kind) {
        case 'settled':
          result = change.end(record, 'settled', { attempts });
          change.count('settled', 1);
          break;
        case 'terminal':
          result = change.end(record, 'failed', { attempts, lastError: { reason: verdict.reason, responseCode: verdict.responseCode } });
          change.count('failed', 1);
          break;
        case 'transient':
        case 'reconcile': {
          // A reconcile verdict is no failure of the record: it waits for the re-registration, which reschedules it.
          const lastError = { reason: verdict.reason, ...(verdict.responseCode ? { responseCode: verdict.responseCode } : {}) };
          result = sized({ ...record, attempts, nextAttemptAt: now + retryDelay(policy, attempts, random), updatedAt: now, lastError });
          change.put(result, 'pending');
          if (verdict.kind === 'transient') change.count('retries', 1);
          break;
        }
      }
      change.commit();
      return result;
    },
    rescheduleAll(at) {
      const change = batch();
      for (const record of [...live.values()]) if (record.nextAttemptAt !== at) change.put({ ...record, nextAttemptAt: at }, 'pending');
      change.commit();
    },
    drop(predicate, reason) {
      const change = batch();
      const dropped: Obligation[] = [];
      for (const record of [...live.values()]) {
        if (!predicate(record)) continue;
        if (reason === 'taken-back') {
          dropped.push(change.end(record, 'superseded', { lastError: { reason: 'taken back, to be owed again' } }));
          change.count('superseded', 1);
          continue;
        }
        const why = reason === 'overflow' ? 'dropped to keep the ledger within its bounds' : 'its report request ended';
        dropped.push(change.end(record, 'dropped', { lastError: { reason: why } }));
        change.count(reason === 'overflow' ? 'droppedOverflow' : 'droppedRequestEnded', intervalsOf(record));
      }
      change.commit();
      return dropped;
    },
    get counters() {
      return counters;
    },
    changes$: changes.asObservable(),
    counters$: counters$.asObservable(),
    complete() {
      changes.complete();
      counters$.complete();
    },
  };
}
