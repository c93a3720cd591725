import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scanXml } from '@rxadr/core/engine';
import { CanonicalWriter } from '../src/canonical-stream.js';
import { canonicalize } from '../src/canonicalize.js';
import { parseXml } from '../src/xml-dom.js';

// The canonical writer hashes its text in chunks of about 16 KiB as it writes them: the digest
// must be the SHA-256 of the UTF-8 bytes of the whole text, and the text xml-crypto's C14N,
// with supplementary characters (surrogate pairs) on both sides of the chunk boundaries.

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64');

function written(xml: string, hashWhileWriting = true): CanonicalWriter {
  const writer = new CanonicalWriter([], undefined, '', false, hashWhileWriting);
  const failure = scanXml(xml, writer);
  if (failure !== undefined) expect.fail(failure.message);
  return writer;
}

describe('chunked canonical text and its digest', () => {
  for (const pad of [16 * 1024 - 12, 16 * 1024 - 11, 16 * 1024 - 10, 40_000]) {
    it(`a supplementary character near a chunk boundary (${pad} characters before it)`, () => {
      const text = 'a'.repeat(pad) + '\u{1F600}b\u{10348}';
      const xml = `<r xmlns="urn:x"><t>${text}</t>${'<u>\u{1F600}</u>'.repeat(3000)}</r>`;
      const writer = written(xml);
      expect(writer.done).toBe(true);
      const reference = canonicalize(parseXml(xml, 'test').documentElement!);
      expect(writer.out).toBe(reference);
      expect(writer.digest()).toBe(sha256(reference));
      expect(writer.out).toBe(reference);
      // A writer that hashes only when asked (SignedInfo's) gives the same text and digest.
      const lazy = written(xml, false);
      expect(lazy.digest()).toBe(sha256(reference));
      expect(lazy.out).toBe(reference);
    });
  }

  // Long pieces (texts, stretches of the source) are hashed as they are, not copied into a chunk;
  // a surrogate pair split between two of them still hashes as the one character it is.
  it('a surrogate pair split between two long pieces', () => {
    const writer = new CanonicalWriter([]);
    const tag = { qname: 'r', prefix: '', local: 'r', ns: '', attrs: [], declarations: [] };
    writer.open(tag);
    writer.text('a'.repeat(3000) + '\uD83D');
    writer.text('\uDE00' + 'b'.repeat(3000));
    writer.text('\uD800');
    writer.close();
    const expected = `<r>${'a'.repeat(3000)}\u{1F600}${'b'.repeat(3000)}\uD800</r>`;
    expect(writer.out).toBe(expected);
    expect(writer.digest()).toBe(sha256(expected));
  });

  it('a stretch of the source canonical as it stands, longer than a chunk, hashed as it is', () => {
    const body = '<t>x</t>\n'.repeat(5000);
    const xml = `<r xmlns="urn:x">${body}<u a="1"/></r>`;
    const writer = new CanonicalWriter([], undefined, xml, true);
    const cursor = { end: -1 };
    const failure = scanXml(xml, {
      cursor,
      open: (tag) => writer.open(tag, cursor.end),
      text: (text) => writer.text(text, cursor.end),
      close: () => writer.close(cursor.end),
      wantsBlankText: () => false,
      blankText: (start, end) => writer.blank(start, end),
    });
    if (failure !== undefined) expect.fail(failure.message);
    const reference = canonicalize(parseXml(xml, 'test').documentElement!);
    expect(writer.out).toBe(reference);
    expect(writer.digest()).toBe(sha256(reference));
  });

  it('a small document is one chunk, with the same digest', () => {
    const writer = written('<a b="1" xmlns="urn:y"><c>&amp;&lt;</c></a>');
    expect(writer.out).toBe('<a xmlns="urn:y" b="1"><c>&amp;&lt;</c></a>');
    expect(writer.digest()).toBe(sha256(writer.out));
  });
});
