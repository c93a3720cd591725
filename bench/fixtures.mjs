// The benchmark messages and the stored decode/verify fixtures.
//
// Encode is measured on messages built in memory (bench/messages.mjs). Decode and verify are
// measured on documents as a VTN sends them, stored in bench/fixtures/ (plain files, checked in):
// every element prefixed, namespaces declared where first used (and again in each sibling
// subtree, as template-based VTNs such as openleadr write them), two-space indentation, and the
// optional fields a real event carries (`vtnDistributeEvent`).
//   small   1 event x 3 intervals
//   medium  10 events x 24 intervals
//   large   100 events x 96 intervals
// `node bench/fixtures.mjs --write` regenerates them (deterministic: no clock, no randomness);
// without --write it checks that the stored files are what the generator writes.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as core from '../packages/core/dist/index.js';
import * as built from './messages.mjs';
import { SaxesParser } from './raw-saxes.mjs';


export const SIZES = built.SIZES;
export const distributeEvent = (events, intervals) => built.distributeEvent(core, events, intervals);
export const updateReport = (rids, seconds) => built.updateReport(core, rids, seconds);

/** The benchmark messages by size (encode side): `{ label, message }`. */
export function messages() {
  return SIZES.map(({ label, events, intervals }) => ({ label, message: distributeEvent(events, intervals) }));
}

const FILES = ['distribute-event-1x3.xml', 'distribute-event-10x24.xml', 'distribute-event-100x96.xml'];
const fileUrl = (name) => new URL(`./fixtures/${name}`, import.meta.url);

/**
 * Rewrites a document rxadr's encoder wrote (prefixes fixed, every namespace declared on the
 * root) the way a template-based VTN writes it: one element per line, indented by a tab per
 * level; a namespace is declared where it is first used, except that each child of the payload
 * element (each `oadr:oadrEvent`, rendered as one fragment) declares all the namespaces its
 * subtree uses, again in every such sibling.
 */
export function vtnStyle(compact) {
  const uris = new Map();
  const root = { name: '', attrs: [], children: [], text: '' };
  const stack = [root];
  const parser = new SaxesParser({ xmlns: false });
  parser.on('opentag', (tag) => {
    const attrs = Object.entries(tag.attributes);
    for (const [name, value] of attrs) if (name.startsWith('xmlns:')) uris.set(name.slice(6), value);
    const element = { name: tag.name, attrs: attrs.filter(([name]) => !name.startsWith('xmlns')), children: [], text: '' };
    stack[stack.length - 1].children.push(element);
    stack.push(element);
  });
  parser.on('text', (text) => {
    stack[stack.length - 1].text += text;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(compact).close();

  const prefixOf = (qname) => (qname.includes(':') ? qname.slice(0, qname.indexOf(':')) : undefined);
  const ownPrefixes = (el) => [el.name, ...el.attrs.map(([name]) => name)].map(prefixOf).filter((p) => p !== undefined && p !== 'xml');
  const subtreePrefixes = (el, into = []) => {
    into.push(...ownPrefixes(el));
    for (const c of el.children) subtreePrefixes(c, into);
    return into;
  };
  const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const escapeAttr = (s) => escape(s).replace(/"/g, '&quot;');
  const lines = ['<?xml version="1.0" encoding="utf-8"?>'];
  const write = (el, depth, inScope) => {
    const scope = new Set(inScope);
    let declarations = '';
    for (const prefix of depth === 3 ? subtreePrefixes(el) : ownPrefixes(el)) {
      if (scope.has(prefix)) continue;
      scope.add(prefix);
      declarations += ` xmlns:${prefix}="${escapeAttr(uris.get(prefix))}"`;
    }
    const indent = '\t'.repeat(depth);
    const open = `${indent}<${el.name}${declarations}${el.attrs.map(([name, value]) => ` ${name}="${escapeAttr(value)}"`).join('')}`;
    if (el.children.length === 0) {
      lines.push(el.text === '' ? `${open}/>` : `${open}>${escape(el.text)}</${el.name}>`);
      return;
    }
    lines.push(`${open}>`);
    for (const c of el.children) write(c, depth + 1, scope);
    lines.push(`${indent}</${el.name}>`);
  };
  write(root.children[0], 0, []);
  return `${lines.join('\n')}\n`;
}

/** The fixtures as the generator writes them: `{ label, file, xml }`. */
export function generateFixtures() {
  return SIZES.map(({ label, events, intervals }, i) => ({
    label,
    file: FILES[i],
    xml: vtnStyle(core.encodeMessage(built.vtnDistributeEvent(core, events, intervals))),
  }));
}

/** The stored fixtures (decode and verify side): `{ label, file, xml }`. */
export function fixtures() {
  return SIZES.map(({ label }, i) => ({ label, file: FILES[i], xml: readFileSync(fileUrl(FILES[i]), 'utf8') }));
}

export const sha = (text) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
export const kib = (text) => {
  const bytes = Buffer.byteLength(text);
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} KB`;
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const write = process.argv.includes('--write');
  let stale = 0;
  for (const { label, file, xml } of generateFixtures()) {
    const path = fileURLToPath(fileUrl(file));
    if (write) writeFileSync(path, xml);
    let stored = '';
    try {
      stored = readFileSync(path, 'utf8');
    } catch {}
    const state = stored === xml ? 'up to date' : 'STALE (run with --write)';
    if (stored !== xml) stale++;
    console.log(`${file} (${label}): ${kib(xml)}, sha256 ${sha(xml)}, ${state}`);
  }
  if (stale > 0) process.exitCode = 1;
}
