import type { SignedObjectSpan } from './xml-writer.js';

/**
 * The canonical bytes of a document's signed object, known without parsing because the
 * streaming encoder wrote them (see `XmlWriter`): what `@rxadr/signing` digests.
 */
export interface EncodedSignedObject {
  /** Inclusive C14N 1.0 of `oadr:oadrSignedObject` as a document subset of its document. */
  readonly canonical: string;
  /**
   * The same bytes in two pieces, the apex start tag and the rest (a slice of the document, not a
   * copy): what a digest reads without building `canonical`.
   */
  readonly parts: readonly [startTag: string, rest: string];
  /** Namespace declarations of the root element: prefix → URI. */
  readonly rootNamespaces: ReadonlyMap<string, string>;
}

interface Entry {
  readonly span: SignedObjectSpan;
  readonly rootNamespaces: ReadonlyMap<string, string>;
  /** The canonical start tag of the signed object, written at the first lookup. */
  startTag?: string;
}

/**
 * The few documents encoded last (a message is signed right after it is encoded), at most
 * `MAX_ENTRIES` of them and `MAX_CHARACTERS` in all, so the memory they keep alive is bounded.
 */
const recent = new Map<string, Entry>();
const MAX_ENTRIES = 8;
const MAX_CHARACTERS = 16 * 1024 * 1024;
let characters = 0;

/** Called by the encoder for each document it wrote whose signed object is in canonical form. */
export function rememberEncoded(xml: string, span: SignedObjectSpan, rootNamespaces: ReadonlyMap<string, string>): void {
  if (xml.length > MAX_CHARACTERS || recent.has(xml)) return;
  while (recent.size >= MAX_ENTRIES || (recent.size > 0 && characters + xml.length > MAX_CHARACTERS)) {
    const oldest = recent.keys().next().value!;
    recent.delete(oldest);
    characters -= oldest.length;
  }
  recent.set(xml, { span, rootNamespaces });
  characters += xml.length;
}

/**
 * The canonical form of the signed object of `xml`, when `xml` is (character for character) a
 * document the encoder wrote recently; `undefined` otherwise, and the caller canonicalizes the
 * parsed document instead. Keyed by the text itself, so any change to the document misses.
 */
export function encodedSignedObject(xml: string): EncodedSignedObject | undefined {
  const entry = recent.get(xml);
  if (entry === undefined) return undefined;
  const { span, rootNamespaces } = entry;
  const parts = [(entry.startTag ??= canonicalStartTag(xml.slice(span.start, span.contentStart), rootNamespaces)), xml.slice(span.contentStart, span.end)] as const;
  return {
    parts,
    get canonical() {
      return parts[0] + parts[1];
    },
    rootNamespaces,
  };
}

/**
 * `<oadr:oadrSignedObject oadr:Id="…">` with the root's declarations, sorted by prefix, put
 * before the attributes (C14N 1.0 §2.2): the apex of the document subset.
 */
function canonicalStartTag(startTag: string, rootNamespaces: ReadonlyMap<string, string>): string {
  const prefixes = [...rootNamespaces.keys()].sort();
  let declarations = '';
  for (const prefix of prefixes) declarations += ` xmlns:${prefix}="${escapeUri(rootNamespaces.get(prefix)!)}"`;
  let end = 1;
  while (end < startTag.length) {
    const c = startTag.charCodeAt(end);
    if (c === 0x3e || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) break;
    end++;
  }
  return startTag.slice(0, end) + declarations + startTag.slice(end);
}

function escapeUri(uri: string): string {
  if (uri.indexOf('&') < 0 && uri.indexOf('<') < 0 && uri.indexOf('"') < 0) return uri;
  return uri.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}
