import { createMemoryJournal, type LedgerJournal } from '../ledger/ledger-journal.js';
import type { EventRecord } from './event-record.js';
import type { OptRecord } from './opt-record.js';

/** The registration the VTN granted (§3.1): what a VEN must persist. */
export interface RegistrationState {
  readonly venID: string;
  readonly registrationID: string;
  readonly vtnID: string;
  /** The poll interval in ms, already capped (§1.6). */
  readonly pollFrequencyMs: number;
}

/**
 * Everything the VEN keeps across restarts. Version 2 added `ledger`; version 1 states (no
 * ledger) still load.
 */
export interface VenState {
  readonly version: 1 | 2;
  readonly registration: RegistrationState | undefined;
  readonly events: readonly EventRecord[];
  readonly opts: readonly OptRecord[];
  /** Owned by the report module (a later issue); stored and restored untouched. */
  readonly reports: unknown;
  /**
   * The obligations ledger's entries (`[id, JSON]`), only for a store without a `journal`; a
   * store with one keeps the ledger there and this stays undefined.
   */
  readonly ledger?: ReadonlyArray<readonly [string, unknown]>;
}

/** The state of a VEN that has never run. */
export const EMPTY_VEN_STATE: VenState = { version: 2, registration: undefined, events: [], opts: [], reports: undefined };

/**
 * Where the VEN keeps its state. Synchronous on purpose so that it works under virtual time:
 * `load` runs once in `createVen`, `save` after every change. A store that cannot read its data
 * throws a `VenError` with code `store` (never silently starts over).
 */
export interface VenStore {
  load(): VenState | undefined;
  save(state: VenState): void;
  /**
   * Optional: where the obligations ledger is kept, one change at a time (see `LedgerJournal`).
   * Without it the ledger is saved inside `VenState.ledger` on every change (a whole-state save).
   */
  readonly journal?: LedgerJournal;
}

/**
 * The default store: keeps the state and the ledger's journal in memory (lost on restart; hand
 * the same store to a second `createVen` to resume).
 *
 * @example
 * const store = createMemoryStore();
 * createVen({ …, store });
 */
export function createMemoryStore(initial?: VenState): VenStore & { readonly current: VenState | undefined; readonly journal: ReturnType<typeof createMemoryJournal> } {
  let current = initial;
  const journal = createMemoryJournal(initial?.ledger ?? []);
  return {
    journal,
    get current() {
      return current;
    },
    load: () => current,
    save: (state) => {
      current = state;
    },
  };
}
