import type { XmlAttribute, XmlContent, XmlElement } from '../xml/xml-node.js';
import { NS } from '../xml/namespaces.js';
import { elementTags, type ElementTags, type TextElement, type XmlWriter } from '../xml/xml-writer.js';
import { isBlank, matchOption, type AttributeField, type Card, type ElementField, type FixedField, type Fields, type Option, type SequenceOf } from './fields.js';
import type { Scalar } from './scalars.js';
import {
  INVALID,
  XmlCodec,
  UNTRACKED,
  child,
  describeFound,
  describeValue,
  pathText,
  textContent,
  type CodecIssue,
  type Path,
} from './xml-codec.js';

type ReusedPath = { parent: Path; key: string; index: number };

/**
 * The path of the next child read, in the object that held the previous child's: a read uses its
 * path only while it runs (as text, for an issue), so one object serves all the children in turn.
 */
function reusedChild(reused: ReusedPath | undefined, parent: Path, key: string, index: number): ReusedPath {
  if (reused === undefined) return { parent, key, index };
  reused.key = key;
  reused.index = index;
  return reused;
}

function expectedNames(field: ElementField<unknown, Card>): string {
  return field.options.map((o) => `<${o.name}>`).join(' or ');
}

function readOption(option: Option, el: XmlElement, path: Path, issues: CodecIssue[]): unknown {
  const value = option.codec.read(el, path, issues);
  if (value === INVALID || option.tag === undefined) return value;
  // Members of substitution groups are sequences, whose read returns a fresh object: tag it in place.
  (value as { type?: string }).type = option.tag;
  return value;
}

function findOptionByTag(field: ElementField<unknown, Card>, value: unknown): Option | undefined {
  if (field.options.length === 1 && field.options[0]!.tag === undefined) return field.options[0];
  const tag = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  const options = field.options;
  for (let i = 0; i < options.length; i++) if (options[i]!.tag === tag) return options[i];
  return undefined;
}

function emitItem(field: ElementField<unknown, Card>, item: unknown, path: Path, issues: CodecIssue[], out: XmlWriter): void {
  const option = findOptionByTag(field, item);
  if (!option) {
    issues.push({ path: pathText(path), expected: `type ${field.options.map((o) => o.tag).join('|')}`, found: describeValue(item) });
    return;
  }
  if (option.qname !== undefined) out.startQualified(option.ns, option.qname);
  else out.start(option.ns, option.name);
  option.codec.emit(item, path, issues, out);
  out.end();
}

/** How `emit` writes one element field, worked out once per sequence. */
interface EmitPlan {
  readonly repeated: boolean;
  /** Set when the field's only element holds text (or wrappers around text): written in one call. */
  readonly text: (TextElement & { readonly scalar: Scalar<unknown> }) | undefined;
  /** The tags of each option, when its namespace has a canonical prefix. */
  readonly tags: ReadonlyArray<ElementTags | undefined>;
}

function emitPlan(field: ElementField<unknown, Card>): EmitPlan {
  const repeated = field.card === 'many' || field.card === 'some';
  const tags = field.options.map((o) => elementTags(o.ns, o.name));
  const [only] = field.options;
  const content = field.options.length === 1 && only!.tag === undefined ? textContent(only!.codec) : undefined;
  const own = tags[0];
  if (content === undefined || own === undefined || own.noted || only!.ns === NS.ds) return { repeated, text: undefined, tags };
  const text = {
    scalar: content.scalar,
    open: `${own.open}>${content.open}`,
    close: `${content.close}${own.close}`,
    namespaces: [own.ns, own.prefix, ...content.namespaces],
  };
  return { repeated, text, tags };
}

/** `emitItem` with the field's tags made once; paths are made only when tracked. */
function emitPlanned(field: ElementField<unknown, Card>, plan: EmitPlan, item: unknown, path: Path, issues: CodecIssue[], out: XmlWriter): void {
  const text = plan.text;
  if (text !== undefined && text.scalar.is(item)) {
    out.textElement(text, text.scalar.encode(item));
    return;
  }
  const options = field.options;
  let index = 0;
  if (options.length > 1 || options[0]!.tag !== undefined) {
    const tag = typeof item === 'object' && item !== null ? (item as { type?: unknown }).type : undefined;
    while (index < options.length && options[index]!.tag !== tag) index++;
  }
  const tags = plan.tags[index];
  if (index === options.length || tags === undefined) {
    // No such option (the issue is recorded there), or a namespace without a fixed prefix.
    emitItem(field, item, path, issues, out);
    return;
  }
  out.startTag(tags);
  options[index]!.codec.emit(item, path, issues, out);
  out.end();
}

/** A schema sequence of attributes and child elements, decoded to an object with one key per field. */
export function sequence<F extends Fields>(name: string, fields: F): XmlCodec<SequenceOf<F>> {
  const entries = Object.entries(fields);
  const elementEntries = entries.filter(([, f]) => f.kind !== 'attribute') as Array<[string, ElementField<unknown, Card> | FixedField]>;
  const attributeEntries = entries.filter(([, f]) => f.kind === 'attribute') as Array<[string, AttributeField<unknown, 'one' | 'opt'>]>;
  type A = SequenceOf<F>;
  const attributeKeys = attributeEntries.map(([key]) => key);
  const attributeFields = attributeEntries.map(([, field]) => field);
  const elementKeys = elementEntries.map(([key]) => key);
  const elementFields = elementEntries.map(([, field]) => field);

  // Indexed loops, no per-field arrays for single elements, no iterator objects: read runs once
  // per element of every decoded document.
  const read = (el: XmlElement, path: Path, issues: CodecIssue[]): A => {
    const out: Record<string, unknown> = {};
    for (let a = 0; a < attributeFields.length; a++) {
      const key = attributeKeys[a]!;
      const field = attributeFields[a]!;
      let attr: XmlAttribute | undefined;
      const attrs = el.attrs;
      for (let k = 0; k < attrs.length; k++) {
        const candidate = attrs[k]!;
        if (candidate.name === field.name && candidate.ns === field.ns) {
          attr = candidate;
          break;
        }
      }
      if (!attr) {
        if (field.card === 'one') issues.push({ path: pathText(path), expected: `attribute ${field.name}`, found: 'no such attribute' });
        continue;
      }
      const value = field.scalar.parse(attr.value);
      if (value === undefined) issues.push({ path: `${pathText(path)}/@${field.name}`, expected: field.scalar.name, found: JSON.stringify(attr.value) });
      else out[key] = value;
    }
    if (el.text !== '' && !isBlank(el.text)) {
      issues.push({ path: pathText(path), expected: 'child elements only', found: `text ${JSON.stringify(el.text.trim().slice(0, 40))}` });
    }
    const children = el.children;
    let i = 0;
    let reused: ReusedPath | undefined;
    for (let e = 0; e < elementFields.length; e++) {
      const key = elementKeys[e]!;
      const field = elementFields[e]!;
      if (field.kind === 'fixed') {
        const c = children[i];
        if (c && c.name === field.name && c.ns === field.ns) i++;
        else issues.push({ path: pathText(path), expected: `element <${field.name}>`, found: describeFound(c) });
        continue;
      }
      const repeated = field.card === 'many' || field.card === 'some';
      let found = 0;
      if (repeated) {
        let values: unknown[] | undefined;
        while (i < children.length) {
          const c = children[i]!;
          const option = matchOption(field, c.ns, c.name);
          if (!option) break;
          reused = reusedChild(reused, path, c.name, found);
          const value = readOption(option, c, reused, issues);
          if (values === undefined) values = [value];
          else values.push(value);
          found++;
          i++;
        }
        if (values !== undefined) out[key] = values;
      } else if (i < children.length) {
        const c = children[i]!;
        const option = matchOption(field, c.ns, c.name);
        if (option) {
          reused = reusedChild(reused, path, c.name, -1);
          out[key] = readOption(option, c, reused, issues);
          found = 1;
          i++;
        }
      }
      if (found === 0 && (field.card === 'one' || field.card === 'some')) {
        issues.push({ path: pathText(path), expected: `element ${expectedNames(field)}`, found: describeFound(children[i]) });
      }
    }
    if (i < children.length) {
      issues.push({ path: pathText(path), expected: 'end of element', found: describeFound(children[i]) });
    }
    return out as A;
  };

  const write = (value: A, path: Path, issues: CodecIssue[]): XmlContent => {
    const record = value as Record<string, unknown>;
    const attrs: XmlAttribute[] = [];
    const children: XmlElement[] = [];
    if (typeof value !== 'object' || value === null) {
      issues.push({ path: pathText(path), expected: `object (${name})`, found: describeValue(value) });
      return { attrs, children, text: '' };
    }
    for (const [key, field] of attributeEntries) {
      const v = record[key];
      if (v === undefined) {
        if (field.card === 'one') issues.push({ path: pathText(path), expected: `attribute ${key}`, found: 'nothing' });
      } else if (!field.scalar.is(v)) {
        issues.push({ path: `${pathText(path)}/@${field.name}`, expected: field.scalar.name, found: describeValue(v) });
      } else {
        attrs.push({ ns: field.ns, name: field.name, value: field.scalar.encode(v) });
      }
    }
    for (const [key, field] of elementEntries) {
      if (field.kind === 'fixed') {
        children.push({ ns: field.ns, name: field.name, attrs: [], children: [], text: '' });
        continue;
      }
      const v = record[key];
      const repeated = field.card === 'many' || field.card === 'some';
      const list = repeated ? v : v === undefined ? [] : [v];
      if (repeated && v !== undefined && !Array.isArray(v)) {
        issues.push({ path: `${pathText(path)}/${key}`, expected: 'an array', found: describeValue(v) });
        continue;
      }
      const items = (list ?? []) as unknown[];
      if (items.length === 0 && (field.card === 'one' || field.card === 'some')) {
        issues.push({ path: `${pathText(path)}/${key}`, expected: field.card === 'one' ? 'a value' : 'at least one value', found: 'nothing' });
      }
      items.forEach((item, index) => {
        const option = findOptionByTag(field, item);
        const childPath = child(path, key, repeated ? index : -1);
        if (!option) {
          issues.push({ path: pathText(childPath), expected: `type ${field.options.map((o) => o.tag).join('|')}`, found: describeValue(item) });
          return;
        }
        const content = option.codec.write(item, childPath, issues);
        children.push({ ns: option.ns, name: option.name, attrs: content.attrs, children: content.children, text: content.text });
      });
    }
    return { attrs, children, text: '' };
  };

  // The streaming twin of `write`: the same checks and issues, written straight to `out`. Paths
  // are built only when tracked (see UNTRACKED): the encoder retraces a failed message with them.
  const plans = elementFields.map((field) => (field.kind === 'fixed' ? undefined : emitPlan(field)));
  const fixedTags = elementFields.map((field) => (field.kind === 'fixed' ? elementTags(field.ns, field.name) : undefined));
  const emit = (value: A, path: Path, issues: CodecIssue[], out: XmlWriter): void => {
    if (typeof value !== 'object' || value === null) {
      issues.push({ path: pathText(path), expected: `object (${name})`, found: describeValue(value) });
      return;
    }
    const record = value as Record<string, unknown>;
    const tracked = path !== UNTRACKED;
    for (let a = 0; a < attributeFields.length; a++) {
      const key = attributeKeys[a]!;
      const field = attributeFields[a]!;
      const v = record[key];
      if (v === undefined) {
        if (field.card === 'one') issues.push({ path: pathText(path), expected: `attribute ${key}`, found: 'nothing' });
      } else if (!field.scalar.is(v)) {
        issues.push({ path: `${pathText(path)}/@${field.name}`, expected: field.scalar.name, found: describeValue(v) });
      } else {
        out.attribute(field.ns, field.name, field.scalar.encode(v));
      }
    }
    for (let e = 0; e < elementFields.length; e++) {
      const key = elementKeys[e]!;
      const field = elementFields[e]!;
      if (field.kind === 'fixed') {
        const tags = fixedTags[e];
        if (tags !== undefined) out.startTag(tags);
        else out.start(field.ns, field.name);
        out.end();
        continue;
      }
      const v = record[key];
      if (v === undefined) {
        if (field.card === 'one' || field.card === 'some') {
          issues.push({ path: `${pathText(path)}/${key}`, expected: field.card === 'one' ? 'a value' : 'at least one value', found: 'nothing' });
        }
        continue;
      }
      const plan = plans[e]!;
      if (!plan.repeated) {
        emitPlanned(field, plan, v, tracked ? child(path, key) : UNTRACKED, issues, out);
        continue;
      }
      if (!Array.isArray(v)) {
        issues.push({ path: `${pathText(path)}/${key}`, expected: 'an array', found: describeValue(v) });
        continue;
      }
      if (v.length === 0 && field.card === 'some') {
        issues.push({ path: `${pathText(path)}/${key}`, expected: 'at least one value', found: 'nothing' });
      }
      for (let index = 0; index < v.length; index++) emitPlanned(field, plan, v[index], tracked ? child(path, key, index) : UNTRACKED, issues, out);
    }
  };

  const toJson = (value: A): unknown => {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, field] of entries) {
      const v = record[key];
      if (v === undefined || field.kind === 'fixed') continue;
      if (field.kind === 'attribute') {
        out[key] = v;
        continue;
      }
      const convert = (item: unknown): unknown => {
        const option = findOptionByTag(field, item);
        if (!option) return item;
        const json = option.codec.toJson(item);
        return option.tag === undefined ? json : { type: option.tag, ...(json as object) };
      };
      out[key] = Array.isArray(v) && (field.card === 'many' || field.card === 'some') ? v.map(convert) : convert(v);
    }
    return out;
  };

  const fromJson = (json: unknown, path: Path, issues: CodecIssue[]): A => {
    const out: Record<string, unknown> = {};
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      issues.push({ path: pathText(path), expected: `object (${name})`, found: describeValue(json) });
      return out as A;
    }
    const record = json as Record<string, unknown>;
    for (const [key, field] of entries) {
      if (field.kind === 'fixed') continue;
      const v = record[key];
      const keyPath = child(path, key);
      if (v === undefined || v === null) {
        if (field.card === 'one' || field.card === 'some') issues.push({ path: pathText(keyPath), expected: 'a value', found: 'nothing' });
        continue;
      }
      if (field.kind === 'attribute') {
        const parsed = field.scalar.is(v) ? v : typeof v === 'string' ? field.scalar.parse(v) : undefined;
        if (parsed === undefined) issues.push({ path: pathText(keyPath), expected: field.scalar.name, found: describeValue(v) });
        else out[key] = parsed;
        continue;
      }
      const convert = (item: unknown, itemPath: Path): unknown => {
        const option = findOptionByTag(field, item);
        if (!option) {
          issues.push({ path: pathText(itemPath), expected: `type ${field.options.map((o) => o.tag).join('|')}`, found: describeValue(item) });
          return INVALID;
        }
        const value = option.codec.fromJson(item, itemPath, issues);
        return option.tag === undefined || value === INVALID ? value : { type: option.tag, ...(value as object) };
      };
      const repeated = field.card === 'many' || field.card === 'some';
      if (repeated) {
        if (!Array.isArray(v)) issues.push({ path: pathText(keyPath), expected: 'an array', found: describeValue(v) });
        else if (v.length > 0) out[key] = v.map((item, index) => convert(item, child(path, key, index)));
      } else {
        out[key] = convert(v, keyPath);
      }
    }
    return out as A;
  };

  const is = (u: unknown): u is A => {
    if (typeof u !== 'object' || u === null) return false;
    const issues: CodecIssue[] = [];
    write(u as A, undefined, issues);
    return issues.length === 0;
  };

  const codec = new XmlCodec<A>(name, { is, read, write, emit, toJson, fromJson });
  (codec as XmlCodec<unknown>).plan = { kind: 'sequence', attributeKeys, attributeFields, elementKeys, elementFields, finish: undefined };
  return codec;
}

