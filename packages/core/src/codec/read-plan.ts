import type { Scalar } from './scalars.js';
import type { AttributeField, Card, ElementField, FixedField } from './fields.js';
import type { XmlCodec } from './xml-codec.js';

/**
 * How the single-pass reader (stream-read.ts) builds a codec's value straight from the scanner's
 * events, recorded by the combinators as they make their codecs. It mirrors each codec's `read`
 * on the success path only: at the first thing `read` would report, the reader gives up and the
 * document is decoded again through the tree, so every issue still comes from `read`.
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

/** Records the plan on the codec itself (`XmlCodec.plan`): the reader looks it up for every element. */
export function setReadPlan(codec: XmlCodec<unknown>, plan: ReadPlan): void {
  codec.plan = plan;
}

/** The codec's plan; undefined for codecs read from their subtree (`rawElement`, any other). */
export function readPlan(codec: XmlCodec<unknown>): ReadPlan | undefined {
  return codec.plan;
}
