// `pnpm bench`: every benchmark, each printing its figures next to a baseline measured in the same run.
// The fleet runs at the size its goals are set for (10,000 VENs; `--vens N` for another), and the
// script is started with --expose-gc (package.json), so heap figures are measured after a forced
// collection and printed.
import { readdirSync } from 'node:fs';
import { argument } from './fleet.mjs';

const order = ['codec.mjs', 'signing.mjs', 'http.mjs', 'fleet.mjs', 'reports.mjs', 'store.mjs'];
const present = new Set(readdirSync(new URL('.', import.meta.url)));
const vens = argument('vens', 10_000);
console.log(`# rxadr benchmarks (node ${process.version}, ${process.platform}/${process.arch})`);
if (typeof globalThis.gc !== 'function') console.log('(started without --expose-gc: heap figures are not printed)');
for (const file of order.filter((f) => present.has(f))) {
  const mod = await import(new URL(file, import.meta.url).href);
  await (file === 'fleet.mjs' ? mod.run(vens) : mod.run());
}
