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

/**
 * The few documents remembered last, oldest first, at most `MAX_ENTRIES` and `MAX_CHARACTERS` in
 * all. A short list compared with `===` rather than a map: the verifier hands `decodeMessage` the
 * very string it remembered, which `===` matches by identity at once, whereas a map lookup of a
 * long fresh string compares it character by character with any remembered one of its length.
 */
const recent: { readonly xml: string; readonly entry: Entry }[] = [];
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
  while (recent.length >= MAX_ENTRIES || (recent.length > 0 && characters + xml.length > MAX_CHARACTERS)) {
    characters -= recent.shift()!.xml.length;
  }
  recent.push({ xml, entry: { result, depth } });
  characters += xml.length;
}

/**
 * The remembered result for `xml` when it was decoded recently and the limits a parse would
 * apply let it through; `undefined` otherwise (the caller decodes). The newest match wins.
 */
export function rememberedDecode(xml: string, maxBytes: number, maxDepth: number): DecodeResult | undefined {
  if (recent.length === 0 || xml.length > maxBytes) return undefined;
  for (let i = recent.length - 1; i >= 0; i--) {
    const remembered = recent[i]!;
    if (remembered.xml.length !== xml.length || remembered.xml !== xml) continue;
    return remembered.entry.depth > maxDepth ? undefined : remembered.entry.result;
  }
  return undefined;
}
