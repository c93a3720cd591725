// The state store through a VTN outage: bytes written and time per save against the number of
// buffered report intervals (100, 1,000, 10,000), for rxadr's store (report deliveries are
// obligations-ledger records appended to the ledger journal beside the state file; the state
// file itself keeps only the small report slot) next to the full-rewrite baseline measured in the
// same run (the JSON of everything, buffered deliveries included, rewritten atomically on every
// save, as the file store did before the ledger). Each save is fsynced, as both stores do.
// Run: node bench/store.mjs (after `tsc -b`).
import { closeSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_RETRY_POLICY, Duration, createFileStore, createLedger, createMemoryJournal } from '../packages/core/dist/index.js';
import { createVirtualClock } from '../packages/testing/dist/index.js';

const SIZES = [100, 1_000, 10_000];
const SAVES = 40;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const SECOND = 1_000;
const size = (path) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/** One buffered delivery: an oadrUpdateReport with one 1 s interval of one rID (what the VEN owes per interval). */
function delivery(i) {
  const at = new Date(T0 + i * SECOND);
  return {
    type: 'oadrUpdateReport',
    requestID: `upd-${i}`,
    venID: 'VEN-1',
    oadrReport: [
      {
        dtstart: at,
        duration: Duration.parse('PT1S'),
        intervals: [{ dtstart: at, duration: Duration.parse('PT1S'), uid: '0', streamPayloadBase: [{ type: 'oadrReportPayload', rID: 'meter-1/powerReal', payloadBase: { type: 'payloadFloat', value: 1000 + (i % 97) } }] }],
        eiReportID: `rpt-${i}`,
        reportRequestID: 'rr-1',
        reportSpecifierID: 'telemetry-usage',
        reportName: 'TELEMETRY_USAGE',
        createdDateTime: at,
      },
    ],
  };
}
const record = (i) => ({ kind: 'report-delivery', key: `delivery:upd-${i}`, subject: { reportRequestID: 'rr-1', fromMs: T0 + i * SECOND, toMs: T0 + (i + 1) * SECOND, intervals: 1 }, message: delivery(i), expects: 'oadrUpdatedReport' });

/** The VEN state without deliveries: registration and a report slot with one pending request. */
const slot = (cursor) => ({
  version: 1,
  venID: 'VEN-1',
  seq: cursor,
  requests: [{ reportRequestID: 'rr-1', reportSpecifierID: 'telemetry-usage', rIDs: ['meter-1/powerReal'], shape: 'periodic', metadata: false, granularityMs: 1000, reportBackMs: 1000, startMs: T0, endMs: null, cursorMs: T0 + cursor * SECOND, receivedMs: T0, toFollow: false }],
  counters: { delivered: 0, rejected: 0, droppedOverflow: 0, droppedRequestEnded: 0, droppedRegistrationEnded: 0 },
});
const state = (cursor) => ({
  version: 1,
  registration: { venID: 'VEN-1', registrationID: 'REG-1', vtnID: 'VTN', pollFrequencyMs: 10_000 },
  events: [],
  opts: [],
  reports: slot(cursor),
});

/** rxadr: N deliveries already in the ledger; each save = one ledger record appended + the small state file rewritten. */
function ledgerStore(folder, n) {
  const path = join(folder, `ledger-${n}.json`);
  const store = createFileStore(path);
  const clock = createVirtualClock(T0);
  const bounds = { maxRecords: 1_000_000, maxBytes: 1 << 30 };
  // The outage so far, written in one append (setting up is not measured): the same entries one add each would leave.
  const memory = createMemoryJournal();
  const filling = createLedger({ scheduler: clock, policy: DEFAULT_RETRY_POLICY, random: () => 0.5, journal: memory, bounds });
  for (let i = 0; i < n; i++) filling.add(record(i));
  store.journal.append([...memory.entries].map(([id, value]) => ({ op: 'put', id, value })));
  const ledger = createLedger({ scheduler: clock, policy: DEFAULT_RETRY_POLICY, random: () => 0.5, journal: store.journal, bounds });
  store.save(state(n));
  const before = size(path) + size(`${path}.ledger`);
  let written = 0;
  const start = process.hrtime.bigint();
  for (let k = 0; k < SAVES; k++) {
    const journalBefore = size(`${path}.ledger`);
    ledger.add(record(n + k));
    const journalAfter = size(`${path}.ledger`);
    written += journalAfter >= journalBefore ? journalAfter - journalBefore : journalAfter;
    store.save(state(n + k + 1));
    written += size(path);
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  store.journal.close?.();
  return { bytesPerSave: written / SAVES, msPerSave: elapsed / SAVES, onDisk: before };
}

/** Baseline: the whole state, N buffered deliveries included, rewritten atomically (temp file + fsync + rename) on every save. */
function fullRewrite(folder, n) {
  const path = join(folder, `full-${n}.json`);
  const items = Array.from({ length: n }, (_, i) => delivery(i));
  let written = 0;
  const start = process.hrtime.bigint();
  for (let k = 0; k < SAVES; k++) {
    items.push(delivery(n + k));
    const text = JSON.stringify({ ...state(n + k + 1), reports: { ...slot(n + k + 1), deliveries: items } });
    const temp = `${path}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, path);
    written += Buffer.byteLength(text);
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  return { bytesPerSave: written / SAVES, msPerSave: elapsed / SAVES, onDisk: size(path) };
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

export async function run() {
  const folder = mkdtempSync(join(tmpdir(), 'rxadr-bench-store-'));
  try {
    console.log(`\n## state store during an outage (${SAVES} saves at each size, fsynced)`);
    console.log('buffered intervals | rxadr: bytes/save | ms/save | on disk | full rewrite: bytes/save | ms/save | on disk');
    for (const n of SIZES) {
      const ours = ledgerStore(folder, n);
      const base = fullRewrite(folder, n);
      console.log(
        `${String(n).padStart(18)} | ${kb(ours.bytesPerSave).padStart(17)} | ${ours.msPerSave.toFixed(2).padStart(7)} | ${kb(ours.onDisk).padStart(7)} | ${kb(base.bytesPerSave).padStart(24)} | ${base.msPerSave.toFixed(2).padStart(7)} | ${kb(base.onDisk).padStart(7)}`,
      );
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
