import type { DecodeResult } from './decode-message.js';

/**
 * Decoded results of documents a single-pass reader has already decoded (the verifier of
 * `@rxadr/signing` decodes the signed object while it checks the signature), so the engine's
 * `decodeMessage` of that same text does not parse it a second time.
 */
interface Entry {
  readonly result: DecodeResult;
  /** Element nesting of the document, so a hit honours `maxDepth` exactly as a parse would. */
  readonly depth: number;
}

/** The few documents remembered last, at most `MAX_ENTRIES` and `MAX_CHARACTERS` in all. */
const recent = new Map<string, Entry>();
const MAX_ENTRIES = 8;
const MAX_CHARACTERS = 16 * 1024 * 1024;
let characters = 0;

/**
 * Remembers what decoding `xml` gives. The caller promises that `result` is exactly what
 * `decodeMessage(xml)` returns (same tree, same codec), and `depth` the document's element
 * nesting; a later `decodeMessage` of the same string (character for character) returns it.
 */
export function rememberDecoded(xml: string, result: DecodeResult, depth: number): void {
  if (xml.length > MAX_CHARACTERS) return;
  const earlier = recent.get(xml);
  if (earlier !== undefined) {
    recent.delete(xml);
    characters -= xml.length;
  }
  while (recent.size >= MAX_ENTRIES || (recent.size > 0 && characters + xml.length > MAX_CHARACTERS)) {
    const oldest = recent.keys().next().value!;
    recent.delete(oldest);
    characters -= oldest.length;
  }
  recent.set(xml, { result, depth });
  characters += xml.length;
}

/**
 * The remembered result for `xml` when it was decoded recently and the limits a parse would
 * apply let it through; `undefined` otherwise (the caller decodes).
 */
export function rememberedDecode(xml: string, maxBytes: number, maxDepth: number): DecodeResult | undefined {
  if (recent.size === 0 || xml.length > maxBytes) return undefined;
  const entry = recent.get(xml);
  if (entry === undefined || entry.depth > maxDepth) return undefined;
  return entry.result;
}
