// `pnpm bench`: every benchmark, each printing its figures next to a baseline measured in the same run.
import { readdirSync } from 'node:fs';

const order = ['codec.mjs', 'signing.mjs', 'http.mjs', 'fleet.mjs', 'reports.mjs', 'store.mjs'];
const present = new Set(readdirSync(new URL('.', import.meta.url)));
console.log(`# rxadr benchmarks (node ${process.version}, ${process.platform}/${process.arch})`);
for (const file of order.filter((f) => present.has(f))) {
  const mod = await import(new URL(file, import.meta.url).href);
  await mod.run();
}
