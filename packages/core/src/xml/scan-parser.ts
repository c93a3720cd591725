import { SaxesParser } from 'saxes';

/**
 * The parts of a saxes 6 parser that {@link createScanParser} reads: the chunk being parsed, the
 * index of the next character, the text and the name gathered so far, the text handler, and the
 * two methods it wraps. saxes declares them private; they are checked when this module loads.
 */
interface SaxesInternals {
  chunk: string;
  i: number;
  text: string;
  /** The index of the last character read. */
  prevI: number;
  /** The name being read (of a tag or an attribute): '' between names. */
  name: string;
  /** Set once a `text` handler is attached. */
  textHandler: ((text: string) => void) | undefined;
  handleTextInRoot(): void;
  captureNameChars(): number;
}

const prototype = SaxesParser.prototype as unknown as Partial<SaxesInternals>;

/**
 * True when the saxes in use has the internals this module's fast paths read: otherwise every
 * parser is a plain one (correct, only slower).
 */
export const SKIPS_BLANK_TEXT = saxesFits();

function saxesFits(): boolean {
  if (typeof prototype.handleTextInRoot !== 'function' || typeof prototype.captureNameChars !== 'function') return false;
  const probe = new SaxesParser() as unknown as Record<string, unknown>;
  if (!['chunk', 'text', 'name'].every((key) => typeof probe[key] === 'string')) return false;
  if (!['i', 'prevI'].every((key) => typeof probe[key] === 'number')) return false;
  if (probe.textHandler !== undefined) return false;
  (probe as unknown as SaxesParser).on('text', () => {});
  return typeof probe.textHandler === 'function';
}

/** ASCII characters that may appear in an XML name: letters, digits, `_`, `:`, `-` and `.`. */
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
  if (letter || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x3a || c === 0x2d || c === 0x2e) NAME_CHAR[c] = 1;
}

/** saxes as this module sees it: a base class with the internals above. */
const Saxes = SaxesParser as unknown as new (options: { xmlns: false; position: false }) => SaxesInternals;

/**
 * A saxes parser (namespace processing and position tracking off) with three fast paths over
 * saxes' own character-by-character reading, each ending where saxes takes over again with its
 * state as if it had read the characters itself (line and column are not kept: with position
 * tracking off, saxes reports neither, its error messages leave them out, so nothing reads them):
 * - it skips whitespace-only character data inside the document element without building a
 *   string for it, whenever `wantsBlank()` says it is not wanted there. A run of spaces, tabs and
 *   line feeds ending at `<` is blank (a carriage return, which saxes normalizes, or a reference,
 *   sends the run to saxes): the parser moves past it and saxes reads the `<`;
 * - other character data of printable ASCII, tabs and line feeds only, ending at `<`, is cut from
 *   the document in one slice and left for saxes to report at the `<` (a reference, a carriage
 *   return, a `]` (saxes watches for `]]>`) or any other character sends the run to saxes);
 * - the ASCII part of a tag or attribute name is read in a tight loop and cut in one slice; when
 *   printable ASCII, a tab or a line feed ends it, that character is read too (saxes' state
 *   methods then judge it as they do); otherwise saxes reads the rest of the name and its end.
 * The overrides are methods of a subclass, not properties of each parser, so saxes' own code keeps
 * seeing parsers of one shape.
 */
class FastPathParser extends Saxes {
  constructor(
    private readonly wantsBlank: () => boolean,
    private readonly onBlank: ((start: number, end: number) => void) | undefined,
  ) {
    super({ xmlns: false, position: false });
  }

  /** The offset in the document of the next character saxes reads (the document is written in one chunk). */
  get offset(): number {
    return this.i;
  }

  override handleTextInRoot(): void {
    // A fresh run of text (none gathered before a reference): saxes' check for `]]>` starts afresh too.
    if (this.text === '') {
      const chunk = this.chunk;
      const start = this.i;
      let k = start;
      let c = chunk.charCodeAt(k);
      while (c === 0x20 || c === 0x0a || c === 0x09) c = chunk.charCodeAt(++k);
      if (c === 0x3c) {
        if (k > start && !this.wantsBlank()) {
          this.i = k;
          this.onBlank?.(start, k);
        }
      } else {
        while ((c >= 0x20 && c < 0x7f && c !== 0x3c && c !== 0x26 && c !== 0x5d) || c === 0x0a || c === 0x09) c = chunk.charCodeAt(++k);
        // saxes reads the `<` next and reports the gathered text, as it does for text before a reference.
        if (c === 0x3c && this.textHandler !== undefined) {
          this.text = chunk.slice(start, k);
          this.i = k;
        }
      }
    }
    super.handleTextInRoot();
  }

  override captureNameChars(): number {
    const chunk = this.chunk;
    const start = this.i;
    let k = start;
    let c = chunk.charCodeAt(k);
    while (c < 0x80 && NAME_CHAR[c] === 1) c = chunk.charCodeAt(++k);
    // Ended by printable ASCII, a tab or a line feed: read as saxes reads it (it returns the character).
    if ((c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a) {
      if (k > start) this.name += chunk.slice(start, k);
      this.prevI = k;
      this.i = k + 1;
      return c;
    }
    if (k > start) {
      this.name += chunk.slice(start, k);
      this.i = k;
    }
    return super.captureNameChars();
  }
}

/** A saxes parser as {@link createScanParser} makes it: `offset` is known when saxes allows. */
export type ScanParser = SaxesParser & { readonly offset?: number };

/**
 * A parser for {@link scanXml}: one skipping blank text where `wantsBlank()` is false, when saxes
 * allows, and then telling `onBlank` the offsets of each run it skipped.
 */
export function createScanParser(wantsBlank: () => boolean, onBlank?: (start: number, end: number) => void): ScanParser {
  if (!SKIPS_BLANK_TEXT) return new SaxesParser({ xmlns: false, position: false });
  return new FastPathParser(wantsBlank, onBlank) as unknown as ScanParser;
}
