import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { canonicalPrefix } from './namespaces.js';
import type { XmlElement } from './xml-node.js';

const XMLNS = 'http://www.w3.org/2000/xmlns/';

/**
 * Serialises an element tree with xmlbuilder2: UTF-8 with an XML declaration, every namespace
 * declared once on the root with its canonical prefix (`oadr`, `ei`, `pyld`, …), qualified
 * attributes prefixed, no pretty-printing (the bytes are what gets signed).
 */
export function writeXml(root: XmlElement): string {
  const prefixes = new Map<string, string>();
  collectNamespaces(root, prefixes);
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const top = doc.ele(root.ns, qualified(prefixes, root.ns, root.name));
  for (const [uri, prefix] of prefixes) top.att(XMLNS, `xmlns:${prefix}`, uri);
  fill(top, root, prefixes);
  return doc.end({ prettyPrint: false });
}

function collectNamespaces(element: XmlElement, prefixes: Map<string, string>): void {
  addNamespace(element.ns, prefixes);
  for (const attr of element.attrs) addNamespace(attr.ns, prefixes);
  for (const child of element.children) collectNamespaces(child, prefixes);
}

function addNamespace(uri: string, prefixes: Map<string, string>): void {
  if (uri === '' || prefixes.has(uri)) return;
  prefixes.set(uri, canonicalPrefix(uri) ?? `ns${prefixes.size + 1}`);
}

function qualified(prefixes: Map<string, string>, ns: string, name: string): string {
  return ns === '' ? name : `${prefixes.get(ns)}:${name}`;
}

function fill(node: XMLBuilder, element: XmlElement, prefixes: Map<string, string>): void {
  for (const attr of element.attrs) {
    if (attr.ns === '') node.att(attr.name, attr.value);
    else node.att(attr.ns, qualified(prefixes, attr.ns, attr.name), attr.value);
  }
  if (element.children.length === 0) {
    if (element.text !== '') node.txt(element.text);
    return;
  }
  for (const child of element.children) {
    fill(node.ele(child.ns, qualified(prefixes, child.ns, child.name)), child, prefixes);
  }
}
