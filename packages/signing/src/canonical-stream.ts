import { createHash, type Hash } from 'node:crypto';
import type { XmlNamespaceDeclaration, XmlScanAttribute, XmlScanHandler, XmlScanTag } from '@rxadr/core/engine';
import { internalized, NameTable } from '@rxadr/core/engine';

/** A namespace binding in scope or to render: prefix ('' for the default namespace) and URI. */
export interface NamespaceBinding {
  readonly prefix: string;
  readonly uri: string;
}

const CHUNK = 16 * 1024;
/** A piece at least this long is hashed and joined as it is (see `CanonicalWriter`). */
const DIRECT = 2048;
const UNSAFE_URI = /[&<"\t\n\r]/;
const TEXT_SPECIALS = /[&<>\r]/g;
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
const ATTRIBUTE_SPECIALS = /[&<"\r\n\t]/g;
const ATTRIBUTE_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '"': '&quot;', '\r': '&#xD;', '\n': '&#xA;', '\t': '&#x9;' };

/** Whether `text` holds a character text escaping replaces (a loop: cheaper than a regular expression on the short texts of a document). */
function hasTextSpecial(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x26 || c === 0x3c || c === 0x3e || c === 0x0d) return true;
  }
  return false;
}

function hasAttributeSpecial(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x26 || c === 0x3c || c === 0x22 || c === 0x0d || c === 0x0a || c === 0x09) return true;
  }
  return false;
}

/** C14N 1.0 text escaping (§2.3 "Text Nodes"). */
export function escapeCanonicalText(text: string): string {
  return hasTextSpecial(text) ? text.replace(TEXT_SPECIALS, (c) => TEXT_ESCAPES[c]!) : text;
}

/** C14N 1.0 attribute value escaping (§2.3 "Attribute Nodes"). */
export function escapeCanonicalAttribute(value: string): string {
  return hasAttributeSpecial(value) ? value.replace(ATTRIBUTE_SPECIALS, (c) => ATTRIBUTE_ESCAPES[c]!) : value;
}

/**
 * Attribute order of xml-crypto's inclusive C14N (`attrCompare`), which the reference
 * canonicalizer (canonicalize.ts) and so every signature we make and check uses: attributes
 * without a namespace first, by local name; then by namespace URI and local name compared as one
 * concatenated string. The sort is stable.
 */
function compareAttributes(a: XmlScanAttribute, b: XmlScanAttribute): number {
  if (a.ns === '' && b.ns !== '') return -1;
  if (b.ns === '' && a.ns !== '') return 1;
  const left = a.ns + a.local;
  const right = b.ns + b.local;
  return left === right ? 0 : left < right ? -1 : 1;
}

function comparePrefixes(a: NamespaceBinding, b: NamespaceBinding): number {
  return a.prefix === b.prefix ? 0 : a.prefix < b.prefix ? -1 : 1;
}

/**
 * Namespace declarations in scope at an element from its ancestors (outermost first in
 * `ancestors`), nearest binding per prefix, as inclusive C14N renders them on the apex of a
 * document subset; the same list canonicalize.ts computes from the DOM (undeclarations and
 * prefixes the apex binds itself left out).
 */
export function apexNamespaces(ancestors: readonly (readonly XmlNamespaceDeclaration[])[], apex: XmlScanTag): NamespaceBinding[] {
  const seen = new Set<string>();
  const bindings: NamespaceBinding[] = [];
  for (let i = ancestors.length - 1; i >= 0; i--) {
    for (const declaration of ancestors[i]!) {
      if (seen.has(declaration.prefix)) continue;
      seen.add(declaration.prefix);
      bindings.push(declaration);
    }
  }
  const own = new Set<string>([apex.prefix]);
  for (const declaration of apex.declarations) own.add(declaration.prefix);
  return bindings.filter((binding) => binding.uri !== '' && !own.has(binding.prefix));
}

interface TagStrings {
  /** The name, internalized (a string of its own, not a view into the document it came from). */
  readonly name: string;
  readonly start: string;
  readonly end: string;
}

/**
 * `<name>` and `</name>` per element name, shared across documents (see `NameTable`), so most
 * tags are written without building a string. The name is internalized, so the scanner's names,
 * internalized too, match it by identity.
 */
const TAG_STRINGS = new NameTable<TagStrings>((qname) => {
  const own = internalized(qname);
  return { name: own, start: `<${own}>`, end: `</${own}>` };
}, (strings) => strings.name);

function tagsOf(qname: string): TagStrings {
  return TAG_STRINGS.get(qname);
}

/**
 * Inclusive Canonical XML 1.0 without comments of one element, written from scanner events
 * (open the apex, then its content, then close it): byte for byte what canonicalize.ts gives
 * for the same element of the parsed document, including xml-crypto's renderings the
 * differential tests pin down (namespace declarations rendered only where the binding changes,
 * sorted by prefix in code-point order; a processing instruction rendered as its escaped body;
 * an empty processing instruction refused, as xml-crypto throws on it).
 *
 * `sink`, when given, receives the events of the canonical form (attributes in canonical order,
 * processing instructions as the text they render to), so a tree built from them is the tree a
 * parse of the canonical bytes gives.
 */
export class CanonicalWriter {
  /**
   * The text written so far, joined into `text_` as a rope (no one large copy: a reader of `out`
   * that needs it flat gets it flattened once, and the verifier's own decode of it matches by
   * identity without reading it), and hashed (SHA-256) as it is joined. Short pieces (start tags,
   * texts) are gathered into chunks of about `CHUNK` characters first, so the hash is fed a few
   * large strings; a long piece (a stretch of the source that is canonical as it stands, most of
   * a VTN's document) is hashed and joined as it is, not copied into a chunk: copying it made a
   * large message's canonical form a second copy of it in the young generation, all of it
   * surviving, and collecting it was a tenth of verifying the 3.86 MB benchmark fixture. Such a
   * piece is a slice of the document, so the canonical text keeps the document alive while it is.
   */
  private readonly pieces: string[] = [];
  private pending = 0;
  private text_ = '';
  /**
   * A high surrogate held back from the hash, so no character is split between two UTF-8
   * encodings (only a lone one in the input can end a piece: pieces are whole texts and tags).
   */
  private held = '';
  /** Fed each chunk as it is made; undefined for a writer hashed only when asked (see the constructor). */
  private readonly hash: Hash | undefined;
  private digested: string | undefined;

  private write(piece: string): void {
    if (piece.length >= DIRECT) {
      if (this.pieces.length > 0) this.flush();
      this.append(piece);
      return;
    }
    this.pieces.push(piece);
    this.pending += piece.length;
    if (this.pending > CHUNK) this.flush();
  }

  /** Joins the short pieces gathered so far into one chunk and appends it. */
  private flush(): void {
    const pieces = this.pieces;
    if (pieces.length === 0) return;
    const chunk = pieces.length === 1 ? pieces[0]! : pieces.join('');
    pieces.length = 0;
    this.pending = 0;
    this.append(chunk);
  }

  private append(text: string): void {
    this.text_ = this.text_ === '' ? text : this.text_ + text;
    const hash = this.hash;
    if (hash === undefined || this.digested !== undefined) return;
    let bytes = text;
    if (this.held !== '') {
      bytes = this.held + text;
      this.held = '';
    }
    const last = bytes.charCodeAt(bytes.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.held = bytes.slice(-1);
      bytes = bytes.slice(0, -1);
    }
    if (bytes !== '') hash.update(bytes, 'utf8');
  }

  /** The canonical text; complete once `done`. */
  get out(): string {
    this.flush();
    return this.text_;
  }

  /** SHA-256 of the UTF-8 bytes of the canonical text, base64; call once `done`. */
  digest(): string {
    if (this.digested === undefined) {
      if (this.hash === undefined) this.digested = createHash('sha256').update(this.out, 'utf8').digest('base64');
      else {
        this.flush();
        if (this.held !== '') this.hash.update(this.held, 'utf8');
        this.held = '';
        this.digested = this.hash.digest('base64');
      }
    }
    return this.digested;
  }

  done = false;
  /** Set when the subtree holds a node the reference canonicalizer cannot render. */
  unrenderable: string | undefined;
  /** Deepest element nesting below and including the apex. */
  maxDepth = 0;
  /**
   * False when a namespace URI was rendered that a parse of the output would not read back
   * (xml-crypto writes namespace URIs unescaped); then the canonical bytes are not re-read as
   * the tree built here.
   */
  reparsable = true;
  private readonly scope: NamespaceBinding[];
  /** The default namespace in scope (rendered) at the open element. */
  private defaultNs = '';
  /**
   * For each open element that rendered a declaration or changed the default namespace (nothing is
   * kept for the others): its depth, the default namespace and the scope length before it.
   */
  private readonly saved: (number | string)[] = [];
  /** The end tag of each open element. */
  private readonly names: string[] = [];
  private apex: readonly NamespaceBinding[] | undefined;

  /**
   * @param source the document the events come from, when each event is given the offset where
   *   its markup ends (see `XmlScanCursor`): a stretch of it that is already canonical is then
   *   written as one slice of it, not element by element.
   * @param verbatim whether a stretch of `source` can be canonical as it stands (false when the
   *   document holds a carriage return, which parsing turns into a line feed of the same length)
   * @param hashWhileWriting whether each chunk is hashed as it is made (for an element whose
   *   digest is all but certain to be asked, such as a reference's target); otherwise `digest()`
   *   hashes the text once, when asked (SignedInfo, whose bytes only the signature check reads)
   */
  constructor(
    ancestorNamespaces: readonly NamespaceBinding[],
    private readonly sink?: XmlScanHandler,
    private readonly source = '',
    private readonly verbatim = false,
    hashWhileWriting = true,
  ) {
    this.hash = hashWhileWriting ? createHash('sha256') : undefined;
    this.apex = ancestorNamespaces;
    this.scope = ancestorNamespaces.slice();
  }

  /** Start of the stretch of the source not yet written that is canonical as it stands; -1 for none. */
  private runStart = -1;
  /** Where the last event's markup ended in the source (-1: unknown): the stretch grows from here. */
  private runEnd = -1;

  /** Source `[start, end)` is canonical as it stands: the stretch grows by it (or a new one starts there). */
  private extend(start: number, end: number): void {
    if (start !== this.runEnd || this.runStart < 0) {
      this.endRun();
      this.runStart = start;
    }
    this.runEnd = end;
  }

  /** Writes the stretch not yet written. */
  private endRun(): void {
    if (this.runStart < 0) return;
    if (this.runEnd > this.runStart) this.write(this.source.slice(this.runStart, this.runEnd));
    this.runStart = -1;
  }

  /** Writes `piece`, not read from the source; the markup of its event ended at `end`. */
  private rendered(piece: string, end: number): void {
    this.endRun();
    this.write(piece);
    this.runEnd = end;
  }

  /**
   * Writes `piece`, the canonical form of markup that ends at `end` in the source (-1: unknown),
   * as part of the stretch when the source holds exactly `piece` there. `exact`: no markup with
   * this name ends there other than `piece` itself when the space since the last event is as long
   * as `piece` (a tag with no attributes, an end tag), so no comparison is needed.
   */
  private markup(piece: string, end: number, exact: boolean): void {
    if (end >= 0 && this.verbatim) {
      const start = end - piece.length;
      if ((exact && start === this.runEnd) || this.source.startsWith(piece, start)) {
        this.extend(start, end);
        return;
      }
    }
    this.rendered(piece, end);
  }

  /** Blank text (spaces, tabs, line feeds) at source `[start, end)`, which the scanner skipped: canonical as it stands. */
  blank(start: number, end: number): void {
    if (this.verbatim) this.extend(start, end);
    else this.rendered(this.source.slice(start, end), end);
    const sink = this.sink;
    if (sink !== undefined && sink.wantsBlankText?.() !== false) sink.text(this.source.slice(start, end));
  }

  private inScope(prefix: string, uri: string): boolean {
    const scope = this.scope;
    for (let i = scope.length - 1; i >= 0; i--) if (scope[i]!.prefix === prefix) return scope[i]!.uri === uri;
    return false;
  }

  private render: NamespaceBinding[] | undefined;

  private add(prefix: string, uri: string): void {
    const binding = { prefix, uri };
    (this.render ??= []).push(binding);
    this.scope.push(binding);
  }

  open(tag: XmlScanTag, end = -1): void {
    const scopeLength = this.scope.length;
    const defaultNs = this.defaultNs;
    // Most elements: no attributes, no declarations, the name's namespace already rendered; the
    // start tag is the name alone, written from a shared string.
    if (
      tag.attrs.length === 0 &&
      tag.declarations.length === 0 &&
      this.apex === undefined &&
      (tag.prefix === '' ? tag.ns === defaultNs : this.inScope(tag.prefix, tag.ns))
    ) {
      const names = tagsOf(tag.qname);
      this.markup(names.start, end, true);
      this.names.push(names.end);
      if (this.names.length > this.maxDepth) this.maxDepth = this.names.length;
      this.sink?.open(tag);
      return;
    }
    this.render = undefined;
    if (tag.prefix !== '' && !this.inScope(tag.prefix, tag.ns)) this.add(tag.prefix, tag.ns);
    let localDefault: string | undefined;
    const declarations = tag.declarations;
    for (let i = 0; i < declarations.length; i++) {
      const declaration = declarations[i]!;
      if (declaration.prefix === '') localDefault = declaration.uri;
      else if (!this.inScope(declaration.prefix, declaration.uri)) this.add(declaration.prefix, declaration.uri);
    }
    const attrs = tag.attrs;
    for (let i = 0; i < attrs.length; i++) {
      const attr = attrs[i]!;
      if (attr.prefix !== '' && attr.prefix !== 'xml' && !this.inScope(attr.prefix, attr.ns)) this.add(attr.prefix, attr.ns);
    }
    const nodeDefault = localDefault ?? (tag.prefix !== '' ? defaultNs : tag.ns);
    let newDefault = defaultNs;
    let out = '<' + tag.qname;
    if (nodeDefault !== defaultNs) {
      newDefault = nodeDefault;
      if (UNSAFE_URI.test(nodeDefault)) this.reparsable = false;
      out += ' xmlns="' + nodeDefault + '"';
    }
    const apex = this.apex;
    if (apex !== undefined) {
      this.apex = undefined;
      for (const binding of apex) {
        const shadowed = (this.render?.some((own) => own.prefix === binding.prefix) ?? false) || (binding.prefix === '' && localDefault !== undefined);
        if (shadowed) continue;
        (this.render ??= []).push(binding);
        if (binding.prefix === '') newDefault = binding.uri;
      }
    }
    const render = this.render;
    if (render !== undefined) {
      if (render.length > 1) render.sort(comparePrefixes);
      for (const binding of render) {
        if (UNSAFE_URI.test(binding.uri)) this.reparsable = false;
        out += binding.prefix === '' ? ' xmlns="' + binding.uri + '"' : ' xmlns:' + binding.prefix + '="' + binding.uri + '"';
      }
    }
    let sorted = attrs;
    if (attrs.length > 1 || (attrs.length === 1 && attrs[0]!.qname.startsWith('xmlns'))) {
      // xml-crypto leaves out every attribute whose name starts with "xmlns".
      const kept = attrs.filter((attr) => !attr.qname.startsWith('xmlns'));
      sorted = kept.length > 1 ? kept.sort(compareAttributes) : kept;
    }
    for (let i = 0; i < sorted.length; i++) out += ' ' + sorted[i]!.qname + '="' + escapeCanonicalAttribute(sorted[i]!.value) + '"';
    this.markup(out + '>', end, false);
    if (newDefault !== defaultNs || this.scope.length !== scopeLength) {
      this.saved.push(this.names.length, defaultNs, scopeLength);
      this.defaultNs = newDefault;
    }
    this.names.push(tagsOf(tag.qname).end);
    if (this.names.length > this.maxDepth) this.maxDepth = this.names.length;
    this.sink?.open(sorted === attrs ? tag : { ...tag, attrs: sorted });
  }

  /** Text ending at `end` in the source (-1: unknown); as it stands there when nothing in it was escaped, referenced or a CDATA section. */
  text(text: string, end = -1): void {
    // An empty CDATA section: xmldom makes no node of it, so the reference renders nothing.
    if (text === '') return;
    if (hasTextSpecial(text)) this.rendered(escapeCanonicalText(text), end);
    else if (end >= 0 && this.verbatim && end - this.runEnd === text.length && this.runEnd >= 0) this.extend(this.runEnd, end);
    else this.rendered(text, end);
    this.sink?.text(text);
  }

  processingInstruction(target: string, body: string, end = -1): void {
    if (body === '') this.unrenderable ??= `the empty processing instruction <?${target}?>`;
    this.rendered(escapeCanonicalText(body), end);
    if (body !== '') this.sink?.text(body);
  }

  close(end = -1): void {
    const names = this.names;
    this.markup(names.pop()!, end, true);
    const saved = this.saved;
    if (saved.length > 0 && saved[saved.length - 3] === names.length) {
      this.scope.length = saved.pop() as number;
      this.defaultNs = saved.pop() as string;
      saved.pop();
    }
    this.sink?.close();
    if (this.names.length === 0) {
      this.endRun();
      this.done = true;
    }
  }
}
