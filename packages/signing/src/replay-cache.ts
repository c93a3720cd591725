import { SignatureError } from './signature-error.js';

/**
 * Remembers accepted (timestamp, nonce) pairs so a captured signed message cannot be accepted
 * twice within the replay window (OPENADR.md §7.3).
 */
export interface ReplayCache {
  /**
   * Records the pair as accepted at `now` unless it is already known. An entry is kept while a
   * copy of the message could still pass the window check, i.e. until `timestamp + windowMs`.
   * Returns when the pair was first accepted, if it was.
   */
  remember(timestamp: Date, nonce: string, now: Date, windowMs: number): { readonly replayed: boolean; readonly firstSeen?: Date };
  /** Number of remembered pairs (expired ones may linger until a later `remember`). */
  readonly size: number;
}

/** Options of {@link createReplayCache}. */
export interface ReplayCacheOptions {
  /** Upper bound on remembered pairs; default 10 000. */
  readonly maxEntries?: number;
}

interface Entry {
  readonly expiresAt: number;
  readonly firstSeen: number;
}

/**
 * A bounded in-memory {@link ReplayCache}. Entries expire with the replay window. When
 * `maxEntries` live entries exist, the oldest is dropped to make room: a cache that refused new
 * messages instead would let a flood of signed messages lock the VEN out. Size it above
 * (messages per second × 2 × window), which a VEN's traffic stays far below.
 *
 * @example
 * const replayCache = createReplayCache({ maxEntries: 1000 });
 * verifyPayload(xml, { fingerprints: [vtnFingerprint] }, { now, replayCache });
 */
export function createReplayCache(options: ReplayCacheOptions = {}): ReplayCache {
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new SignatureError('invalid-options', `maxEntries must be a positive integer, got ${String(options.maxEntries)}`);
  }
  const entries = new Map<string, Entry>();

  const sweep = (now: number): void => {
    for (const [key, entry] of entries) if (entry.expiresAt < now) entries.delete(key);
  };
  // Entries arrive roughly in timestamp order, so expired ones gather at the front: dropping
  // them there keeps the cache small at O(1) amortized cost; `sweep` catches the rest when full.
  const dropExpiredFront = (now: number): void => {
    for (const [key, entry] of entries) {
      if (entry.expiresAt >= now) return;
      entries.delete(key);
    }
  };

  return {
    remember(timestamp, nonce, now, windowMs) {
      const nowMs = now.getTime();
      dropExpiredFront(nowMs);
      const key = `${timestamp.getTime()}\u0000${nonce}`;
      const known = entries.get(key);
      if (known !== undefined && known.expiresAt >= nowMs) {
        return { replayed: true, firstSeen: new Date(known.firstSeen) };
      }
      entries.delete(key);
      if (entries.size >= maxEntries) sweep(nowMs);
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
      entries.set(key, { expiresAt: timestamp.getTime() + windowMs, firstSeen: nowMs });
      return { replayed: false };
    },
    get size() {
      return entries.size;
    },
  };
}
