import { SaxesParser } from 'saxes';

/**
 * The parts of a saxes 6 parser that {@link createScanParser} reads: the chunk being parsed, the
 * index of the next character, the text gathered so far and the state method it wraps. saxes
 * declares them private; they are checked when this module loads.
 */
interface SaxesInternals {
  chunk: string;
  i: number;
  text: string;
  handleTextInRoot(): void;
}

const original = (SaxesParser.prototype as unknown as Partial<SaxesInternals>).handleTextInRoot;

/**
 * True when the saxes in use has the text state method this module wraps: otherwise every parser
 * is a plain one (correct, only slower).
 */
export const SKIPS_BLANK_TEXT = saxesFits();

function saxesFits(): boolean {
  if (typeof original !== 'function') return false;
  const probe = new SaxesParser() as unknown as Record<string, unknown>;
  const strings = ['chunk', 'text'];
  const numbers = ['i'];
  return strings.every((key) => typeof probe[key] === 'string') && numbers.every((key) => typeof probe[key] === 'number');
}

/** saxes as this module sees it: a base class with the internals above. */
const Saxes = SaxesParser as unknown as new (options: { xmlns: false; position: false }) => SaxesInternals;

/**
 * A saxes parser (namespace processing and position tracking off) that skips whitespace-only
 * character data inside the document element without building a string for it, whenever
 * `wantsBlank()` says it is not wanted there; all other text is read and reported by saxes as usual.
 * A run of spaces, tabs and line feeds ending at `<` is blank (a carriage return, which saxes
 * normalizes, or a reference, sends the run to saxes): the parser moves past it and saxes reads
 * the `<`. The override is a method of a subclass, not a property of each parser, so saxes' own
 * code keeps seeing parsers of one shape.
 */
class BlankSkippingParser extends Saxes {
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
    if (this.text === '') {
      const chunk = this.chunk;
      const start = this.i;
      let k = start;
      let c = chunk.charCodeAt(k);
      while (c === 0x20 || c === 0x0a || c === 0x09) c = chunk.charCodeAt(++k);
      if (c === 0x3c && k > start && !this.wantsBlank()) {
        // Line and column are not kept: with position tracking off, saxes reports neither (its
        // error messages leave them out), so nothing reads them.
        this.i = k;
        this.onBlank?.(start, k);
      }
    }
    super.handleTextInRoot();
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
  return new BlankSkippingParser(wantsBlank, onBlank) as unknown as ScanParser;
}
