// The process instructions.mjs runs under callgrind: loads one task over the data in a JSON file,
// then calls it a given number of times and exits. Usage: instructions-worker.mjs <data.json> <task> <calls>
import { readFileSync } from 'node:fs';
import { makeTask } from './tasks.mjs';

const [file, task, calls] = process.argv.slice(2);
const stored = JSON.parse(readFileSync(file, 'utf8'));
const data = { ...stored, canonical: Buffer.from(stored.canonical ?? '', 'base64'), signature: Buffer.from(stored.signature ?? '', 'base64') };
const fn = await makeTask(task, data);
for (let n = Number(calls); n > 0; n--) fn();
