import { DOMParser } from '@xmldom/xmldom';
import { SignatureError } from './signature-error.js';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const COMMENT_NODE = 8;

/**
 * Parses a document strictly: any parser warning or error, a DOCTYPE (entities and DTD-declared
 * IDs have no place in OpenADR and are a classic signature-wrapping and XXE vector) or a missing
 * root element is `malformed`.
 */
export function parseXml(xml: string, what = 'document'): Document {
  const problems: string[] = [];
  const report = (message: string): void => {
    problems.push(message.replace(/^\[xmldom \w+\]\s*/, '').split('\n')[0] ?? message);
  };
  let doc: Document;
  try {
    doc = new DOMParser({ errorHandler: { warning: report, error: report, fatalError: report } }).parseFromString(
      xml,
      'application/xml',
    );
  } catch (cause) {
    throw new SignatureError('malformed', `${what} is not well-formed XML: ${(cause as Error).message}`, { cause });
  }
  if (problems.length > 0) {
    throw new SignatureError('malformed', `${what} is not well-formed XML: ${problems.join('; ')}`);
  }
  if (doc.doctype !== null && doc.doctype !== undefined) {
    throw new SignatureError('malformed', `${what} has a DOCTYPE, which OpenADR payloads must not carry`);
  }
  if (!doc.documentElement) throw new SignatureError('malformed', `${what} has no root element`);
  refuseTrailingContent(doc, what);
  return doc;
}

/** Only whitespace and comments may follow the document element (strict documents, SECURITY.md). */
function refuseTrailingContent(doc: Document, what: string): void {
  for (let node = doc.documentElement?.nextSibling ?? null; node !== null; node = node.nextSibling) {
    const whitespace = node.nodeType === TEXT_NODE && (node.nodeValue ?? '').trim() === '';
    if (node.nodeType !== COMMENT_NODE && !whitespace) {
      throw new SignatureError('malformed', `${what} has content after its document element (only whitespace and comments may follow it)`);
    }
  }
}

/** Element children of a node, in document order. */
export function childElements(node: Node): Element[] {
  const result: Element[] = [];
  for (let child = node.firstChild; child !== null; child = child.nextSibling) {
    if (child.nodeType === ELEMENT_NODE) result.push(child as Element);
  }
  return result;
}

/** Whether `node` is an element with this namespace and local name. */
export function isElementNamed(node: Node | null | undefined, namespace: string, localName: string): node is Element {
  return (
    node !== null &&
    node !== undefined &&
    node.nodeType === ELEMENT_NODE &&
    (node as Element).namespaceURI === namespace &&
    (node as Element).localName === localName
  );
}

/** Every element with this namespace and local name anywhere below `root` (document order). */
export function findAll(root: Document | Element, namespace: string, localName: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(namespace, localName) as unknown as ArrayLike<Element>);
}

/** The only child element with this name, `undefined` when absent; `null` when there are several. */
export function singleChild(parent: Element, namespace: string, localName: string): Element | undefined | null {
  const matches = childElements(parent).filter((child) => isElementNamed(child, namespace, localName));
  if (matches.length > 1) return null;
  return matches[0];
}

/** Text content with surrounding whitespace removed. */
export function text(element: Element): string {
  return (element.textContent ?? '').trim();
}

/** A short, readable path for messages, e.g. `oadrPayload/ds:Signature/ds:Object`. */
export function elementPath(element: Element): string {
  const parts: string[] = [];
  for (let node: Node | null = element; node !== null && node.nodeType === ELEMENT_NODE; node = node.parentNode) {
    parts.unshift((node as Element).tagName);
  }
  return parts.join('/');
}
