import { qualifiedName } from '../xml/xml-writer.js';
import type { Scalar } from './scalars.js';
import { asCodec, type TypeOf, type XmlCodec } from './xml-codec.js';

// The fields of a schema sequence (elements, attributes, fixed empty elements, substitution
// groups) and the types a sequence of them decodes to; `sequence` (sequence.ts) reads and writes them.

/** How often an element may occur: 1, 0..1, 0..n, 1..n (XSD minOccurs/maxOccurs). */
export type Card = 'one' | 'opt' | 'many' | 'some';

export interface Option {
  readonly ns: string;
  readonly name: string;
  readonly codec: XmlCodec<unknown>;
  /** Set for members of a substitution group: the value is `{ type: tag, ...decoded }`. */
  readonly tag: string | undefined;
  /** `prefix:name` when the namespace has a canonical prefix (every OpenADR namespace): written as is. */
  readonly qname: string | undefined;
}

/** A child element (or one of several, for substitution groups) in a schema sequence. */
export interface ElementField<A, C extends Card> {
  readonly kind: 'element';
  readonly card: C;
  readonly options: readonly Option[];
  readonly valueType?: A;
}

/** A qualified attribute. */
export interface AttributeField<A, C extends 'one' | 'opt'> {
  readonly kind: 'attribute';
  readonly card: C;
  readonly ns: string;
  readonly name: string;
  readonly scalar: Scalar<A>;
}

/** A required element with no content that the model leaves out (`<xcal:components/>` of an active period). */
export interface FixedField {
  readonly kind: 'fixed';
  readonly ns: string;
  readonly name: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyField = ElementField<any, Card> | AttributeField<any, 'one' | 'opt'> | FixedField;
export type Fields = Record<string, AnyField>;

type ValueOf<F> =
  F extends ElementField<infer A, infer C> ? (C extends 'many' | 'some' ? A[] : A) : F extends AttributeField<infer A, 'one' | 'opt'> ? A : never;
/** Optional and zero-or-more fields are optional keys: an absent key means no such element. */
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends { card: 'opt' | 'many' } ? K : never }[keyof F];
type FixedKeys<F extends Fields> = { [K in keyof F]: F[K] extends FixedField ? K : never }[keyof F];
type RequiredKeys<F extends Fields> = Exclude<keyof F, OptionalKeys<F> | FixedKeys<F>>;
export type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type SequenceOf<F extends Fields> = Simplify<
  { -readonly [K in RequiredKeys<F>]: ValueOf<F[K]> } & { -readonly [K in OptionalKeys<F>]?: ValueOf<F[K]> }
>;

export function element<A, C extends Card>(card: C, ns: string, name: string, codec: XmlCodec<A> | Scalar<A>): ElementField<A, C> {
  return { kind: 'element', card, options: [{ ns, name, codec: asCodec(codec) as XmlCodec<unknown>, tag: undefined, qname: qualifiedName(ns, name) }] };
}

/** Exactly one child element. */
export const one = <A>(ns: string, name: string, codec: XmlCodec<A> | Scalar<A>) => element('one', ns, name, codec);
/** An optional child element. */
export const opt = <A>(ns: string, name: string, codec: XmlCodec<A> | Scalar<A>) => element('opt', ns, name, codec);
/** Zero or more child elements (an array, empty when none). */
export const many = <A>(ns: string, name: string, codec: XmlCodec<A> | Scalar<A>) => element('many', ns, name, codec);
/** One or more child elements. */
export const some = <A>(ns: string, name: string, codec: XmlCodec<A> | Scalar<A>) => element('some', ns, name, codec);

/** A qualified attribute (OpenADR schemas use `attributeFormDefault="qualified"`). */
export function attribute<A, C extends 'one' | 'opt'>(card: C, ns: string, name: string, scalar: Scalar<A>): AttributeField<A, C> {
  return { kind: 'attribute', card, ns, name, scalar };
}

export function fixed(ns: string, name: string): FixedField {
  return { kind: 'fixed', ns, name };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ChoiceOptions = Record<string, readonly [ns: string, name: string, codec: XmlCodec<any>]>;
export type ChoiceOf<O extends ChoiceOptions> = { [K in keyof O & string]: Simplify<{ type: K } & TypeOf<O[K][2]>> }[keyof O & string];

/**
 * A substitution group (`emix:itemBase`, `ei:payloadBase`, `strm:streamPayloadBase`): one of
 * several elements, decoded to `{ type: <key>, ...value }`.
 */
export function choice<C extends Card, O extends ChoiceOptions>(card: C, options: O): ElementField<ChoiceOf<O>, C> {
  return {
    kind: 'element',
    card,
    options: Object.entries(options).map(([tag, [ns, name, codec]]) => ({ ns, name, codec: codec as XmlCodec<unknown>, tag, qname: qualifiedName(ns, name) })),
  };
}

/** True when `text` is only XML whitespace (what `trim() === ''` tested, without a new string). */
export function isBlank(text: string): boolean {
  for (let k = 0; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (code !== 0x20 && code !== 0x0a && code !== 0x09 && code !== 0x0d) return text.trim() === '';
  }
  return true;
}

/** The option of `field` for an element named `name` in `ns`, if any. */
export function matchOption(field: ElementField<unknown, Card>, ns: string, name: string): Option | undefined {
  const options = field.options;
  for (let k = 0; k < options.length; k++) {
    const option = options[k]!;
    if (option.name === name && option.ns === ns) return option;
  }
  return undefined;
}
