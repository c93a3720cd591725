import { describe, expect, it } from 'vitest';
import { decodeElement, decodeMessage, encodeMessage } from '../src/index.js';
import { readXml, rememberDecoded } from '../src/engine.js';
import { corpus } from './corpus.js';

// decodeMessage returns a remembered result only for the exact same text, and only when a parse
// with the caller's limits would have let the document through: a hit must be what decoding gives.

/** Decodes without touching the cache: a trailing newline is allowed after the root and misses. */
const fresh = (xml: string) => decodeMessage(`${xml}\n`);

describe('decodeMessage and remembered decodes', () => {
  for (const [name, m] of Object.entries(corpus)) {
    it(`${name}: the remembered result of decodeElement equals decoding the text`, () => {
      const xml = encodeMessage(m);
      const read = readXml(xml);
      if (!read.ok) expect.fail(read.failure.message);
      const result = decodeElement(read.root);
      rememberDecoded(xml, result, 20);
      expect(decodeMessage(xml)).toBe(result);
      expect(fresh(xml)).toEqual(result);
    });
  }

  it('misses on any other text and returns what a parse gives', () => {
    const xml = encodeMessage(corpus['oadrPoll.minimal']!);
    const remembered = { ok: true, message: { type: 'oadrPoll', venID: 'REMEMBERED' } } as const;
    rememberDecoded(xml, remembered as never, 3);
    expect(decodeMessage(xml)).toBe(remembered);
    const other = xml.replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?>\n');
    expect(decodeMessage(other)).not.toBe(remembered);
    expect(decodeMessage(other).ok).toBe(true);
  });

  it('honours the caller limits: a document too large or too deep for them is refused, not remembered', () => {
    const xml = encodeMessage(Object.values(corpus)[0]!);
    const read = readXml(xml);
    if (!read.ok) expect.fail(read.failure.message);
    const result = decodeElement(read.root);
    rememberDecoded(xml, result, 7);
    expect(decodeMessage(xml, { maxBytes: xml.length - 1 })).toMatchObject({ ok: false, error: { kind: 'too-large' } });
    expect(decodeMessage(xml, { maxDepth: 6 })).not.toBe(result);
    expect(decodeMessage(xml, { maxDepth: 7 })).toBe(result);
  });

  it('keeps only a few documents', () => {
    const xml = encodeMessage(Object.values(corpus)[0]!);
    const first = decodeMessage(`${xml}\n`);
    rememberDecoded(xml, first, 3);
    for (let i = 0; i < 8; i++) rememberDecoded(`${xml}${' '.repeat(i + 2)}`, first, 3);
    expect(decodeMessage(xml)).not.toBe(first);
    expect(decodeMessage(xml)).toEqual(first);
  });
});
