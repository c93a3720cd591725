/** An attribute of an element, by namespace URI ('' for none) and local name. */
export interface XmlAttribute {
  readonly ns: string;
  readonly name: string;
  readonly value: string;
}

/**
 * The content of an element without its name: what a codec reads and writes. Text is the
 * concatenation of all character data directly inside the element (CDATA included); in an
 * element with child elements, runs of XML white space around them (indentation) are left out.
 */
export interface XmlContent {
  readonly attrs: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  readonly text: string;
}

/** A namespace-resolved XML element: the tree the codecs work on. Plain data, JSON-serialisable. */
export interface XmlElement extends XmlContent {
  /** Namespace URI ('' when the element has none). */
  readonly ns: string;
  /** Local name. */
  readonly name: string;
}

/** Builds an element from its name and content. */
export function xmlElement(ns: string, name: string, content: Partial<XmlContent> = {}): XmlElement {
  return { ns, name, attrs: content.attrs ?? [], children: content.children ?? [], text: content.text ?? '' };
}
