// Decode and encode of the benchmark messages (fixtures.mjs), each beside its limit measured in
// the same rounds on the same bytes:
//   decode limit: raw saxes tokenizing the document (namespaces on, no handlers);
//   encode limit: a plain string concatenation of the same document's tags and texts.
// Goals (issue "fast where it counts"): decode <= 1.5x raw saxes at every size; an 8 MB
// oadrUpdateReport encodes in well under 100 ms.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { measure, ms, ratio, times } from './timing.mjs';
import { messages, updateReport, sha, kib } from './fixtures.mjs';
import { decodeMessage, encodeMessage } from '../packages/core/dist/index.js';

const requireFromCore = createRequire(new URL('../packages/core/package.json', import.meta.url));
const { SaxesParser } = await import(pathToFileURL(requireFromCore.resolve('saxes')).href);

export function rawSaxes(xml) {
  const parser = new SaxesParser({ xmlns: true });
  parser.write(xml).close();
}

/** The document cut at every tag boundary: concatenating these is the encode limit. */
function pieces(xml) {
  return xml.split(/(?=<)/);
}

function concat(parts) {
  let s = '';
  for (let i = 0; i < parts.length; i++) s += parts[i];
  return s.length;
}

export async function run() {
  console.log('\n## Message codec (medians [lowest–highest round], ms per message)\n');
  console.log('| message | bytes (sha256) | decode | raw saxes | decode / saxes | encode | string concat | encode / concat |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const { label, message } of messages()) {
    const xml = encodeMessage(message);
    const check = decodeMessage(xml);
    if (!check.ok) throw check.error;
    const parts = pieces(xml);
    if (parts.join('') !== xml) throw new Error('pieces do not rebuild the document');
    const big = xml.length > 1e6;
    const m = measure(
      { decode: () => decodeMessage(xml), saxes: () => rawSaxes(xml), encode: () => encodeMessage(message).length, concat: () => concat(parts) },
      { rounds: big ? 5 : 7, minMs: big ? 150 : 40 },
    );
    console.log(
      `| ${label} | ${kib(xml)} (${sha(xml)}) | ${ms(m.decode)} | ${ms(m.saxes)} | ${times(ratio(m.decode, m.saxes))} | ${ms(m.encode)} | ${ms(m.concat)} | ${times(ratio(m.encode, m.concat))} |`,
    );
  }
  const report = updateReport();
  const xml = encodeMessage(report);
  const parts = pieces(xml);
  const m = measure({ encode: () => encodeMessage(report).length, concat: () => concat(parts) }, { rounds: 5, minMs: 100 });
  console.log(
    `\noadrUpdateReport, 530 rIDs x 60 intervals, ${kib(xml)} (${sha(xml)}): encode ${ms(m.encode)} ms; string concat ${ms(m.concat)} ms; ${times(ratio(m.encode, m.concat))}. Goal: well under 100 ms.`,
  );
  console.log('Goal: decode <= 1.5x raw saxes at every size.');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
