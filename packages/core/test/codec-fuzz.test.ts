import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, decodeMessage, encodeMessage, type DecodeResult } from '../src/index.js';
import { corpus } from './corpus.js';

const seeds = Object.values(corpus).map((m) => encodeMessage(m));

/** A random edit of a valid document: delete, duplicate, replace or insert a slice of text. */
const mutation = fc.record({
  seed: fc.integer({ min: 0, max: seeds.length - 1 }),
  edits: fc.array(
    fc.record({
      op: fc.constantFrom('delete', 'duplicate', 'insert', 'swap-tag'),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 40 }),
      text: fc.constantFrom('<', '>', '&', '&amp;', '</ei:venID>', '<ei:venID>x</ei:venID>', 'x-', '-1', 'NaN', ']]>', '<![CDATA[', '"', ' ', '\u0000', 'é', '<!DOCTYPE a>', '99999999999'),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

function mutate(xml: string, edits: ReadonlyArray<{ op: string; at: number; length: number; text: string }>): string {
  let out = xml;
  for (const { op, at, length, text } of edits) {
    const i = at % (out.length + 1);
    if (op === 'delete') out = out.slice(0, i) + out.slice(i + length);
    else if (op === 'duplicate') out = out.slice(0, i + length) + out.slice(i, i + length) + out.slice(i + length);
    else if (op === 'insert') out = out.slice(0, i) + text + out.slice(i);
    else out = out.replace(/<(\/?)ei:(\w+)/, (_, slash: string, name: string) => `<${slash}ei:${name}X`);
  }
  return out;
}

function assertTyped(result: DecodeResult): void {
  if (result.ok) {
    // a valid message must encode again and decode to itself
    const again = decodeMessage(encodeMessage(result.message));
    expect(again.ok).toBe(true);
    if (again.ok) expect(again.message).toEqual(result.message);
  } else {
    expect(result.error).toBeInstanceOf(DecodeError);
    expect(result.error.issues.length).toBeGreaterThan(0);
    for (const issue of result.error.issues) {
      expect(typeof issue.path).toBe('string');
      expect(typeof issue.expected).toBe('string');
      expect(typeof issue.found).toBe('string');
    }
  }
}

describe('decoder fuzzing (random mutations of valid messages)', () => {
  it('never throws and always returns a valid message or a typed failure', () => {
    let failures = 0;
    fc.assert(
      fc.property(mutation, ({ seed, edits }) => {
        const result = decodeMessage(mutate(seeds[seed]!, edits));
        if (!result.ok) failures++;
        assertTyped(result);
      }),
      { numRuns: 3000, seed: 20261126 },
    );
    expect(failures).toBeGreaterThan(100);
  });

  it('survives arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        assertTyped(decodeMessage(text));
      }),
      { numRuns: 1000, seed: 7 },
    );
  });
});
