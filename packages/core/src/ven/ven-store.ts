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

/** Everything the VEN keeps across restarts. */
export interface VenState {
  readonly version: 1;
  readonly registration: RegistrationState | undefined;
  readonly events: readonly EventRecord[];
  readonly opts: readonly OptRecord[];
  /** Owned by the report module (a later issue); stored and restored untouched. */
  readonly reports: unknown;
}

/** The state of a VEN that has never run. */
export const EMPTY_VEN_STATE: VenState = { version: 1, registration: undefined, events: [], opts: [], reports: undefined };

/**
 * Where the VEN keeps its state. Synchronous on purpose so that it works under virtual time:
 * `load` runs once in `createVen`, `save` after every change. A store that cannot read its data
 * throws a `VenError` with code `store` (never silently starts over).
 */
export interface VenStore {
  load(): VenState | undefined;
  save(state: VenState): void;
}

/**
 * The default store: keeps the state in memory (lost on restart).
 *
 * @example
 * const store = createMemoryStore();
 * createVen({ …, store });
 */
export function createMemoryStore(initial?: VenState): VenStore & { readonly current: VenState | undefined } {
  let current = initial;
  return {
    get current() {
      return current;
    },
    load: () => current,
    save: (state) => {
      current = state;
    },
  };
}
