import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createFileJournal, syncFolder, type FileJournalOptions } from './file-journal.js';
import { stateFromJson, stateToJson } from './state-json.js';
import { VenError } from './ven-error.js';
import type { VenState, VenStore } from './ven-store.js';

/**
 * A store in a JSON file, so a VEN resumes its registration, events and opts after a restart,
 * and the obligations ledger in a second file beside it (`<path>.ledger`, JSON lines appended
 * per change and compacted; see `createFileJournal`). State writes are atomic: a temp file next
 * to the target is written and fsynced, then renamed over it (and the folder fsynced where the
 * platform allows). A file that cannot be read as VEN state makes `load` throw
 * `VenError('store')` — it is never silently replaced. Version 1 files (no ledger) still load.
 *
 * @example
 * createVen({ …, store: createFileStore('./ven-state.json') });
 */
export function createFileStore(path: string, options: FileJournalOptions = {}): VenStore {
  return {
    journal: createFileJournal(`${path}.ledger`, options),
    load() {
      if (!existsSync(path)) return undefined;
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch (cause) {
        throw new VenError('store', `${path}: corrupt VEN state (not JSON); fix or remove the file to register anew`, { cause });
      }
      return stateFromJson(json, path);
    },
    save(state: VenState) {
      const temp = `${path}.${process.pid}.tmp`;
      try {
        const fd = openSync(temp, 'w', 0o600);
        try {
          writeSync(fd, JSON.stringify(stateToJson(state)));
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        renameSync(temp, path);
        syncFolder(dirname(path));
      } catch (cause) {
        throw new VenError('store', `${path}: cannot save VEN state`, { cause });
      }
    },
  };
}
