import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JournalOp, LedgerJournal } from '../ledger/ledger-journal.js';
import { VenError } from './ven-error.js';

export interface FileJournalOptions {
  /** Compaction starts once the file is above this many bytes and above twice the live entries. Default 64 KiB. */
  readonly compactMinBytes?: number;
}

/**
 * The ledger's journal in one file of JSON lines (`{"op":"put","id":…,"value":…}` or
 * `{"op":"remove","id":…}`): every change is appended and fsynced, so saving costs the size of
 * the change, not of the ledger. When the file grows past twice the bytes of its live entries it
 * is compacted by an atomic rewrite (temp file, fsync, rename). A torn last line, left by a
 * kill in the middle of a write, is ignored and cut off; any other unreadable line makes `load`
 * throw `VenError('store')`.
 *
 * @example
 * const journal = createFileJournal('./ven-state.json.ledger');
 */
export function createFileJournal(path: string, options: FileJournalOptions = {}): LedgerJournal & { readonly fileBytes: number } {
  const compactMinBytes = options.compactMinBytes ?? 64 * 1024;
  /** The put line of every live entry (what a compaction writes). */
  const lines = new Map<string, string>();
  let liveBytes = 0;
  let fileBytes = 0;
  let fd: number | undefined;
  let loaded = false;

  const fail = (what: string, cause?: unknown): never => {
    throw new VenError('store', `${path}: ${what}`, cause === undefined ? {} : { cause });
  };
  const track = (op: JournalOp, line: string): void => {
    const before = lines.get(op.id);
    if (before !== undefined) liveBytes -= Buffer.byteLength(before);
    if (op.op === 'put') {
      lines.set(op.id, line);
      liveBytes += Buffer.byteLength(line);
    } else lines.delete(op.id);
  };
  const open = (): number => (fd ??= openSync(path, 'a', 0o600));

  const readAll = (): void => {
    loaded = true;
    lines.clear();
    liveBytes = 0;
    fileBytes = 0;
    if (!existsSync(path)) return;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      return fail('cannot read the obligations ledger', cause);
    }
    const parts = text.split('\n');
    const tail = parts.pop() ?? '';
    let goodBytes = 0;
    parts.forEach((line, index) => {
      goodBytes += Buffer.byteLength(line) + 1;
      if (line === '') return;
      let op: JournalOp;
      try {
        op = JSON.parse(line) as JournalOp;
      } catch (cause) {
        return fail(`corrupt obligations ledger (line ${index + 1} is not JSON); fix or remove the file`, cause);
      }
      if ((op.op !== 'put' && op.op !== 'remove') || typeof op.id !== 'string') return fail(`corrupt obligations ledger (line ${index + 1})`);
      track(op, `${line}\n`);
    });
    fileBytes = goodBytes;
    // A last line without its newline was torn by a kill in the middle of a write: it never happened.
    if (tail !== '') {
      try {
        truncateSync(path, goodBytes);
      } catch (cause) {
        fail('cannot cut a torn last line off the obligations ledger', cause);
      }
    }
  };

  const compact = (): void => {
    const temp = `${path}.${process.pid}.tmp`;
    const text = [...lines.values()].join('');
    try {
      const out = openSync(temp, 'w', 0o600);
      try {
        writeSync(out, text);
        fsyncSync(out);
      } finally {
        closeSync(out);
      }
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
      renameSync(temp, path);
      syncFolder(dirname(path));
    } catch (cause) {
      fail('cannot compact the obligations ledger', cause);
    }
    fileBytes = Buffer.byteLength(text);
  };

  return {
    get fileBytes() {
      return fileBytes;
    },
    load() {
      readAll();
      return [...lines].map(([id, line]) => [id, (JSON.parse(line) as { value: unknown }).value] as const);
    },
    append(ops) {
      if (ops.length === 0) return;
      if (!loaded) readAll();
      let text = '';
      for (const op of ops) {
        const line = `${JSON.stringify(op)}\n`;
        track(op, line);
        text += line;
      }
      try {
        const out = open();
        writeSync(out, text);
        fsyncSync(out);
      } catch (cause) {
        fail('cannot append to the obligations ledger', cause);
      }
      fileBytes += Buffer.byteLength(text);
      if (fileBytes > compactMinBytes && fileBytes > 2 * liveBytes) compact();
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** fsyncs a folder after a rename; some platforms (Windows) cannot, and the rename is still atomic there. */
export function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // see above
  }
}
