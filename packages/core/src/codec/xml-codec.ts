import * as t from 'io-ts';
import type { XmlAttribute, XmlContent, XmlElement } from '../xml/xml-node.js';
import { NS, canonicalPrefix } from '../xml/namespaces.js';
import { elementTags, type XmlWriter } from '../xml/xml-writer.js';
import { Duration } from './duration.js';
import type { Scalar } from './scalars.js';
import type { ReadPlan } from './read-plan.js';

/** One problem found while decoding or encoding, with the element path where it was found. */
export interface CodecIssue {
  /** Element path from the root, e.g. `oadrPayload/oadrSignedObject/oadrDistributeEvent/oadrEvent[1]/eiEvent`. */
  readonly path: string;
  readonly expected: string;
  readonly found: string;
}

/**
 * A linked path, materialised only when an issue is recorded. A codec's `read` must not keep its
 * path past its own return: a sequence hands the same path object to its children in turn.
 */
export type Path = { readonly parent: Path; readonly key: string; readonly index: number } | undefined;

export function pathText(path: Path): string {
  const keys: string[] = [];
  for (let p = path; p; p = p.parent) keys.push(p.index < 0 ? p.key : `${p.key}[${p.index}]`);
  return keys.reverse().join('/');
}

/**
 * A path not kept: codecs that see it pass it on to their children instead of building theirs.
 * The encoder writes with it and, only when a message turns out to be invalid, writes it again
 * with real paths, so every issue still names its element.
 */
export const UNTRACKED: Path = { parent: undefined, key: '(untracked)', index: -1 };

/** The path of a child; `index` marks one of several repeated elements. */
export function child(path: Path, key: string, index = -1): Path {
  return { parent: path, key, index };
}

/** Marks a value that could not be decoded; the issue is already recorded. */
export const INVALID: unique symbol = Symbol('invalid');
export type Invalid = typeof INVALID;

interface CodecImpl<A> {
  is(u: unknown): u is A;
  read(element: XmlElement, path: Path, issues: CodecIssue[]): A | Invalid;
  write(value: A, path: Path, issues: CodecIssue[]): XmlContent;
  /**
   * Streams the content (attributes, then text or child elements) of the element the caller
   * has just opened on `out`, recording the same issues as `write`. Optional: without it the
   * codec's `write` output is streamed.
   */
  emit?(value: A, path: Path, issues: CodecIssue[], out: XmlWriter): void;
  toJson(value: A): unknown;
  fromJson(json: unknown, path: Path, issues: CodecIssue[]): A | Invalid;
}

/**
 * An io-ts codec between an XML element (namespace-resolved, see `readXml`) and a model value.
 * The element's own name is chosen by the parent, so `encode` yields content only. The same
 * codec also maps the model to and from JSON (dates and durations as ISO strings), so one
 * definition per element serves XML in, XML out and the command-line JSON form.
 */
export class XmlCodec<A> extends t.Type<A, XmlContent, XmlElement> implements CodecImpl<A> {
  readonly read: CodecImpl<A>['read'];
  readonly write: CodecImpl<A>['write'];
  readonly emit: NonNullable<CodecImpl<A>['emit']>;
  readonly toJson: CodecImpl<A>['toJson'];
  readonly fromJson: CodecImpl<A>['fromJson'];
  /** How the single-pass reader builds the value (read-plan.ts); undefined: read from its subtree. */
  plan: ReadPlan | undefined = undefined;

  constructor(name: string, impl: CodecImpl<A>) {
    super(
      name,
      impl.is,
      (input, context) => {
        const issues: CodecIssue[] = [];
        const value = impl.read(input, child(undefined, input.name), issues);
        if (value === INVALID || issues.length > 0) {
          return t.failures(issues.map((issue) => ({ value: input, context, message: issueMessage(issue) })));
        }
        return t.success(value);
      },
      (value) => {
        const issues: CodecIssue[] = [];
        const content = impl.write(value, undefined, issues);
        if (issues.length > 0) throw new CodecEncodeError(issues);
        return content;
      },
    );
    this.read = impl.read;
    this.write = impl.write;
    this.emit = impl.emit ?? ((value, path, issues, out) => emitContent(impl.write(value, path, issues), out));
    this.toJson = impl.toJson;
    this.fromJson = impl.fromJson;
  }
}

export function issueMessage(issue: CodecIssue): string {
  return `${issue.path}: expected ${issue.expected}, found ${issue.found}`;
}

/** Thrown by `XmlCodec.encode` when the value breaks the schema (a bad enum value, a missing field). */
export class CodecEncodeError extends Error {
  override readonly name = 'CodecEncodeError';
  constructor(readonly issues: readonly CodecIssue[]) {
    super(issues.map(issueMessage).join('\n'));
  }
}

export type TypeOf<C> = C extends XmlCodec<infer A> ? A : C extends Scalar<infer A> ? A : never;

const EMPTY: XmlContent = { attrs: [], children: [], text: '' };

export function describeFound(element: XmlElement | undefined): string {
  return element ? `element <${element.name}> (${element.ns || 'no namespace'})` : 'end of element';
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/**
 * The content of a codec that writes text only, possibly inside wrapper elements: its scalar and
 * the wrappers' tags (`<xcal:date-time>` … `</xcal:date-time>` for a `dtstart`). The encoder
 * writes such elements in one call (`XmlWriter.textElement`), with the same bytes and checks.
 */
export interface TextContent {
  readonly scalar: Scalar<unknown>;
  readonly open: string;
  readonly close: string;
  /** `[uri, prefix, …]` of the wrappers' tags, outermost first. */
  readonly namespaces: readonly string[];
}

const TEXT_CONTENT = new WeakMap<XmlCodec<unknown>, TextContent>();

/** The text-only shape of a codec made by `leaf` or by `wrapper` around one, else undefined. */
export function textContent(codec: XmlCodec<unknown>): TextContent | undefined {
  return TEXT_CONTENT.get(codec);
}

/** An element with text content only, read with a scalar codec. */
export function leaf<A>(scalar: Scalar<A>): XmlCodec<A> {
  const codec = leafCodec(scalar);
  TEXT_CONTENT.set(codec as XmlCodec<unknown>, { scalar: scalar as Scalar<unknown>, open: '', close: '', namespaces: [] });
  (codec as XmlCodec<unknown>).plan = { kind: 'leaf', scalar: scalar as Scalar<unknown> };
  return codec;
}

function leafCodec<A>(scalar: Scalar<A>): XmlCodec<A> {
  return new XmlCodec<A>(scalar.name, {
    is: scalar.is,
    read(element, path, issues) {
      if (element.children.length > 0) {
        issues.push({ path: pathText(path), expected: `text (${scalar.name})`, found: describeFound(element.children[0]) });
        return INVALID;
      }
      const value = scalar.parse(element.text);
      if (value === undefined) {
        issues.push({ path: pathText(path), expected: scalar.name, found: quote(element.text) });
        return INVALID;
      }
      return value;
    },
    write(value, path, issues) {
      if (!scalar.is(value)) {
        issues.push({ path: pathText(path), expected: scalar.name, found: describeValue(value) });
        return EMPTY;
      }
      return { attrs: [], children: [], text: scalar.encode(value) };
    },
    emit(value, path, issues, out) {
      if (!scalar.is(value)) {
        issues.push({ path: pathText(path), expected: scalar.name, found: describeValue(value) });
        return;
      }
      out.text(scalar.encode(value));
    },
    toJson(value) {
      if (value instanceof Date || value instanceof Duration) return scalar.encode(value);
      if (typeof value === 'number' && !Number.isFinite(value)) return scalar.encode(value);
      return value;
    },
    fromJson(json, path, issues) {
      if (scalar.is(json)) return json;
      const value = typeof json === 'string' ? scalar.parse(json) : undefined;
      if (value === undefined) {
        issues.push({ path: pathText(path), expected: scalar.name, found: describeValue(json) });
        return INVALID;
      }
      return value;
    },
  });
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : value.toISOString();
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

/** Any element kept as a raw tree (Green Button Atom feeds): no schema check beyond well-formedness. */
export const rawElement: XmlCodec<XmlElement> = new XmlCodec<XmlElement>('any XML element', {
  is: (u): u is XmlElement => typeof u === 'object' && u !== null && 'ns' in u && 'name' in u && 'children' in u,
  read: (element) => element,
  write: (value) => value,
  emit: (value, _path, _issues, out) => emitContent(value, out),
  toJson: (value) => value,
  fromJson(json, path, issues) {
    if (rawElement.is(json)) return json;
    issues.push({ path: pathText(path), expected: 'an XML element tree {ns, name, attrs, children, text}', found: describeValue(json) });
    return INVALID;
  },
});

/**
 * An element holding exactly one child element whose value is the whole value:
 * `<xcal:dtstart><xcal:date-time>…</xcal:date-time></xcal:dtstart>` reads as a Date.
 */
export function wrapper<A>(ns: string, name: string, inner: XmlCodec<A> | Scalar<A>): XmlCodec<A> {
  const codec = asCodec(inner);
  const wrapped = wrapperCodec(ns, name, codec);
  (wrapped as XmlCodec<unknown>).plan = { kind: 'wrapper', ns, name, inner: codec as XmlCodec<unknown> };
  const text = textContent(codec as XmlCodec<unknown>);
  const prefix = canonicalPrefix(ns);
  if (text !== undefined && prefix !== undefined && ns !== NS.ds) {
    TEXT_CONTENT.set(wrapped as XmlCodec<unknown>, {
      scalar: text.scalar,
      open: `<${prefix}:${name}>${text.open}`,
      close: `${text.close}</${prefix}:${name}>`,
      namespaces: [ns, prefix, ...text.namespaces],
    });
  }
  return wrapped;
}

function wrapperCodec<A>(ns: string, name: string, codec: XmlCodec<A>): XmlCodec<A> {
  const tags = elementTags(ns, name);
  return new XmlCodec<A>(`${name}(${codec.name})`, {
    is: codec.is,
    read(element, path, issues) {
      const [first, second] = element.children;
      if (!first || first.ns !== ns || first.name !== name) {
        issues.push({ path: pathText(path), expected: `element <${name}>`, found: describeFound(first) });
        return INVALID;
      }
      if (second) {
        issues.push({ path: pathText(path), expected: 'end of element', found: describeFound(second) });
        return INVALID;
      }
      return codec.read(first, child(path, name), issues);
    },
    write(value, path, issues) {
      const content = codec.write(value, child(path, name), issues);
      return { attrs: [], children: [{ ns, name, ...content }], text: '' };
    },
    emit(value, path, issues, out) {
      if (tags !== undefined) out.startTag(tags);
      else out.start(ns, name);
      codec.emit(value, path === UNTRACKED ? UNTRACKED : child(path, name), issues, out);
      out.end();
    },
    toJson: (value) => codec.toJson(value),
    fromJson: (json, path, issues) => codec.fromJson(json, path, issues),
  });
}

/** Streams an element tree's attributes and content (its own start tag is the caller's). */
export function emitContent(element: XmlContent, out: XmlWriter): void {
  for (const attr of element.attrs) out.attribute(attr.ns, attr.name, attr.value);
  if (element.children.length === 0) {
    out.text(element.text);
    return;
  }
  for (const c of element.children) {
    out.start(c.ns, c.name);
    emitContent(c, out);
    out.end();
  }
}

export function asCodec<A>(codec: XmlCodec<A> | Scalar<A>): XmlCodec<A> {
  return codec instanceof XmlCodec ? codec : leaf(codec as Scalar<A>);
}

export type { XmlAttribute };
