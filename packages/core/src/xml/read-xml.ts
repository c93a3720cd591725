import { SaxesParser } from 'saxes';
import type { XmlAttribute, XmlElement } from './xml-node.js';

/** Limits on untrusted input. Defaults suit any real OpenADR message with a wide margin. */
export interface XmlReadLimits {
  /** Largest accepted document, in UTF-16 code units of the string. Default 16 MiB. */
  readonly maxBytes?: number;
  /** Deepest accepted element nesting. Default 64 (OpenADR messages nest about 15 deep). */
  readonly maxDepth?: number;
}

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;

/** Why a document could not be read as XML at all. */
export type XmlReadFailure =
  | { readonly kind: 'not-xml'; readonly message: string }
  | { readonly kind: 'doctype'; readonly message: string }
  | { readonly kind: 'too-large'; readonly message: string }
  | { readonly kind: 'too-deep'; readonly message: string };

export type XmlReadResult = { readonly ok: true; readonly root: XmlElement } | { readonly ok: false; readonly failure: XmlReadFailure };

class Stop extends Error {
  constructor(readonly failure: XmlReadFailure) {
    super(failure.message);
  }
}

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
 * Reads a document into a namespace-resolved element tree with saxes. DOCTYPE declarations are
 * refused outright, so no entity can be declared (no XXE, no entity expansion); undeclared
 * entities are syntax errors. Comments and processing instructions are dropped; after the
 * document element only whitespace and comments are accepted.
 */
export function readXml(xml: string, limits: XmlReadLimits = {}): XmlReadResult {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (xml.length > maxBytes) {
    return { ok: false, failure: { kind: 'too-large', message: `document of ${xml.length} characters exceeds the limit of ${maxBytes}` } };
  }
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: Building[] = [];
  let root: XmlElement | undefined;
  let current: Building | undefined;

  parser.on('doctype', () => {
    throw new Stop({ kind: 'doctype', message: 'DOCTYPE declarations are not accepted (entity declarations are refused)' });
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= maxDepth) {
      throw new Stop({ kind: 'too-deep', message: `element nesting exceeds the limit of ${maxDepth}` });
    }
    let attrs: XmlAttribute[] = NONE;
    for (const key in tag.attributes) {
      const attr = tag.attributes[key]!;
      if (attr.prefix === 'xmlns' || (attr.prefix === '' && attr.local === 'xmlns')) continue;
      if (attrs === NONE) attrs = [];
      attrs.push({ ns: attr.uri, name: attr.local, value: attr.value });
    }
    const element: Building = { ns: tag.uri ?? '', name: tag.local ?? tag.name, attrs, children: NONE, text: '' };
    if (current) {
      if (current.children === NONE) current.children = [element];
      else current.children.push(element);
    }
    stack.push(element);
    current = element;
  });
  parser.on('text', (text) => {
    if (current) current.text = current.text === '' ? text : current.text + text;
    else if (text.trim() !== '') throw new Stop({ kind: 'not-xml', message: 'text outside the root element' });
  });
  parser.on('processinginstruction', () => {
    // saxes refuses elements, text and CDATA after the root itself; a processing instruction is
    // the one thing XML allows there that a strict OpenADR document must not carry.
    if (root) throw new Stop({ kind: 'not-xml', message: 'content after the document element (only whitespace and comments may follow it)' });
  });
  parser.on('cdata', (text) => {
    if (current) current.text += text;
  });
  parser.on('closetag', () => {
    const done = stack.pop();
    current = stack[stack.length - 1];
    if (!current && done) root = done;
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    if (error instanceof Stop) return { ok: false, failure: error.failure };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, failure: { kind: 'not-xml', message } };
  }
  if (!root) return { ok: false, failure: { kind: 'not-xml', message: 'no root element' } };
  return { ok: true, root };
}
