// The state store through an outage: bytes written and time per save against the number of buffered
// report intervals (ledger records of one interval × 10 data points each), for the ledger's journal
// (`createFileStore`: one appended, fsynced line per change) next to the full-rewrite baseline (a
// store without a journal: the whole state, ledger included, rewritten atomically on every save),
// measured in the same run on the same disk. Run: node bench/store.mjs (after `tsc -b`).
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RETRY_POLICY, EMPTY_VEN_STATE, Duration, createFileJournal, createFileStore, createLedger, createMemoryJournal, message } from '../packages/core/dist/index.js';
import { createVirtualClock } from '../packages/testing/dist/index.js';

const POINTS = 10;
const SIZES = [100, 1_000, 5_000];

function delivery(n) {
  const start = new Date(Date.UTC(2026, 0, 1) + n * 1_000);
  return {
    kind: 'report-delivery',
    key: `delivery:${n}`,
    subject: { reportRequestID: 'RR-1', fromMs: start.getTime(), toMs: start.getTime() + 1_000, intervals: 1 },
    message: message('oadrUpdateReport', {
      requestID: `upd-${n}`,
      venID: 'VEN-1',
      oadrReport: [
        {
          dtstart: start,
          duration: Duration.parse('PT1S'),
          intervals: [
            {
              dtstart: start,
              duration: Duration.parse('PT1S'),
              uid: '0',
              streamPayloadBase: Array.from({ length: POINTS }, (_, i) => ({ type: 'oadrReportPayload', rID: `meter-${i}`, payloadBase: { type: 'payloadFloat', value: n + i / 10 } })),
            },
          ],
          eiReportID: `rep-${n}`,
          reportRequestID: 'RR-1',
          reportSpecifierID: 'rs-1',
          reportName: 'TELEMETRY_USAGE',
          createdDateTime: start,
        },
      ],
    }),
    expects: 'oadrUpdatedReport',
  };
}

/** The entries of a ledger holding `buffered` deliveries (filled in memory: the fill is not measured). */
function filled(buffered) {
  const journal = createMemoryJournal();
  const ledger = createLedger({ scheduler: createVirtualClock(), policy: DEFAULT_RETRY_POLICY, random: () => 0.5, journal, bounds: { maxRecords: 1e9, maxBytes: 1e12 } });
  for (let n = 0; n < buffered; n++) ledger.add(delivery(n));
  return [...journal.entries];
}

/** `saves` more deliveries on top of the buffered ones: mean bytes written and ms per save. */
function measure(journal, written, buffered, saves) {
  const ledger = createLedger({ scheduler: createVirtualClock(), policy: DEFAULT_RETRY_POLICY, random: () => 0.5, journal, bounds: { maxRecords: 1e9, maxBytes: 1e12 } });
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  for (let n = buffered; n < buffered + saves; n++) {
    const before = written();
    ledger.add(delivery(n));
    bytes += written(before);
  }
  return { bytes: bytes / saves, ms: Number(process.hrtime.bigint() - t0) / 1e6 / saves };
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'rxadr-bench-store-'));
  const kb = (b) => `${(b / 1024).toFixed(1)} KiB`;
  console.log(`\n## state store: bytes written and time per save vs buffered report intervals (${POINTS} data points each)`);
  console.log('| buffered | journal bytes/save | journal ms/save | full rewrite bytes/save (baseline) | full rewrite ms/save (baseline) |');
  console.log('|---:|---:|---:|---:|---:|');
  try {
    for (const buffered of SIZES) {
      const entries = filled(buffered);
      // The journal: the buffered records as its file holds them, then one appended line per change.
      const journalPath = join(dir, `journal-${buffered}.json.ledger`);
      writeFileSync(journalPath, entries.map(([id, value]) => `${JSON.stringify({ op: 'put', id, value })}\n`).join(''));
      const fileJournal = createFileJournal(journalPath);
      const journal = measure(fileJournal, (before) => (before === undefined ? size(journalPath) : size(journalPath) - before), buffered, 50);
      fileJournal.close();
      // The baseline: a store without a journal rewrites the whole state (ledger inside) per save.
      const fullPath = join(dir, `full-${buffered}.json`);
      const full = createFileStore(fullPath);
      const held = createMemoryJournal(entries);
      const rewriting = {
        load: () => held.load(),
        append: (ops) => {
          held.append(ops);
          full.save({ ...EMPTY_VEN_STATE, ledger: [...held.entries] });
        },
      };
      const baseline = measure(rewriting, (before) => (before === undefined ? 0 : size(fullPath)), buffered, 10);
      console.log(`| ${buffered} | ${kb(journal.bytes)} | ${journal.ms.toFixed(2)} | ${kb(baseline.bytes)} | ${baseline.ms.toFixed(2)} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function size(path) {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
