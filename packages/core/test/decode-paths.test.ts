import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, type DecodeResult } from '../src/index.js';
import { decodeElement } from '../src/codec/decode-message.js';
import { streamRead } from '../src/codec/stream-read.js';
import { oadrPayloadCodec } from '../src/model/message.js';
import type { XmlCodec } from '../src/codec/xml-codec.js';
import { readXml } from '../src/xml/read-xml.js';
import { corpus } from './corpus.js';
import { extras } from './corpus-extras.js';

const xmlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));

const examples = process.env['OADR_EXAMPLES_DIR'] ?? join(process.cwd(), '..', 'shared', 'oadr-examples');
const encoded = [...Object.values(corpus), ...Object.values(extras)].map((m) => encodeMessage(m));
const documents = [
  ...encoded,
  ...xmlFiles(join(import.meta.dirname, 'fixtures')),
  ...xmlFiles(join(import.meta.dirname, '..', '..', '..', 'bench', 'fixtures')),
  ...xmlFiles(examples),
];

/** The decode through the element tree: what `decodeMessage` falls back to, and did alone before. */
function viaTree(xml: string): DecodeResult {
  const read = readXml(xml);
  if (read.ok) return decodeElement(read.root);
  return decodeMessage(xml);
}

/** Results as JSON, key order included, errors by kind and issues. */
function shown(result: DecodeResult): string {
  if (result.ok) return JSON.stringify([result.message, result.signature, result.signedObjectId]);
  return JSON.stringify([result.error.kind, result.error.issues]);
}

describe('the single-pass decoder against the element-tree decoder', () => {
  it('reads every valid document in one pass, without falling back to the tree', () => {
    const valid = documents.filter((xml) => viaTree(xml).ok);
    expect(valid.length).toBeGreaterThan(encoded.length);
    for (const xml of valid) expect(streamRead(xml, oadrPayloadCodec as unknown as XmlCodec<unknown>, {}, () => {})).toHaveProperty('value');
  });

  it('decodes every corpus message, fixture, bench fixture and example to the same result', () => {
    for (const xml of documents) expect(shown(decodeMessage(xml))).toBe(shown(viaTree(xml)));
  });

  it('decodes edited documents to the same result, errors and their paths included', () => {
    const seeds = documents.filter((xml) => xml.length < 200_000);
    const edit = fc.record({
      seed: fc.nat({ max: seeds.length - 1 }),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 60 }),
      op: fc.constantFrom('delete', 'duplicate', 'insert'),
      text: fc.constantFrom('<ei:extra/>', ' x ', '\u00a0', '<![CDATA[ ]]>', '<!-- c -->', '-1', 'NaN', 'x-y', '<a:b xmlns:a="urn:a"/>'),
    });
    fc.assert(
      fc.property(edit, ({ seed, at, length, op, text }) => {
        const xml = seeds[seed]!;
        // Edits at tag boundaries keep most documents well-formed, so the codecs see them.
        const tags = [...xml.matchAll(/>/g)];
        const i = tags.length === 0 ? 0 : tags[at % tags.length]!.index + 1;
        const edited =
          op === 'delete' ? xml.slice(0, i) + xml.slice(i + length) : op === 'duplicate' ? xml.slice(0, i + length) + xml.slice(i, i + length) + xml.slice(i + length) : xml.slice(0, i) + text + xml.slice(i);
        expect(shown(decodeMessage(edited))).toBe(shown(viaTree(edited)));
      }),
      { numRuns: 400 },
    );
  });
});
