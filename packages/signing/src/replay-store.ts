import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One accepted (sender, timestamp, nonce), as a {@link ReplayStore} keeps it. Times in ms since the epoch. */
export interface ReplayRecord {
  /** Full SHA-256 fingerprint of the signer certificate. */
  readonly sender: string;
  readonly timestamp: number;
  readonly nonce: string;
  /** When a copy of the message would fall out of the replay window: the record may be dropped after it. */
  readonly expiresAt: number;
  /** When the message was accepted. */
  readonly firstSeen: number;
}

/**
 * Where a replay cache keeps accepted nonces so that a restart does not reopen the replay window
 * (OPENADR.md §7.3). Synchronous, because verification is: a record is saved before the message
 * it belongs to is passed on. An error thrown by `save` fails the verification (the message is
 * refused rather than accepted unrecorded).
 */
export interface ReplayStore {
  /** Every record saved and not compacted away; called once, when the cache is created. */
  load(): readonly ReplayRecord[];
  /** Saves one accepted record. */
  save(record: ReplayRecord): void;
  /** Replaces everything stored by `live` (the cache calls it now and then to drop expired records). */
  compact(live: readonly ReplayRecord[]): void;
}

function isRecord(value: unknown): value is ReplayRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record['sender'] === 'string' &&
    typeof record['nonce'] === 'string' &&
    ['timestamp', 'expiresAt', 'firstSeen'].every((key) => typeof record[key] === 'number' && Number.isFinite(record[key]))
  );
}

/**
 * A {@link ReplayStore} in one file of JSON lines, appended to on each accepted message and
 * rewritten (through a temporary file and a rename) when the cache compacts it. A line torn by a
 * crash is skipped on load. Give it a file in the VEN's state folder, next to what the VEN store
 * keeps, e.g. `fileReplayStore(join(stateDir, 'replay-nonces.jsonl'))`; the folder is created if needed.
 *
 * @example
 * xmlSignatures({ identity, trust, replayCache: createReplayCache({ store: fileReplayStore(join(stateDir, 'replay-nonces.jsonl')) }) })
 */
export function fileReplayStore(path: string): ReplayStore {
  return {
    load() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const records: ReplayRecord[] = [];
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        try {
          const value: unknown = JSON.parse(line);
          if (isRecord(value)) records.push(value);
        } catch {
          // A partial last line after a crash: the message it belonged to was never acknowledged.
        }
      }
      return records;
    },
    save(record) {
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, `${JSON.stringify(record)}\n`, 'utf8');
    },
    compact(live) {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.tmp`;
      writeFileSync(temporary, live.map((record) => `${JSON.stringify(record)}\n`).join(''), 'utf8');
      renameSync(temporary, path);
    },
  };
}
