import type { XmlReadFailure, XmlReadLimits } from './read-limits.js';
import type { XmlAttribute, XmlElement } from './xml-node.js';
import { scanXml, type XmlScanHandler, type XmlScanTag } from './xml-scan.js';

export { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH } from './read-limits.js';
export type { XmlReadFailure, XmlReadLimits } from './read-limits.js';

export type XmlReadResult = { readonly ok: true; readonly root: XmlElement } | { readonly ok: false; readonly failure: XmlReadFailure };

interface Building {
  ns: string;
  name: string;
  attrs: XmlAttribute[];
  children: XmlElement[];
  text: string;
}

/** Shared by every element without attributes or children: most of a document (fewer allocations). */
const NONE: never[] = [];
Object.freeze(NONE);

/**
 * Builds the element tree from the scanner's events: `root` is set when the outermost element
 * closes. A single-pass reader can feed it the events of one subtree (e.g. a signed object).
 * The children of the open elements wait on one shared stack and each element gets an array of
 * exactly its children when it closes (arrays grown by push keep a dozen spare slots each).
 */
export class XmlTreeBuilder implements XmlScanHandler {
  private readonly stack: Building[] = [];
  /** Children of the open elements, innermost last; `firsts[d]` is where those of `stack[d]` start. */
  private readonly pending: XmlElement[] = [];
  private readonly firsts: number[] = [];
  private current: Building | undefined;
  root: XmlElement | undefined;
  /** `open` copies what it keeps of a tag. */
  readonly reusesTag = true;

  open(tag: XmlScanTag): void {
    let attrs: XmlAttribute[] = NONE;
    if (tag.attrs.length > 0) {
      attrs = [];
      for (const attr of tag.attrs) attrs.push({ ns: attr.ns, name: attr.local, value: attr.value });
    }
    const element: Building = { ns: tag.ns, name: tag.local, attrs, children: NONE, text: '' };
    const parent = this.current;
    if (parent) {
      // Indentation before the first child is not content: drop it now, so the parent's text stays ''.
      if (this.pending.length === this.firsts[this.firsts.length - 1] && parent.text !== '' && isXmlWhitespace(parent.text)) parent.text = '';
      this.pending.push(element);
    }
    this.stack.push(element);
    this.firsts.push(this.pending.length);
    this.current = element;
  }

  text(text: string): void {
    const current = this.current!;
    // Whitespace between child elements (a VTN's indentation) is not kept: no string is built up
    // from it, and codecs find the text of an element with children blank without scanning it.
    if (this.pending.length > this.firsts[this.firsts.length - 1]! && isXmlWhitespace(text)) return;
    current.text = current.text === '' ? text : current.text + text;
  }

  /** Whitespace after a child element is dropped (see `text`). */
  wantsBlankText(): boolean {
    return this.pending.length === this.firsts[this.firsts.length - 1];
  }

  close(): void {
    const done = this.stack.pop()!;
    const first = this.firsts.pop()!;
    const pending = this.pending;
    if (pending.length > first) {
      done.children = pending.slice(first);
      pending.length = first;
    }
    this.current = this.stack[this.stack.length - 1];
    if (this.current === undefined) this.root = done;
  }
}

/** Only XML white space (space, tab, line feed, carriage return). */
function isXmlWhitespace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

/**
 * Reads a document into a namespace-resolved element tree (see {@link scanXml} for what is
 * refused: DOCTYPE, unbound prefixes, content after the root, size and depth beyond the limits).
 * Comments and processing instructions are dropped.
 */
export function readXml(xml: string, limits: XmlReadLimits = {}): XmlReadResult {
  const builder = new XmlTreeBuilder();
  const failure = scanXml(xml, builder, limits);
  if (failure !== undefined) return { ok: false, failure };
  if (builder.root === undefined) return { ok: false, failure: { kind: 'not-xml', message: 'no root element' } };
  return { ok: true, root: builder.root };
}
