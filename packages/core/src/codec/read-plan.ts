import type { Scalar } from './scalars.js';
import type { AttributeField, Card, ElementField, FixedField } from './fields.js';
import type { XmlCodec } from './xml-codec.js';

/**
 * How the single-pass reader (stream-read.ts) builds a codec's value straight from the scanner's
 * events, recorded on each codec (`XmlCodec.plan`) by the combinators as they make it. It mirrors
 * the codec's `read` on the success path only: at the first thing `read` would report, the reader
 * gives up and the document is decoded again through the tree, so every issue still comes from `read`.
 */
export type ReadPlan =
  | { readonly kind: 'leaf'; readonly scalar: Scalar<unknown> }
  | { readonly kind: 'wrapper'; readonly ns: string; readonly name: string; readonly inner: XmlCodec<unknown> }
  | {
      readonly kind: 'sequence';
      readonly attributeKeys: readonly string[];
      readonly attributeFields: readonly AttributeField<unknown, 'one' | 'opt'>[];
      readonly elementKeys: readonly string[];
      readonly elementFields: readonly (ElementField<unknown, Card> | FixedField)[];
      /** Turns the object read into the codec's value (`listOf` takes out its one array). */
      readonly finish: ((value: Record<string, unknown>) => unknown) | undefined;
    };
