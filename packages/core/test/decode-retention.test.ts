import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectedHeap as heapUsed } from '@rxadr/testing';
import { describe, expect, it } from 'vitest';
import { Duration, decodeMessage, isMessage } from '../src/index.js';

const example = (name: string): string =>
  readFileSync(join(process.env['OADR_EXAMPLES_DIR'] ?? join(process.cwd(), '..', 'shared', 'oadr-examples'), name), 'utf8');

describe('a decoded message keeps none of the document it was read from', () => {
  it('holding the events of 40 one-megabyte documents costs far less than the documents', () => {
    const xml = example('oadrDistributeEvent.xml');
    const rootEnd = xml.indexOf('>', xml.indexOf('<oadr:oadrPayload')) + 1;
    const padding = 'x'.repeat(1024 * 1024);
    const kept: unknown[] = [];
    const before = heapUsed();
    for (let i = 0; i < 40; i++) {
      // A fresh string per document (the padding differs), dropped once decoded.
      const body = `${xml.slice(0, rootEnd)}<!--${padding}${i}-->${xml.slice(rootEnd)}`;
      const result = decodeMessage(body);
      if (!result.ok) throw result.error;
      if (!isMessage(result.message, 'oadrDistributeEvent')) throw new Error('wrong type');
      kept.push(result.message);
    }
    const grown = heapUsed() - before;
    // Each kept event holds strings of 13 characters or more (market contexts, IDs): were they views
    // into their documents, the 40 documents (80 MB as UTF-16, 40 MB as Latin-1) would stay alive.
    expect(kept).toHaveLength(40);
    expect(grown).toBeLessThan(4 * 1024 * 1024);
  });
});

describe('what the duration cache keeps', () => {
  it('a remembered duration keeps a copy of its text, not the 16-megabyte document it was read from', () => {
    // A duration no other test in this file reads, so the cache misses and stores it.
    const text = 'P3Y2M1DT13H47M31S';
    const before = heapUsed();
    // The document is built, read and dropped inside this function; only the cache can keep it alive.
    const parse = (): number | undefined => {
      const document = `${'x'.repeat(16 * 1024 * 1024)}<xcal:duration>${text}</xcal:duration>`;
      const start = document.indexOf('<xcal:duration>') + '<xcal:duration>'.length;
      return Duration.parse(document.slice(start, document.indexOf('<', start)))?.seconds;
    };
    expect(parse()).toBe(31);
    expect(heapUsed() - before).toBeLessThan(4 * 1024 * 1024);
    // The cached value answers the same text again, and its text is the text read (a form the schema accepts, written back as it came).
    expect(Duration.parse(text)?.toString()).toBe(text);
  });
});
