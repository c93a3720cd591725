import { detached } from '@rxadr/core/engine';
import type { ReplayRecord, ReplayStore } from './replay-store.js';
import { SignatureError } from './signature-error.js';

/**
 * Remembers accepted (timestamp, nonce) pairs per sender so a captured signed message cannot be
 * accepted twice within the replay window (OPENADR.md §7.3).
 */
export interface ReplayCache {
  /**
   * Records the pair for `sender` (the signer certificate's full SHA-256 fingerprint; `''` when
   * unknown) as accepted at `now` unless it is already known. An entry is kept while a copy of the
   * message could still pass the window check, i.e. until `timestamp + windowMs`.
   * Returns when the pair was first accepted, if it was.
   */
  remember(
    timestamp: Date,
    nonce: string,
    now: Date,
    windowMs: number,
    sender?: string,
  ): { readonly replayed: boolean; readonly firstSeen?: Date };
  /** Number of remembered pairs over all senders (expired ones may linger until a later `remember`). */
  readonly size: number;
}

/** Options of {@link createReplayCache}. */
export interface ReplayCacheOptions {
  /** Upper bound on remembered pairs per sender; default 10 000. */
  readonly maxEntries?: number;
  /**
   * Upper bound on senders remembered; default 64. Only signers that passed the trust checks
   * reach the cache, so this is the number of distinct VTN certificates (renewals included).
   * Beyond it the sender seen least recently is forgotten.
   */
  readonly maxSenders?: number;
  /**
   * Where accepted pairs survive a restart (see `fileReplayStore`). Default: memory only, so a
   * message captured before a restart could be replayed after it while its timestamp is in the window.
   */
  readonly store?: ReplayStore;
}

interface Entry {
  readonly expiresAt: number;
  readonly firstSeen: number;
  readonly timestamp: number;
  readonly nonce: string;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < 1) {
    throw new SignatureError('invalid-options', `${name} must be a positive integer, got ${String(value)}`);
  }
  return result;
}

/**
 * A bounded {@link ReplayCache}, kept per sender. Entries expire with the replay window. When a
 * sender has `maxEntries` live entries, its oldest is dropped to make room: a cache that refused
 * new messages instead would let a flood of signed messages lock the VEN out. Size it above
 * (messages per second × 2 × window), which a VEN's traffic stays far below. Each sender has a
 * budget of its own, so one trusted sender's flood cannot push out another's nonces.
 *
 * With a `store`, the records it holds are loaded at creation, every accepted pair is saved
 * before `remember` returns, and the store is compacted to the live entries whenever it has
 * grown to twice their number (and at least 256 records).
 *
 * @example
 * const replayCache = createReplayCache({ store: fileReplayStore(join(stateDir, 'replay-nonces.jsonl')) });
 * verifyPayload(xml, { fingerprints: [vtnFingerprint] }, { now, replayCache });
 */
export function createReplayCache(options: ReplayCacheOptions = {}): ReplayCache {
  const maxEntries = positiveInteger(options.maxEntries, 10_000, 'maxEntries');
  const maxSenders = positiveInteger(options.maxSenders, 64, 'maxSenders');
  const store = options.store;
  const senders = new Map<string, Map<string, Entry>>();
  let stored = 0;

  const entriesOf = (sender: string): Map<string, Entry> => {
    let entries = senders.get(sender);
    if (entries === undefined) {
      entries = new Map();
    } else {
      senders.delete(sender);
    }
    senders.set(sender, entries); // most recently used last
    while (senders.size > maxSenders) senders.delete(senders.keys().next().value as string);
    return entries;
  };
  const keyOf = (timestamp: number, nonce: string): string => `${timestamp}\u0000${nonce}`;
  const insert = (entries: Map<string, Entry>, key: string, entry: Entry): void => {
    while (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done === true) break;
      entries.delete(oldest.value);
    }
    entries.set(key, entry);
  };
  const sweep = (entries: Map<string, Entry>, now: number): void => {
    for (const [key, entry] of entries) if (entry.expiresAt < now) entries.delete(key);
  };
  // Entries arrive roughly in timestamp order, so expired ones gather at the front: dropping
  // them there keeps the cache small at O(1) amortized cost; `sweep` catches the rest when full.
  const dropExpiredFront = (entries: Map<string, Entry>, now: number): void => {
    for (const [key, entry] of entries) {
      if (entry.expiresAt >= now) return;
      entries.delete(key);
    }
  };
  const size = (): number => [...senders.values()].reduce((sum, entries) => sum + entries.size, 0);

  if (store !== undefined) {
    const records = [...store.load()].sort((a, b) => a.firstSeen - b.firstSeen);
    for (const record of records) {
      insert(entriesOf(record.sender), keyOf(record.timestamp, record.nonce), record);
    }
    stored = records.length;
  }

  const compact = (now: number): void => {
    if (store === undefined) return;
    const live: ReplayRecord[] = [];
    for (const [sender, entries] of senders) {
      sweep(entries, now);
      for (const entry of entries.values()) live.push({ sender, ...entry });
    }
    store.compact(live);
    stored = live.length;
  };

  return {
    remember(timestamp, readNonce, now, windowMs, sender = '') {
      // Kept for the window: a copy, not a view into the message it was read from (which it would keep alive).
      const nonce = detached(readNonce);
      const nowMs = now.getTime();
      const entries = entriesOf(sender);
      dropExpiredFront(entries, nowMs);
      const key = keyOf(timestamp.getTime(), nonce);
      const known = entries.get(key);
      if (known !== undefined && known.expiresAt >= nowMs) {
        return { replayed: true, firstSeen: new Date(known.firstSeen) };
      }
      entries.delete(key);
      if (entries.size >= maxEntries) sweep(entries, nowMs);
      const entry: Entry = { expiresAt: timestamp.getTime() + windowMs, firstSeen: nowMs, timestamp: timestamp.getTime(), nonce };
      if (store !== undefined) {
        store.save({ sender, ...entry });
        stored++;
      }
      insert(entries, key, entry);
      if (store !== undefined && stored >= 256 && stored >= 2 * size()) compact(nowMs);
      return { replayed: false };
    },
    get size() {
      return size();
    },
  };
}
