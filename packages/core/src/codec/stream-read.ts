import type { XmlReadFailure, XmlReadLimits } from '../xml/read-limits.js';
import { XmlTreeBuilder } from '../xml/read-xml.js';
import { scanXml, type XmlScanHandler, type XmlScanTag } from '../xml/xml-scan.js';
import type { ReadPlan } from './read-plan.js';
import { isBlank, matchOption, type Card, type ElementField, type FixedField } from './fields.js';
import { INVALID, type CodecIssue, type XmlCodec } from './xml-codec.js';

/** Thrown by the reader at the first thing a codec's `read` would report. */
class GiveUp extends Error {}
const GIVE_UP = new GiveUp('not on the fast path');

function giveUp(): never {
  throw GIVE_UP;
}

const SEQUENCE = 0;
const LEAF = 1;
const WRAPPER = 2;
/** Read from its subtree, built as a tree (`rawElement`, codecs without a plan). */
const SUBTREE = 3;
/** A `fixed` element: its content is not read. */
const SKIP = 4;

/** One open element being read. Frames are kept per depth and reused, so reading allocates none. */
interface Frame {
  kind: number;
  codec: XmlCodec<unknown>;
  plan: ReadPlan | undefined;
  /** SEQUENCE: the object being filled, the field at hand and how many of its elements were read. */
  out: Record<string, unknown> | undefined;
  field: number;
  found: number;
  /** SEQUENCE: the array of the repeated field at hand. */
  values: unknown[] | undefined;
  /** SEQUENCE: the key, repetition and substitution tag of the open child's field. */
  childKey: string;
  childRepeated: boolean;
  childTag: string | undefined;
  /** LEAF: the text so far. WRAPPER: the number of children. */
  text: string;
  children: number;
  /** WRAPPER: the value of its child. */
  value: unknown;
  /** SUBTREE, SKIP: open elements inside; SUBTREE: the tree being built. */
  nested: number;
  tree: XmlTreeBuilder | undefined;
}

function newFrame(): Frame {
  return {
    kind: SKIP,
    codec: undefined as unknown as XmlCodec<unknown>,
    plan: undefined,
    out: undefined,
    field: 0,
    found: 0,
    values: undefined,
    childKey: '',
    childRepeated: false,
    childTag: undefined,
    text: '',
    children: 0,
    value: undefined,
    nested: 0,
    tree: undefined,
  };
}

/** Frame stacks of finished readers, reused by the next ones (a reader allocates frames only beyond them). */
const spareFrames: Frame[][] = [];
const SPARE_FRAME_SETS = 4;

const isRepeated = (card: Card): boolean => card === 'many' || card === 'some';

/**
 * Builds the value of `codec` for the document element straight from the scanner's events, with
 * no element tree: the fast path of decoding. `checkRoot` vets the document element first.
 */
class StreamReader implements XmlScanHandler {
  /** Tags are read during `open` only (a subtree's builder copies what it keeps). */
  readonly reusesTag = true;
  private readonly frames: Frame[] = spareFrames.pop() ?? [];
  private depth = 0;
  value: unknown = INVALID;

  constructor(
    private readonly codec: XmlCodec<unknown>,
    private readonly checkRoot: (tag: XmlScanTag) => void,
  ) {}

  open(tag: XmlScanTag): void {
    const depth = this.depth;
    let codec: XmlCodec<unknown>;
    if (depth === 0) {
      this.checkRoot(tag);
      codec = this.codec;
    } else {
      const parent = this.frames[depth - 1]!;
      switch (parent.kind) {
        case SUBTREE:
          parent.nested++;
          parent.tree!.open(tag);
          return;
        case SKIP:
          parent.nested++;
          return;
        case LEAF:
          giveUp();
        case WRAPPER: {
          const plan = parent.plan as Extract<ReadPlan, { kind: 'wrapper' }>;
          if (parent.children++ > 0 || tag.local !== plan.name || tag.ns !== plan.ns) giveUp();
          codec = plan.inner;
          break;
        }
        default: {
          const next = this.nextChild(parent, tag);
          if (next === undefined) {
            this.enter(depth, SKIP, parent.codec, undefined);
            return;
          }
          codec = next;
        }
      }
    }
    const plan = codec.plan;
    if (plan === undefined) {
      const frame = this.enter(depth, SUBTREE, codec, undefined);
      frame.tree = new XmlTreeBuilder();
      frame.tree.open(tag);
      return;
    }
    const frame = this.enter(depth, plan.kind === 'sequence' ? SEQUENCE : plan.kind === 'leaf' ? LEAF : WRAPPER, codec, plan);
    if (plan.kind === 'sequence') frame.out = readAttributes(plan, tag);
  }

  /** At the root: done with the frames, which the next reader reuses (cleared, so they hold no value). */
  get finished(): boolean {
    return this.depth === 0;
  }

  /** Gives the frames back for the next reader; call once, when this reader gets no more events. */
  release(): void {
    const frames = this.frames;
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i]!;
      frame.out = undefined;
      frame.values = undefined;
      frame.value = undefined;
      frame.tree = undefined;
      frame.text = '';
    }
    if (spareFrames.length < SPARE_FRAME_SETS) spareFrames.push(frames);
  }

  private enter(depth: number, kind: number, codec: XmlCodec<unknown>, plan: ReadPlan | undefined): Frame {
    let frame = this.frames[depth];
    if (frame === undefined) {
      frame = newFrame();
      this.frames.push(frame);
    }
    frame.kind = kind;
    frame.codec = codec;
    frame.plan = plan;
    frame.out = undefined;
    frame.field = 0;
    frame.found = 0;
    frame.values = undefined;
    frame.text = '';
    frame.children = 0;
    frame.value = undefined;
    frame.nested = 0;
    frame.tree = undefined;
    this.depth = depth + 1;
    return frame;
  }

  /** The codec of a sequence's next child (undefined for a `fixed` one), as `read` walks the fields. */
  private nextChild(parent: Frame, tag: XmlScanTag): XmlCodec<unknown> | undefined {
    const plan = parent.plan as Extract<ReadPlan, { kind: 'sequence' }>;
    const fields = plan.elementFields;
    while (parent.field < fields.length) {
      const field = fields[parent.field]!;
      if (field.kind === 'fixed') {
        if (tag.local !== field.name || tag.ns !== field.ns) giveUp();
        parent.field++;
        return undefined;
      }
      const option = matchOption(field, tag.ns, tag.local);
      if (option !== undefined) {
        parent.childKey = plan.elementKeys[parent.field]!;
        parent.childTag = option.tag;
        parent.childRepeated = isRepeated(field.card);
        if (parent.childRepeated) parent.found++;
        else {
          parent.field++;
          parent.found = 0;
          parent.values = undefined;
        }
        return option.codec;
      }
      if (parent.found === 0 && (field.card === 'one' || field.card === 'some')) giveUp();
      parent.field++;
      parent.found = 0;
      parent.values = undefined;
    }
    return giveUp();
  }

  text(text: string): void {
    const frame = this.frames[this.depth - 1]!;
    switch (frame.kind) {
      case LEAF:
        frame.text = frame.text === '' ? text : frame.text + text;
        return;
      case SEQUENCE:
        if (!isBlank(text)) giveUp();
        return;
      case SUBTREE:
        frame.tree!.text(text);
    }
  }

  /** Only a leaf keeps its whitespace (and a subtree, where its builder wants it). */
  wantsBlankText(): boolean {
    const frame = this.frames[this.depth - 1]!;
    return frame.kind === LEAF || (frame.kind === SUBTREE && frame.tree!.wantsBlankText());
  }

  close(): void {
    const frame = this.frames[this.depth - 1]!;
    let value: unknown;
    switch (frame.kind) {
      case SUBTREE: {
        frame.tree!.close();
        if (frame.nested-- > 0) return;
        const issues: CodecIssue[] = [];
        value = frame.codec.read(frame.tree!.root!, undefined, issues);
        frame.tree = undefined;
        if (value === INVALID || issues.length > 0) giveUp();
        break;
      }
      case SKIP:
        if (frame.nested-- > 0) return;
        this.depth--;
        return;
      case LEAF:
        value = (frame.plan as Extract<ReadPlan, { kind: 'leaf' }>).scalar.parse(frame.text);
        if (value === undefined) giveUp();
        break;
      case WRAPPER:
        if (frame.children === 0) giveUp();
        value = frame.value;
        break;
      default:
        value = finishSequence(frame);
    }
    this.depth--;
    if (this.depth === 0) {
      this.value = value;
      return;
    }
    const parent = this.frames[this.depth - 1]!;
    if (parent.kind === WRAPPER) {
      parent.value = value;
      return;
    }
    // A sequence: the child's field, as `read` fills it.
    if (parent.childTag !== undefined) (value as { type?: string }).type = parent.childTag;
    if (!parent.childRepeated) parent.out![parent.childKey] = value;
    else if (parent.values === undefined) parent.out![parent.childKey] = parent.values = [value];
    else parent.values.push(value);
  }
}

function readAttributes(plan: Extract<ReadPlan, { kind: 'sequence' }>, tag: XmlScanTag): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const attrs = tag.attrs;
  for (let a = 0; a < plan.attributeFields.length; a++) {
    const field = plan.attributeFields[a]!;
    let found = false;
    for (let k = 0; k < attrs.length; k++) {
      const attr = attrs[k]!;
      if (attr.local !== field.name || attr.ns !== field.ns) continue;
      const value = field.scalar.parse(attr.value);
      if (value === undefined) giveUp();
      out[plan.attributeKeys[a]!] = value;
      found = true;
      break;
    }
    if (!found && field.card === 'one') giveUp();
  }
  return out;
}

/** The sequence's value once its element closes: every field after the last one read must be optional. */
function finishSequence(frame: Frame): unknown {
  const plan = frame.plan as Extract<ReadPlan, { kind: 'sequence' }>;
  const fields = plan.elementFields;
  for (let e = frame.field; e < fields.length; e++) {
    const field = fields[e]! as ElementField<unknown, Card> | FixedField;
    if (field.kind === 'fixed') giveUp();
    if ((e > frame.field || frame.found === 0) && (field.card === 'one' || field.card === 'some')) giveUp();
  }
  return plan.finish === undefined ? frame.out : plan.finish(frame.out!);
}

/** What {@link streamRead} found: the value, a scanner failure, or undefined to take the tree path. */
export type StreamReadResult = { readonly value: unknown } | { readonly failure: XmlReadFailure } | undefined;

/**
 * Reads `xml` into the value of `codec` in one pass over the scanner's events. Gives up (returns
 * undefined) wherever the codec's `read` would record an issue, or where `checkRoot` calls
 * {@link giveUp} for the document element; the caller then decodes through the tree, which reports it.
 */
export function streamRead(
  xml: string,
  codec: XmlCodec<unknown>,
  limits: XmlReadLimits,
  checkRoot: (tag: XmlScanTag) => void,
): StreamReadResult {
  const reader = new StreamReader(codec, checkRoot);
  try {
    const failure = scanXml(xml, reader, limits);
    if (failure !== undefined) return { failure };
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  } finally {
    reader.release();
  }
  return reader.value === INVALID ? undefined : { value: reader.value };
}

/**
 * A {@link StreamReader} fed the events of another single pass (the signature verifier's scan):
 * at the first thing the codecs would report it stops reading, without throwing into that pass,
 * and `result` is then undefined (the caller decodes through the tree, which reports it).
 */
export class FedStreamReader implements XmlScanHandler {
  private readonly reader: StreamReader;
  /** No more events are read: the document element closed, or the reader gave up. */
  private stopped = false;
  private released = false;
  private gaveUp = false;

  constructor(codec: XmlCodec<unknown>, checkRoot: (tag: XmlScanTag) => void) {
    this.reader = new StreamReader(codec, checkRoot);
  }

  open(tag: XmlScanTag): void {
    if (this.stopped) return;
    try {
      this.reader.open(tag);
    } catch (error) {
      this.stop(error);
    }
  }

  text(text: string): void {
    if (this.stopped) return;
    try {
      this.reader.text(text);
    } catch (error) {
      this.stop(error);
    }
  }

  /** Whether blank text here is the codec's (a leaf's); once stopped, nothing is. */
  wantsBlankText(): boolean {
    return !this.stopped && this.reader.wantsBlankText();
  }

  close(): void {
    if (this.stopped) return;
    try {
      this.reader.close();
    } catch (error) {
      this.stop(error);
      return;
    }
    if (this.reader.finished) this.finish();
  }

  private stop(error: unknown): void {
    if (error !== GIVE_UP) throw error;
    this.gaveUp = true;
    this.finish();
  }

  /** No more events are read: the frames go back for the next reader. */
  private finish(): void {
    if (this.released) return;
    this.released = true;
    this.stopped = true;
    this.reader.release();
  }

  /** The value read, once the document element has closed; undefined when reading stopped. */
  get result(): { readonly value: unknown } | undefined {
    return this.gaveUp || this.reader.value === INVALID ? undefined : { value: this.reader.value };
  }
}

export { giveUp };
