// Instructions per call, counted by valgrind's callgrind, for verify + decode and decode beside
// their limits: a figure that does not move with the host's load or clock, unlike the timings of
// signing.mjs and codec.mjs (which it complements, on the same fixtures and the same tasks).
//
// Each side runs in a node process of its own (`--single-threaded`: no background compiler or
// garbage-collector threads, so the count is repeatable), once with N calls and once with 2N; the
// difference over N is the cost of one warm call, with start-up, loading and warm-up cancelled out.
// Instructions leave out the time lost waiting for memory: on a host with slow memory the timed
// ratios come out higher than these.
//
// Needs valgrind (Debian: apt-get install valgrind). Takes about 10 minutes on 2 cores.
// Usage: node bench/instructions.mjs [--fixtures small,medium,large] [--only verify|decode]
import { execFile } from 'node:child_process';
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { fixtures, sha, kib } from './fixtures.mjs';
import { signPayload, verifyPayload } from '../packages/signing/dist/index.js';
import { createTestCa } from '../packages/testing/dist/index.js';

const SIGNED_AT = new Date('2026-01-01T12:00:00Z');
const CANONICAL = /^<oadr:oadrPayload [^>]*>([\s\S]*)<\/oadr:oadrPayload>$/;
const WORKER = fileURLToPath(new URL('./instructions-worker.mjs', import.meta.url));
const SIZE_NAMES = ['small', 'medium', 'large'];
/** N per fixture (the other run makes 2N calls): enough that one call's count dwarfs the noise. */
const CALLS = [500, 50, 3];

/** Instructions callgrind counted for `calls` calls of `task` over the data in `file` (start-up included). */
function count(file, task, calls) {
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', WORKER, file, task, String(calls)];
  return new Promise((resolve, reject) => {
    execFile('valgrind', args, { maxBuffer: 1 << 24 }, (error, _stdout, stderr) => {
      const collected = /Collected : (\d+)/.exec(stderr);
      if (error !== null || collected === null) reject(new Error(`${task} under callgrind failed: ${error?.message ?? stderr.slice(-500)}`));
      else resolve(Number(collected[1]));
    });
  });
}

/** Runs the thunks, at most `limit` at a time; resolves with their results in order. */
async function pool(thunks, limit) {
  const results = new Array(thunks.length);
  let next = 0;
  const lane = async () => {
    while (next < thunks.length) {
      const i = next++;
      results[i] = await thunks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, thunks.length) }, lane));
  return results;
}

function valgrindPresent() {
  return new Promise((resolve) => execFile('valgrind', ['--version'], (error) => resolve(error === null)));
}

const millions = (n) => `${(n / 1e6).toFixed(n < 1e7 ? 2 : 1)} M`;

export async function run(argv = process.argv.slice(2)) {
  const { values } = parseArgs({ args: argv, options: { fixtures: { type: 'string', default: SIZE_NAMES.join(',') }, only: { type: 'string' } } });
  const sizes = values.fixtures.split(',').map((name) => SIZE_NAMES.indexOf(name.trim()));
  if (sizes.some((i) => i < 0) || (values.only !== undefined && !['verify', 'decode'].includes(values.only))) {
    console.error(`usage: node bench/instructions.mjs [--fixtures ${SIZE_NAMES.join(',')}] [--only verify|decode]`);
    process.exit(2);
  }
  if (!(await valgrindPresent())) {
    console.error('bench/instructions.mjs counts instructions with valgrind, which is not installed (Debian: apt-get install valgrind)');
    process.exit(2);
  }
  const [rsaCa, ecCa] = await Promise.all([createTestCa(), createTestCa({ keyType: 'ec' })]);
  const validity = { notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') };
  const identities = [
    { key: 'RSA 2048', identity: await rsaCa.issue({ commonName: 'bench-rsa', ...validity }), dsa: {} },
    { key: 'EC P-256', identity: await ecCa.issue({ commonName: 'bench-ec', keyType: 'ec', ...validity }), dsa: { dsaEncoding: 'ieee-p1363' } },
  ];
  const dir = mkdtempSync(join(tmpdir(), 'rxadr-instructions-'));
  try {
    // Each row: a candidate task and its limit over one data file, N and 2N calls of each.
    const rows = [];
    const stored = fixtures();
    for (const i of sizes) {
      const fixture = stored[i];
      if (values.only !== 'verify') {
        const file = join(dir, `decode-${i}.json`);
        writeFileSync(file, JSON.stringify({ xml: fixture.xml }));
        rows.push({ what: 'decode', fixture, key: '—', bytes: fixture.xml, file, candidate: 'decode', limit: 'saxes', calls: CALLS[i], goal: 1.5 });
      }
      if (values.only === 'decode') continue;
      for (const { key, identity, dsa } of identities) {
        const signed = signPayload(fixture.xml, identity, { now: () => SIGNED_AT, nonce: () => 'bench-nonce' });
        const verified = verifyPayload(signed, { certificates: [identity.certPem] }, { now: SIGNED_AT });
        if (!verified.ok) throw new Error(`${fixture.file}: ${verified.reason}: ${verified.message}`);
        const canonical = Buffer.from(CANONICAL.exec(verified.signedObjectXml)?.[1] ?? '', 'utf8');
        const signature = sign('sha256', canonical, { key: createPrivateKey(identity.keyPem), ...dsa });
        const file = join(dir, `verify-${i}-${dsa.dsaEncoding === undefined ? 'rsa' : 'ec'}.json`);
        const data = { xml: signed, certPem: identity.certPem, now: SIGNED_AT.toISOString(), publicKeyPem: identity.certPem, dsa };
        writeFileSync(file, JSON.stringify({ ...data, canonical: canonical.toString('base64'), signature: signature.toString('base64') }));
        rows.push({ what: 'verify + decode', fixture, key, bytes: signed, file, candidate: 'verify+decode', limit: 'saxes+verify', calls: CALLS[i], goal: 2 });
      }
    }
    const thunks = rows.flatMap((row) =>
      [row.candidate, row.limit].flatMap((task) => [() => count(row.file, task, row.calls), () => count(row.file, task, 2 * row.calls)]),
    );
    const counts = await pool(thunks, Math.max(1, availableParallelism()));
    console.log('\n## Instructions per call (valgrind callgrind, node --single-threaded, each side in a process of its own)\n');
    console.log('| what | fixture | key | bytes (sha256) | rxadr | limit | rxadr / limit | goal |');
    console.log('| --- | --- | --- | --- | ---: | ---: | ---: | ---: |');
    rows.forEach((row, r) => {
      const [c1, c2, l1, l2] = counts.slice(4 * r, 4 * r + 4);
      const candidate = (c2 - c1) / row.calls;
      const limit = (l2 - l1) / row.calls;
      const limitName = row.limit === 'saxes' ? 'raw saxes' : 'raw saxes + sha256 + crypto.verify';
      console.log(
        `| ${row.what} | ${row.fixture.file} | ${row.key} | ${kib(row.bytes)} (${sha(row.bytes)}) | ${millions(candidate)} | ${millions(limit)} (${limitName}) | ` +
          `${(candidate / limit).toFixed(2)}× | ≤ ${row.goal}× |`,
      );
    });
    console.log(
      '\nOne warm call: (count of 2N calls − count of N calls) / N, N = ' +
        sizes.map((i) => `${CALLS[i]} (${SIZE_NAMES[i]})`).join(', ') +
        '.\nInstructions leave out time spent waiting for memory, so timed ratios (signing.mjs, codec.mjs) come out higher on hosts with slow memory.',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
