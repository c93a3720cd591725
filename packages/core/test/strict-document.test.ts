import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../src/index.js';
import { readXml } from '../src/engine.js';

const poll = readFileSync(join(import.meta.dirname, 'fixtures', 'oadrPoll.default-namespace.xml'), 'utf8').trimEnd();

describe('strict documents: only whitespace and comments after the document element', () => {
  it.each([
    ['a processing instruction', '<?evil data?>'],
    ['a second element', '<oadrPayload/>'],
    ['text', 'trailing'],
    ['CDATA', '<![CDATA[x]]>'],
  ])('refuses %s after the root as not-xml', (_what, trailer) => {
    const result = decodeMessage(`${poll}\n${trailer}`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('not-xml');
  });

  it('names what is wrong for a trailing processing instruction', () => {
    expect(readXml('<a/><?pi x?>')).toEqual({
      ok: false,
      failure: { kind: 'not-xml', message: 'content after the document element (only whitespace and comments may follow it)' },
    });
  });

  it('accepts whitespace and comments after the root, and a processing instruction before it', () => {
    expect(decodeMessage(`${poll}\n  <!-- end -->\n\n`).ok).toBe(true);
    expect(readXml('<?xml-stylesheet href="x"?><a/>').ok).toBe(true);
  });
});
