import { createScanParser } from './scan-parser.js';
import { internalized } from './detached.js';
import { NameTable } from './name-table.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, type XmlReadFailure, type XmlReadLimits } from './read-limits.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** A namespace declaration on an element, as written: prefix ('' for the default namespace) and URI. */
export interface XmlNamespaceDeclaration {
  readonly prefix: string;
  /** '' for an undeclaration of the default namespace (`xmlns=""`). */
  readonly uri: string;
}

/** An attribute that is not a namespace declaration, as written, with its namespace resolved. */
export interface XmlScanAttribute {
  /** The name as written (`oadr:Id`). */
  readonly qname: string;
  readonly prefix: string;
  readonly local: string;
  /** Namespace URI; '' for an unprefixed attribute (attributes take no default namespace). */
  readonly ns: string;
  readonly value: string;
}

/** A start tag, as written, with its names resolved. */
export interface XmlScanTag {
  readonly qname: string;
  readonly prefix: string;
  readonly local: string;
  /** Namespace URI ('' when the element has none). */
  readonly ns: string;
  /** Attributes other than namespace declarations, in document order. */
  readonly attrs: readonly XmlScanAttribute[];
  /** Namespace declarations on this element, in document order. */
  readonly declarations: readonly XmlNamespaceDeclaration[];
}

/**
 * What {@link scanXml} reports, inside the document element only (the prolog, comments and
 * whitespace around the root are checked and dropped; comments inside are dropped too).
 */
export interface XmlScanHandler {
  /**
   * When true, every `open` receives the same tag object, refilled for each element (fewer
   * allocations): valid only during the call, so a handler that keeps tags leaves this unset.
   */
  readonly reusesTag?: boolean;
  open(tag: XmlScanTag): void;
  /** Character data (entity and character references resolved); CDATA sections arrive here too. */
  text(text: string): void;
  close(): void;
  /**
   * Whether text of only spaces, tabs and line feeds at this point is to be reported (when absent:
   * always). A reader that drops the whitespace between child elements answers false there, and
   * the scanner skips it without building a string.
   */
  wantsBlankText?(): boolean;
  /** A processing instruction inside the document element. */
  processingInstruction?(target: string, body: string): void;
  /**
   * Blank text the scanner skipped because {@link wantsBlankText} said no, as its offsets in the
   * document (`xml.slice(start, end)` is the text): a handler that needs it after all (to write it
   * back out) takes it from there, still without a string built per run. Only where offsets are
   * known ({@link XmlScanCursor}); elsewhere blank text arrives in `text`.
   */
  blankText?(start: number, end: number): void;
  /**
   * When present, the scanner keeps its `end` at the offset in the document just past the markup
   * of each event, before the event: past the `>` of a start tag (of both events of `<a/>`) and of
   * an end tag, past the `?>` of a processing instruction and the `]]>` of a CDATA section, and at
   * the `<` that ends a run of text. Stays -1 where the saxes in use does not let offsets be read.
   */
  readonly cursor?: XmlScanCursor;
}

/** Where the scanner is in the document, for a handler that maps its events back to the source text. */
export interface XmlScanCursor {
  end: number;
}

class Stop extends Error {
  constructor(readonly failure: XmlReadFailure) {
    super(failure.message);
  }
}

function notXml(message: string): never {
  throw new Stop({ kind: 'not-xml', message });
}

/** Shared by every tag without attributes or declarations (most of a document). */
const NONE: never[] = [];
Object.freeze(NONE);

interface SplitName {
  /** The name itself, internalized: handlers that look names up compare it by identity. */
  readonly qname: string;
  readonly prefix: string;
  readonly local: string;
}

/** Names split at their colon, shared across documents (see {@link NameTable}). */
const SPLIT_NAMES = new NameTable<SplitName>(splitNewName, (split) => split.qname);

function splitName(qname: string): SplitName {
  return SPLIT_NAMES.get(qname);
}

function splitNewName(qname: string): SplitName {
  const colon = qname.indexOf(':');
  if (colon < 0) {
    const own = internalized(qname);
    return { qname: own, prefix: '', local: own };
  }
  const prefix = qname.slice(0, colon);
  const local = qname.slice(colon + 1);
  if (prefix === '' || local === '' || local.includes(':')) notXml(`'${qname}' is not a namespace-well-formed name`);
  return { qname: internalized(qname), prefix: internalized(prefix), local: internalized(local) };
}

/**
 * Namespace bindings in scope: the current binding of each prefix in a map (one lookup per name),
 * and, per open element that declared something (nothing is kept for the others), its depth and
 * the bindings it shadowed, restored when it closes.
 */
class Scope {
  private readonly current = new Map<string, string>([
    ['xml', XML_NS],
    ['', ''],
  ]);
  /** Per open element that declared something: its depth, and the (prefix, shadowed uri) pairs. */
  private readonly undoDepths: number[] = [];
  private readonly undo: Array<string | undefined>[] = [];

  /** The last prefix looked up and its binding: most elements of a document share a prefix or two. */
  private lastPrefix: string | undefined;
  private lastUri: string | undefined;

  lookup(prefix: string): string | undefined {
    if (prefix === this.lastPrefix) return this.lastUri;
    const uri = this.current.get(prefix);
    this.lastPrefix = prefix;
    this.lastUri = uri;
    return uri;
  }

  /** The element at `depth` (the root is 0) declares `declarations`. */
  enter(declarations: readonly XmlNamespaceDeclaration[], depth: number): void {
    if (declarations.length === 0) return;
    this.lastPrefix = undefined;
    const shadowed: Array<string | undefined> = [];
    for (const declaration of declarations) {
      shadowed.push(declaration.prefix, this.current.get(declaration.prefix));
      this.current.set(declaration.prefix, declaration.uri);
    }
    this.undo.push(shadowed);
    this.undoDepths.push(depth);
  }

  /** The element at `depth` closes. */
  leave(depth: number): void {
    const depths = this.undoDepths;
    if (depths.length === 0 || depths[depths.length - 1] !== depth) return;
    depths.pop();
    const shadowed = this.undo.pop()!;
    this.lastPrefix = undefined;
    // Restore in reverse, so a prefix declared twice on one element (refused by saxes anyway) unwinds right.
    for (let i = shadowed.length - 2; i >= 0; i -= 2) {
      const prefix = shadowed[i]!;
      const uri = shadowed[i + 1];
      if (uri === undefined) this.current.delete(prefix);
      else this.current.set(prefix, uri);
    }
  }
}

function declaration(qname: string, uri: string): XmlNamespaceDeclaration {
  const prefix = qname === 'xmlns' ? '' : qname.slice(6);
  if (prefix === 'xmlns') notXml('the xmlns prefix must not be declared');
  if (prefix === 'xml') {
    if (uri !== XML_NS) notXml(`the xml prefix must be bound to ${XML_NS}`);
  } else if (uri === XML_NS || uri === XMLNS_NS) {
    notXml(`${uri} must not be bound to the prefix '${prefix}'`);
  }
  if (prefix !== '' && uri === '') notXml(`the prefix '${prefix}' must not be undeclared (xmlns:${prefix}="")`);
  if (prefix.includes(':')) notXml(`'${qname}' is not a namespace-well-formed name`);
  return { prefix, uri: internUri(uri) };
}

/** Namespace URIs declared so far, internalized; bounded like the names (each document redeclares a few). */
const URIS = new NameTable<string>(internalized, (uri) => uri);

function internUri(uri: string): string {
  return URIS.get(uri);
}

/**
 * Reads a document with saxes (namespace processing off: it is done here, cheaper) and reports
 * its tags and text, names resolved, to `handler`. Returns undefined when the document was read
 * to its end, or why it is not acceptable: not well-formed or not namespace-well-formed (unbound
 * prefixes, duplicate expanded attribute names, misuse of `xml`/`xmlns`), a DOCTYPE (refused
 * outright, so no entity can be declared: no XXE, no expansion), too large, too deep, or content
 * after the document element other than whitespace and comments. An exception thrown by the
 * handler propagates unchanged.
 */
export function scanXml(xml: string, handler: XmlScanHandler, limits: XmlReadLimits = {}): XmlReadFailure | undefined {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (xml.length > maxBytes) {
    return { kind: 'too-large', message: `document of ${xml.length} characters exceeds the limit of ${maxBytes}` };
  }
  const cursor = handler.cursor;
  const parser = createScanParser(
    handler.wantsBlankText === undefined ? always : () => handler.wantsBlankText!(),
    handler.blankText === undefined ? undefined : (start, end) => handler.blankText!(start, end),
    // Attributes are read from saxes' `attribute` events (below), not from its per-tag dictionary.
    { attributesInTag: false },
  );
  // Offsets are the parser's own only while it reads the document as one chunk (`write(xml)`;
  // `close()` reads what saxes held back, such as a final carriage return, as a chunk of its own).
  let offsets = cursor !== undefined && parser.offset !== undefined;
  const scope = new Scope();
  let depth = 0;
  let seenRoot = false;

  // Well-formedness errors from saxes become failures; anything else (the handler's) propagates.
  parser.on('error', (error) => {
    throw new Stop({ kind: 'not-xml', message: error.message });
  });
  parser.on('doctype', () => {
    throw new Stop({ kind: 'doctype', message: 'DOCTYPE declarations are not accepted (entity declarations are refused)' });
  });
  // The attributes of the tag being read, as saxes reports them one by one before the tag: no
  // walk over saxes' per-tag attribute dictionary (most tags have none).
  const attributes: Array<{ name: string; value: string }> = [];
  parser.on('attribute', (attribute) => {
    attributes.push(attribute);
  });
  const reused = handler.reusesTag === true ? new ReusedTag() : undefined;
  parser.on('opentag', (tag) => {
    if (depth >= maxDepth) throw new Stop({ kind: 'too-deep', message: `element nesting exceeds the limit of ${maxDepth}` });
    let declarations: XmlNamespaceDeclaration[] = NONE;
    for (let a = 0; a < attributes.length; a++) {
      const qname = attributes[a]!.name;
      if (isDeclaration(qname)) {
        if (declarations === NONE) declarations = [];
        declarations.push(declaration(qname, attributes[a]!.value));
      }
    }
    scope.enter(declarations, depth);
    const name = splitName(tag.name);
    const { prefix, local } = name;
    const ns = scope.lookup(prefix);
    if (ns === undefined) notXml(`the prefix '${prefix}' of <${tag.name}> is not bound to a namespace`);
    let attrs: XmlScanAttribute[] = NONE;
    if (attributes.length > declarations.length) {
      attrs = [];
      for (let a = 0; a < attributes.length; a++) {
        const { name: qname, value } = attributes[a]!;
        if (isDeclaration(qname)) continue;
        const split = splitName(qname);
        let attrNs = '';
        if (split.prefix !== '') {
          const bound = split.prefix === 'xml' ? XML_NS : scope.lookup(split.prefix);
          if (bound === undefined) notXml(`the prefix '${split.prefix}' of attribute ${qname} is not bound to a namespace`);
          attrNs = bound;
        }
        attrs.push({ qname, prefix: split.prefix, local: split.local, ns: attrNs, value });
      }
      if (attrs.length > 1) checkUniqueAttributes(attrs, tag.name);
    }
    if (attributes.length > 0) attributes.length = 0;
    depth += 1;
    seenRoot = true;
    if (offsets) cursor!.end = parser.offset!;
    if (reused === undefined) handler.open({ qname: name.qname, prefix, local, ns, attrs, declarations });
    else {
      reused.qname = name.qname;
      reused.prefix = prefix;
      reused.local = local;
      reused.ns = ns;
      reused.attrs = attrs;
      reused.declarations = declarations;
      handler.open(reused);
    }
  });
  parser.on('text', (text) => {
    if (offsets) cursor!.end = parser.offset! - 1;
    if (depth > 0) handler.text(text);
    else if (text.trim() !== '') notXml(seenRoot ? 'content after the document element' : 'text outside the root element');
  });
  parser.on('cdata', (text) => {
    if (offsets) cursor!.end = parser.offset!;
    if (depth > 0) handler.text(text);
  });
  parser.on('processinginstruction', (pi) => {
    // saxes refuses elements, text and CDATA after the root itself; a processing instruction is
    // the one thing XML allows there that a strict OpenADR document must not carry.
    if (offsets) cursor!.end = parser.offset!;
    if (depth > 0) handler.processingInstruction?.(pi.target, pi.body);
    else if (seenRoot) notXml('content after the document element (only whitespace and comments may follow it)');
  });
  parser.on('closetag', () => {
    if (offsets) cursor!.end = parser.offset!;
    depth -= 1;
    scope.leave(depth);
    handler.close();
  });
  try {
    parser.write(xml);
    if (offsets) cursor!.end = -1;
    offsets = false;
    parser.close();
  } catch (error) {
    if (error instanceof Stop) return error.failure;
    throw error;
  }
  if (!seenRoot) return { kind: 'not-xml', message: 'no root element' };
  return undefined;
}

const always = (): boolean => true;

/** Whether an attribute name is a namespace declaration (`xmlns` or `xmlns:p`). */
const isDeclaration = (qname: string): boolean => qname === 'xmlns' || qname.startsWith('xmlns:');

/** The one tag object refilled for each element, for a handler that {@link XmlScanHandler.reusesTag}. */
class ReusedTag implements XmlScanTag {
  qname = '';
  prefix = '';
  local = '';
  ns = '';
  attrs: readonly XmlScanAttribute[] = NONE;
  declarations: readonly XmlNamespaceDeclaration[] = NONE;
}

function checkUniqueAttributes(attrs: readonly XmlScanAttribute[], element: string): void {
  for (let i = 1; i < attrs.length; i++) {
    const a = attrs[i]!;
    for (let j = 0; j < i; j++) {
      const b = attrs[j]!;
      if (a.local === b.local && a.ns === b.ns) notXml(`<${element}> has two attributes named {${a.ns}}${a.local} (${b.qname}, ${a.qname})`);
    }
  }
}
