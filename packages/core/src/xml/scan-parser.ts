import { SaxesParser } from 'saxes';

/**
 * The parts of a saxes 6 parser that {@link createScanParser}'s fast paths read and set: the chunk
 * being parsed and the position in it, what is gathered so far (text, name, tag, attributes), the
 * state and the flags saxes' start-tag state keeps, and the methods overridden or called. saxes
 * declares them private; they are checked when this module loads.
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
  openTagStartHandler: ((tag: SaxesTag) => void) | undefined;
  /** The tag being read; its `attributes` are filled once the tag is complete. */
  tag: SaxesTag | null;
  state: number;
  /** The open elements' tags, innermost last. */
  tags: SaxesTag[];
  sawRoot: boolean;
  closedRoot: boolean;
  fragmentOpt: boolean;
  xmlnsOpt: boolean;
  handleTextInRoot(): void;
  captureNameChars(): number;
  sOpenTag(): void;
  sCloseTag(): void;
  closeTag(): void;
  /** The attributes read for the tag at hand, moved into its `attributes` by `processAttribsPlain`. */
  attribList: { name: string; value: string }[];
  processAttribsPlain(): void;
  /** The quote of the attribute value being read. */
  q: number | null;
  pushAttrib(name: string, value: string): void;
  sAttribValueQuoted(): void;
  openTag(): void;
  fail(message: string): void;
}

/** A tag as saxes builds it (with `xmlns: false`). */
interface SaxesTag {
  name: string;
  attributes: Record<string, string>;
  isSelfClosing: boolean;
}

const prototype = SaxesParser.prototype as unknown as Partial<SaxesInternals> & Record<string, unknown>;

/** saxes' states this module sets, found in its state table by the methods that handle them (-1: not found). */
const probeTable = (new SaxesParser() as unknown as { stateTable?: unknown }).stateTable;
const stateOf = (method: unknown): number => (Array.isArray(probeTable) && typeof method === 'function' ? probeTable.indexOf(method) : -1);
const S_ATTRIB = stateOf(prototype.sAttrib);
const S_OPEN_TAG_SLASH = stateOf(prototype.sOpenTagSlash);
const S_ATTRIB_VALUE_CLOSED = stateOf(prototype.sAttribValueClosed);

/**
 * True when the saxes in use has the internals this module's fast paths read: otherwise every
 * parser is a plain one (correct, only slower).
 */
export const FAST_PATHS = saxesFits();

function saxesFits(): boolean {
  const methods = ['handleTextInRoot', 'captureNameChars', 'sOpenTag', 'openTag', 'sCloseTag', 'closeTag', 'processAttribsPlain', 'sAttribValueQuoted', 'fail'];
  if (!methods.every((key) => typeof prototype[key] === 'function')) return false;
  if (S_ATTRIB < 0 || S_OPEN_TAG_SLASH < 0 || S_ATTRIB_VALUE_CLOSED < 0) return false;
  const probe = new SaxesParser() as unknown as Record<string, unknown>;
  if (!['chunk', 'text', 'name'].every((key) => typeof probe[key] === 'string')) return false;
  if (!['i', 'prevI', 'state'].every((key) => typeof probe[key] === 'number')) return false;
  if (!['sawRoot', 'closedRoot', 'fragmentOpt', 'xmlnsOpt'].every((key) => typeof probe[key] === 'boolean')) return false;
  if (probe.tag !== null || probe.textHandler !== undefined || probe.openTagStartHandler !== undefined) return false;
  if (!Array.isArray(probe.tags) || !Array.isArray(probe.attribList) || probe.q !== null || typeof probe.pushAttrib !== 'function') return false;
  (probe as unknown as SaxesParser).on('text', () => {});
  return typeof probe.textHandler === 'function';
}

/** ASCII characters that may appear in an XML name: letters, digits, `_`, `:`, `-` and `.`. */
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
  if (letter || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x3a || c === 0x2d || c === 0x2e) NAME_CHAR[c] = 1;
}

/**
 * The attributes of every tag whose name ends at `>` (it has none), and of every tag when
 * attributes go to events only: one empty object, never written (`processAttribsPlain` fills
 * nothing then), where saxes makes a dictionary per tag, the most memory a parse allocates.
 */
const NO_ATTRIBUTES: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>);

/** saxes' end of chunk, and the characters its start-tag state looks for. */
const EOC = -1;
const GREATER = 0x3e;
const FORWARD_SLASH = 0x2f;

/** saxes as this module sees it: a base class with the internals above. */
const Saxes = SaxesParser as unknown as new (options: { xmlns: false; position: false }) => SaxesInternals;

/**
 * A saxes parser (namespace processing and position tracking off) with fast paths over
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
 *   methods then judge it as they do); otherwise saxes reads the rest of the name and its end;
 * - an attribute value of printable ASCII only (no reference, `<`, tab or line break) is read in
 *   a tight loop up to its closing quote and handed to saxes in one slice;
 * - a start tag with no attributes (its name ends at `>`) shares one empty attributes object
 *   instead of getting a dictionary of its own, and tag objects are reused per depth: saxes' tag
 *   per element, with its dictionary, was 80% of the memory a decode allocated (26 MB of 33 MB
 *   for the 3.86 MB benchmark fixture), so collections came about four times as often, each
 *   copying the message being built so far; for the same reason a tag with no attributes keeps
 *   saxes' empty list of them, and an end tag that names the open element (followed by `>`) is
 *   read without cutting its name from the document; without `attributesInTag`, no tag gets an
 *   attributes dictionary at all (filling one was 5% of a decode at 4.5 KB).
 * The overrides are methods of a subclass, not properties of each parser, so saxes' own code keeps
 * seeing parsers of one shape.
 */
class FastPathParser extends Saxes {
  constructor(
    private readonly wantsBlank: () => boolean,
    private readonly onBlank: ((start: number, end: number) => void) | undefined,
    /** False: attributes reach the handlers through `attribute` events only (see {@link ScanParserOptions}). */
    private readonly attributesInTag: boolean,
  ) {
    super({ xmlns: false, position: false });
    // The start-tag state below is saxes' without namespaces.
    if (this.xmlnsOpt) throw new Error('the scan parser reads with xmlns: false');
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

  /**
   * One tag object per depth, reused by each element opened there (saxes makes one per element):
   * saxes lets go of a tag once its element closes, and the handlers here read tags only during
   * their calls.
   */
  private readonly tagAt: SaxesTag[] = [];

  /** saxes' start-tag state (`xmlns: false`), with a tag's attributes shared when it has none and tag objects reused per depth. */
  override sOpenTag(): void {
    const c = this.captureNameChars();
    if (c === EOC) return;
    const attributes = c === GREATER || !this.attributesInTag ? NO_ATTRIBUTES : (Object.create(null) as Record<string, string>);
    const depth = this.tags.length;
    let tag = this.tagAt[depth];
    if (tag === undefined) this.tagAt[depth] = tag = { name: this.name, attributes, isSelfClosing: false };
    else {
      tag.name = this.name;
      tag.attributes = attributes;
      tag.isSelfClosing = false;
    }
    this.tag = tag;
    this.name = '';
    this.openTagStartHandler?.(tag);
    this.sawRoot = true;
    if (!this.fragmentOpt && this.closedRoot) this.fail('documents may contain only one root.');
    if (c === GREATER) this.openTag();
    else if (c === FORWARD_SLASH) this.state = S_OPEN_TAG_SLASH;
    else {
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) this.fail('disallowed character in tag name.');
      this.state = S_ATTRIB;
    }
  }

  /**
   * saxes' quoted-attribute-value state, with a value of printable ASCII only (no reference, no
   * `<`, no tab or line break, which saxes normalizes to a space) read in a tight loop up to its
   * closing quote and handed over in one slice, as saxes does at the quote.
   */
  override sAttribValueQuoted(): void {
    const q = this.q;
    if (this.text === '' && q !== null) {
      const chunk = this.chunk;
      const start = this.i;
      let k = start;
      let c = chunk.charCodeAt(k);
      while (c >= 0x20 && c < 0x7f && c !== q && c !== 0x26 && c !== 0x3c) c = chunk.charCodeAt(++k);
      if (c === q) {
        this.prevI = k;
        this.i = k + 1;
        this.pushAttrib(this.name, chunk.slice(start, k));
        this.name = this.text = '';
        this.q = null;
        this.state = S_ATTRIB_VALUE_CLOSED;
        return;
      }
    }
    super.sAttribValueQuoted();
  }

  /**
   * saxes' own, except that a tag with no attributes keeps the (empty) list where saxes makes a new
   * one per tag, and that without `attributesInTag` no dictionary is filled: only saxes' check for a
   * repeated name is made, with its message.
   */
  override processAttribsPlain(): void {
    const list = this.attribList;
    if (list.length === 0) return;
    if (this.attributesInTag) {
      super.processAttribsPlain();
      return;
    }
    if (list.length > 1) {
      const repeated = repeatedName(list);
      if (repeated !== undefined) this.fail(`duplicate attribute: ${repeated}.`);
    }
    this.attribList = [];
  }

  /**
   * saxes' end-tag state, with the common case read without cutting a name from the document: the
   * name of the element being closed followed by `>` (what saxes would read as that very name),
   * handed to saxes' `closeTag` as the open tag's own string.
   */
  override sCloseTag(): void {
    const tags = this.tags;
    const open = tags.length === 0 ? undefined : tags[tags.length - 1]!.name;
    if (open !== undefined && this.name === '') {
      const end = this.i + open.length;
      if (this.chunk.charCodeAt(end) === GREATER && this.chunk.startsWith(open, this.i)) {
        this.name = open;
        this.prevI = end;
        this.i = end + 1;
        this.closeTag();
        return;
      }
    }
    super.sCloseTag();
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

/** Beyond this many attributes on one tag, repeated names are found with a set, not by comparing each pair. */
const PAIRWISE_ATTRIBUTES = 8;

/** The first name in `list` that an earlier entry has too (saxes reports the later one), or undefined. */
function repeatedName(list: readonly { readonly name: string }[]): string | undefined {
  if (list.length <= PAIRWISE_ATTRIBUTES) {
    for (let i = 1; i < list.length; i++) {
      const name = list[i]!.name;
      for (let j = 0; j < i; j++) if (list[j]!.name === name) return name;
    }
    return undefined;
  }
  const seen = new Set<string>();
  for (const { name } of list) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/** How a parser from {@link createScanParser} reports attributes. */
export interface ScanParserOptions {
  /**
   * False: each tag's `attributes` stays empty and attributes reach the handlers through
   * `attribute` events only (as {@link scanXml} reads them), sparing a dictionary per tag; a
   * repeated attribute name is refused as saxes refuses it. True (the default): as saxes does.
   */
  readonly attributesInTag?: boolean;
}

/** A saxes parser as {@link createScanParser} makes it: `offset` is known when saxes allows. */
export type ScanParser = SaxesParser & { readonly offset?: number };

/**
 * A parser for {@link scanXml}: saxes with the fast paths of {@link FastPathParser} when the saxes
 * in use allows ({@link FAST_PATHS}), skipping blank text where `wantsBlank()` is false and then
 * telling `onBlank` the offsets of each run it skipped.
 */
export function createScanParser(
  wantsBlank: () => boolean,
  onBlank?: (start: number, end: number) => void,
  options: ScanParserOptions = {},
): ScanParser {
  if (!FAST_PATHS) return new SaxesParser({ xmlns: false, position: false });
  return new FastPathParser(wantsBlank, onBlank, options.attributesInTag ?? true) as unknown as ScanParser;
}
