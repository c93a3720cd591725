/**
 * One change to the stored ledger: `put` writes the JSON form of an entry (a record, or the
 * ledger's counters under {@link COUNTERS_ENTRY}); `remove` deletes it.
 */
export type JournalOp = { readonly op: 'put'; readonly id: string; readonly value: unknown } | { readonly op: 'remove'; readonly id: string };

/**
 * Where the ledger keeps its records, one change at a time (incremental: a change writes only
 * the entries it touches, never the whole ledger). A `VenStore` may provide one
 * (`store.journal`); `createFileStore` keeps it in a second file next to the state file,
 * `createMemoryStore` in memory. A store without one gets the ledger inside `VenState.ledger`.
 *
 * @example
 * const journal = createMemoryJournal();
 * journal.append([{ op: 'put', id: 'a', value: { n: 1 } }]);
 * journal.load(); // [['a', { n: 1 }]]
 */
export interface LedgerJournal {
  /** The live entries, in the order each was first put. Throws `VenError('store')` if unreadable. */
  load(): ReadonlyArray<readonly [string, unknown]>;
  /** Applies `ops` in order and makes them durable before returning. */
  append(ops: readonly JournalOp[]): void;
  /** Releases files; appending afterwards reopens them. Optional. */
  close?(): void;
}

/** The entry id under which the ledger stores its counters. */
export const COUNTERS_ENTRY = '#counters';

/** Applies journal ops to a map of live entries (insertion order kept: a put on a live id updates it in place). */
export function applyOps(entries: Map<string, unknown>, ops: readonly JournalOp[]): void {
  for (const op of ops) {
    if (op.op === 'put') entries.set(op.id, op.value);
    else entries.delete(op.id);
  }
}

/**
 * A journal in memory (lost on restart), for `createMemoryStore` and tests; `entries` shows what
 * it holds and `appends` how many times it was written.
 */
export function createMemoryJournal(initial: ReadonlyArray<readonly [string, unknown]> = []): LedgerJournal & {
  readonly entries: ReadonlyMap<string, unknown>;
  readonly appends: number;
} {
  const entries = new Map<string, unknown>(initial);
  let appends = 0;
  return {
    get entries() {
      return entries;
    },
    get appends() {
      return appends;
    },
    load: () => [...entries],
    append(ops) {
      appends += 1;
      // Values are kept as given, not copied: the ledger builds a fresh value for every put and
      // never changes one afterwards (a caller of `append` must not either).
      applyOps(entries, ops);
    },
  };
}
