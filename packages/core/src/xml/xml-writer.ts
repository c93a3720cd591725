import { NS, canonicalPrefix } from './namespaces.js';
import type { XmlAttribute } from './xml-node.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** Characters that need escaping in text (C14N 1.0 §2.3), or that no XML document may hold. */
const TEXT_SPECIAL = /[&<>\r\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
const ATTR_SPECIAL = /[&<"\t\n\r\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
/** Any character outside XML 1.0's `Char` production (lone surrogates included). */
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Text escaped as Canonical XML 1.0 writes it: `&amp;`, `&lt;`, `&gt;`, `&#xD;`. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** An attribute value escaped as Canonical XML 1.0 writes it. */
export function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

/** Attribute order of Canonical XML 1.0 §2.2: unqualified first by local name, then by namespace URI and local name. */
export function compareAttributes(a: XmlAttribute, b: XmlAttribute): number {
  if (a.ns !== b.ns) {
    if (a.ns === '') return -1;
    if (b.ns === '') return 1;
    return a.ns < b.ns ? -1 : 1;
  }
  return a.name === b.name ? 0 : a.name < b.name ? -1 : 1;
}

const FLUSH_AT = 16 * 1024;

/** ` xmlns:prefix="uri"` of each OpenADR namespace, built once. */
const DECLARATIONS = new Map<string, string>();

/** The IDs a signature gives its parts (`@rxadr/signing`: SIGNED_OBJECT_ID, SIGNATURE_ID, PROPERTIES_ID). */
const SIGNATURE_IDS = new Set(['oadrSignedObject', 'signature', 'signatureProperties']);

/** Qualified names of the OpenADR namespaces, whose prefixes are fixed: built once per name. */
const QNAMES = new Map<string, Map<string, string>>();

/** `prefix:name` for a namespace with a canonical prefix, else undefined (the writer numbers others per document). */
export function qualifiedName(ns: string, name: string): string | undefined {
  const prefix = canonicalPrefix(ns);
  return prefix === undefined ? undefined : `${prefix}:${name}`;
}

/**
 * An element with text content only, its tags written ahead of time: `open` is its start tag
 * (and those of wrappers inside it, e.g. `<xcal:dtstart><xcal:date-time>`), `close` the matching
 * end tags; `namespaces` lists each namespace the tags use with its canonical prefix, in order
 * of appearance (`[uri, prefix, uri, prefix, …]`). See `XmlWriter.textElement`.
 */
export interface TextElement {
  readonly open: string;
  readonly close: string;
  readonly namespaces: readonly string[];
}

/** The tags of an element in a namespace with a canonical prefix, for `XmlWriter.startTag`. */
export interface ElementTags {
  readonly ns: string;
  readonly prefix: string;
  /** `<prefix:name` (the start tag before its attributes and `>`). */
  readonly open: string;
  /** `</prefix:name>`. */
  readonly close: string;
  /** True for the elements the writer tracks for signing (a ds element, `oadr:oadrSignedObject`). */
  readonly noted: boolean;
  readonly name: string;
}

/** The tags of `ns`/`name`, or undefined when the namespace has no canonical prefix. */
export function elementTags(ns: string, name: string): ElementTags | undefined {
  const prefix = canonicalPrefix(ns);
  if (prefix === undefined) return undefined;
  const noted = ns === NS.ds || (ns === NS.oadr && name === 'oadrSignedObject');
  return { ns, prefix, open: `<${prefix}:${name}`, close: `</${prefix}:${name}>`, noted, name };
}

/**
 * Where the signed object sits in a document the writer produced, and whether its text there is
 * already its inclusive C14N 1.0 form apart from the namespace declarations of its apex.
 */
export interface SignedObjectSpan {
  /** Offset of `<` of the `oadrSignedObject` start tag. */
  readonly start: number;
  /** Offset just after its start tag's `>`. */
  readonly contentStart: number;
  /** Offset just after its end tag. */
  readonly end: number;
}

/**
 * Writes a document straight to text, element by element, with no tree in between: the
 * streaming encoder's output stage. Every namespace is declared once on the root with its
 * canonical prefix (`oadr`, `ei`, `pyld`, …; `ns1`, `ns2`, … for others), in order of first use.
 *
 * Below the root the text is written the way Canonical XML 1.0 writes it: attributes in C14N
 * order, text and attribute values escaped as C14N escapes them, every element as a start and an
 * end tag (no `<x/>`), no namespace declarations. So the bytes of any element below the root are
 * its canonical form, once the apex carries the root's declarations (see `@rxadr/signing`).
 */
export class XmlWriter {
  /** The pieces written since the last flush, `pending` of them, `bodyLength` characters; joined into `chunks` every few kB (see `flush`). */
  private readonly body: string[] = [];
  private pending = 0;
  private bodyLength = 0;
  private readonly chunks: string[] = [];
  private flushed = 0;
  /** End tags of the open elements below the root (the root's is written by `finish`). */
  private readonly closers: string[] = [];
  private depth = 0;
  /** Attributes of the start tag still open (its `>` not written yet). */
  private attrs: XmlAttribute[] | undefined;
  private open = false;
  private readonly prefixes = new Map<string, string>();
  private rootName = '';
  /** False once anything was written that C14N would write differently, or that signing must check itself. */
  private canonical = true;
  private signedObject: { start: number; contentStart: number; end: number; depth: number } | undefined;
  private signedObjects = 0;

  /** Opens an element; attributes follow with `attribute`, then content. */
  start(ns: string, name: string): void {
    if (this.open) this.closeStartTag();
    const qname = this.qualified(ns, name);
    if (this.depth === 0) {
      this.rootName = qname;
    } else {
      this.noteElement(ns, name);
      this.put(`<${qname}`);
      this.closers.push(`</${qname}>`);
    }
    this.depth++;
    this.open = true;
  }

  /** `start` for a name whose `qname` is `qualifiedName(ns, name)`, computed once by the caller. */
  startQualified(ns: string, qname: string): void {
    if (this.open) this.closeStartTag();
    if (this.depth === 0) {
      this.start(ns, qname.slice(qname.indexOf(':') + 1));
      return;
    }
    if (!this.prefixes.has(ns)) this.prefixes.set(ns, qname.slice(0, qname.indexOf(':')));
    if (ns === NS.ds || (ns === NS.oadr && qname === 'oadr:oadrSignedObject')) this.noteElement(ns, qname.slice(qname.indexOf(':') + 1));
    this.put(`<${qname}`);
    this.closers.push(`</${qname}>`);
    this.depth++;
    this.open = true;
  }

  /** `start` with tags made once by `elementTags` (below the root only). */
  startTag(tags: ElementTags): void {
    if (this.open) this.closeStartTag();
    if (this.depth === 0) {
      this.start(tags.ns, tags.name);
      return;
    }
    if (!this.prefixes.has(tags.ns)) this.prefixes.set(tags.ns, tags.prefix);
    if (tags.noted) this.noteElement(tags.ns, tags.name);
    this.put(tags.open);
    this.closers.push(tags.close);
    this.depth++;
    this.open = true;
  }

  /**
   * A whole element with text content only (below the root): the same bytes as `start`, `text`,
   * `end` of its elements, in one call.
   */
  textElement(element: TextElement, value: string): void {
    if (this.open) this.closeStartTag();
    const namespaces = element.namespaces;
    for (let i = 0; i < namespaces.length; i += 2) if (!this.prefixes.has(namespaces[i]!)) this.prefixes.set(namespaces[i]!, namespaces[i + 1]!);
    if (TEXT_SPECIAL.test(value)) {
      if (NOT_XML_CHAR.test(value)) this.canonical = false;
      value = escapeText(value);
    }
    const body = this.body;
    body[this.pending++] = element.open;
    body[this.pending++] = value;
    body[this.pending++] = element.close;
    this.bodyLength += element.open.length + value.length + element.close.length;
    if (this.bodyLength > FLUSH_AT) this.flush();
    const span = this.signedObject;
    if (span !== undefined && span.end < 0 && this.depth === span.depth) span.end = this.flushed + this.bodyLength;
  }

  attribute(ns: string, name: string, value: string): void {
    if (ns !== '') this.qualified(ns, name);
    if (this.attrs === undefined) this.attrs = [{ ns, name, value }];
    else this.attrs.push({ ns, name, value });
    if ((name === 'Id' || name === 'ID' || name === 'id') && SIGNATURE_IDS.has(value) && !(this.depth === 2 && ns === NS.oadr && name === 'Id')) {
      // Another element claims an ID the signature needs: the signer checks (and refuses) such documents itself.
      this.canonical = false;
    }
  }

  text(value: string): void {
    if (this.open) this.closeStartTag();
    if (value === '') return;
    if (TEXT_SPECIAL.test(value)) {
      if (NOT_XML_CHAR.test(value)) this.canonical = false;
      this.put(escapeText(value));
    } else this.put(value);
  }

  end(): void {
    const depth = --this.depth;
    if (this.open) this.closeStartTag(depth + 1);
    if (depth === 0) return;
    this.put(this.closers.pop()!);
    if (this.bodyLength > FLUSH_AT) this.flush();
    const span = this.signedObject;
    if (span !== undefined && span.end < 0 && depth === span.depth) span.end = this.flushed + this.bodyLength;
  }

  /** The document: XML declaration, root start tag with every namespace used, content, root end tag. */
  finish(): { readonly xml: string; readonly signedObject?: SignedObjectSpan; readonly rootNamespaces: ReadonlyMap<string, string> } {
    let declarations = '';
    const rootNamespaces = new Map<string, string>();
    for (const [uri, prefix] of this.prefixes) {
      if (prefix === 'xml') continue;
      let declaration = DECLARATIONS.get(uri);
      if (declaration === undefined || !declaration.startsWith(` xmlns:${prefix}=`)) {
        declaration = ` xmlns:${prefix}="${escapeAttribute(uri)}"`;
        if (canonicalPrefix(uri) === prefix) DECLARATIONS.set(uri, declaration);
      }
      declarations += declaration;
      rootNamespaces.set(prefix, uri);
    }
    const head = `${DECLARATION}<${this.rootName}${declarations}>`;
    // One copy into a flat string: head, chunks and the root end tag joined at once.
    this.chunks.unshift(head);
    this.flush();
    this.chunks.push(`</${this.rootName}>`);
    const xml = this.chunks.join('');
    const span = this.signedObject;
    if (span === undefined || span.end < 0 || !this.canonical || this.signedObjects !== 1) return { xml, rootNamespaces };
    return {
      xml,
      rootNamespaces,
      signedObject: { start: head.length + span.start, contentStart: head.length + span.contentStart, end: head.length + span.end },
    };
  }

  /** Appends `text` to the pending pieces. */
  private put(text: string): void {
    this.body[this.pending++] = text;
    this.bodyLength += text.length;
  }

  /**
   * Joins the pieces written since the last flush into one flat chunk. Appending with `+=` built
   * a rope of small strings that had to be flattened; a list of pieces joined every few kB makes
   * no rope nodes at all and only short-lived garbage.
   */
  private flush(): void {
    const body = this.body;
    body.length = this.pending;
    this.chunks.push(body.join(''));
    this.flushed += this.bodyLength;
    this.pending = 0;
    this.bodyLength = 0;
  }

  private noteElement(ns: string, name: string): void {
    if (ns === NS.oadr && name === 'oadrSignedObject') {
      this.signedObjects += 1;
      if (this.depth === 1 && this.signedObject === undefined) {
        this.signedObject = { start: this.flushed + this.bodyLength, contentStart: -1, end: -1, depth: 1 };
      }
    } else if (ns === NS.ds) {
      // A ds element (a signature inside the payload): the signer checks such documents itself.
      this.canonical = false;
    }
  }

  /** Closes the open start tag, of an element at `depth` (the current one unless it has just ended). */
  private closeStartTag(depth = this.depth): void {
    this.open = false;
    const attrs = this.attrs;
    if (attrs !== undefined) {
      this.attrs = undefined;
      if (attrs.length > 1) attrs.sort(compareAttributes);
      if (depth === 1) {
        // Attributes of the root are outside every signed object; they follow the declarations.
        for (const a of attrs) this.rootName += ` ${a.ns === '' ? a.name : this.qualified(a.ns, a.name)}="${escapeAttribute(a.value)}"`;
      } else {
        let text = '';
        for (const a of attrs) {
          const value = ATTR_SPECIAL.test(a.value) ? escapeAttribute(a.value) : a.value;
          if (NOT_XML_CHAR.test(a.value)) this.canonical = false;
          text += ` ${a.ns === '' ? a.name : this.qualified(a.ns, a.name)}="${value}"`;
        }
        this.put(text);
      }
    }
    if (depth > 1) {
      this.put('>');
      const span = this.signedObject;
      if (span !== undefined && span.contentStart < 0 && depth === 2) span.contentStart = this.flushed + this.bodyLength;
    }
  }

  private qualified(ns: string, name: string): string {
    if (ns === '') return name;
    const fixed = canonicalPrefix(ns);
    if (fixed !== undefined) {
      if (!this.prefixes.has(ns)) this.prefixes.set(ns, fixed);
      let byName = QNAMES.get(ns);
      if (byName === undefined) QNAMES.set(ns, (byName = new Map()));
      let qname = byName.get(name);
      if (qname === undefined) byName.set(name, (qname = `${fixed}:${name}`));
      return qname;
    }
    let prefix = this.prefixes.get(ns);
    if (prefix === undefined) {
      prefix = ns === XML_NS ? 'xml' : `ns${this.prefixes.size + 1}`;
      this.prefixes.set(ns, prefix);
      if (prefix !== 'xml') this.canonical = false;
    }
    return `${prefix}:${name}`;
  }
}
