import { messageReader, scanXml } from '@rxadr/core/engine';
import type { MessageReader, XmlNamespaceDeclaration, XmlScanAttribute, XmlScanCursor, XmlScanHandler, XmlScanTag } from '@rxadr/core/engine';
import { CanonicalWriter, apexNamespaces } from './canonical-stream.js';
import { DS_NS, DSP_NS, OADR_NS } from './constants.js';
import { SignatureError } from './signature-error.js';

/**
 * An element the structural checks look at, as the single pass saw it: every element of a
 * `ds:Signature`, the root, each `oadrSignedObject` and `ReplayProtect`, and every element
 * carrying an ID-like attribute. Everything else in the document gets no record at all.
 */
export interface ScannedElement {
  readonly qname: string;
  readonly ns: string;
  readonly local: string;
  readonly attrs: readonly XmlScanAttribute[];
  /** Depth below the root (the root is 0). */
  readonly depth: number;
  /** `oadr:oadrPayload/ds:Signature/…`, as `elementPath` writes it for the DOM. */
  readonly path: string;
  readonly parent: ScannedElement | undefined;
  /** Child elements, kept only inside a `ds:Signature`. */
  readonly children: ScannedElement[];
  /** Text content (text and CDATA of all descendants), kept only inside a `ds:Signature`. */
  text: string;
  /** The inclusive C14N of this element, for the elements a reference or the signature may cover. */
  canonical?: CanonicalWriter;
}

/** What the structural checks need from the whole document, gathered in the one pass. */
export interface ScannedPayload {
  readonly root: ScannedElement;
  readonly rootFirstChild: ScannedElement | undefined;
  readonly signedObjects: ScannedElement[];
  readonly signatures: ScannedElement[];
  readonly replayProtects: ScannedElement[];
  /** For each ReplayProtect, whether it sits in ds:Signature/ds:Object/ds:SignatureProperties/ds:SignatureProperty. */
  readonly replayPlaced: Map<ScannedElement, ScannedElement | undefined>;
  readonly timestamps: ScannedElement[];
  readonly nonces: ScannedElement[];
  /** Every ID-like attribute value, each of which must be unique. */
  readonly ids: Map<string, ScannedElement>;
  readonly duplicate: { readonly value: string; readonly earlier: ScannedElement; readonly element: ScannedElement } | undefined;
  /**
   * The message read (core's fast path, no tree) from the canonical events of the first
   * `oadrSignedObject` inside a bare `oadrPayload`; its result is what decoding that text gives.
   */
  readonly reader: MessageReader | undefined;
}

/** A {@link ScannedElement}; its path is written only when a message needs it. */
class Scanned implements ScannedElement {
  readonly qname: string;
  readonly ns: string;
  readonly local: string;
  readonly attrs: readonly XmlScanAttribute[];
  readonly children: ScannedElement[] = [];
  text = '';
  canonical?: CanonicalWriter;
  private written: string | undefined;

  constructor(
    tag: XmlScanTag,
    readonly depth: number,
    readonly parent: ScannedElement | undefined,
    /** The names above this element when its parent has no record. */
    private readonly above: readonly string[] | undefined,
  ) {
    this.qname = tag.qname;
    this.ns = tag.ns;
    this.local = tag.local;
    this.attrs = tag.attrs;
  }

  get path(): string {
    this.written ??= this.parent !== undefined ? `${this.parent.path}/${this.qname}` : [...(this.above ?? []), this.qname].join('/');
    return this.written;
  }
}

/** ID attributes matched by local name in any namespace, as payload-structure.ts does. */
const ID_NAMES = new Set(['Id', 'ID', 'id']);

const PAYLOAD_TAG: XmlScanTag = { qname: 'oadr:oadrPayload', prefix: 'oadr', local: 'oadrPayload', ns: OADR_NS, attrs: [], declarations: [] };

function hasId(tag: XmlScanTag): boolean {
  const attrs = tag.attrs;
  for (let i = 0; i < attrs.length; i++) if (ID_NAMES.has(attrs[i]!.local)) return true;
  const declarations = tag.declarations;
  for (let i = 0; i < declarations.length; i++) if (ID_NAMES.has(declarations[i]!.prefix)) return true;
  return false;
}

class PayloadScanner implements XmlScanHandler {
  root: ScannedElement | undefined;
  rootFirstChild: ScannedElement | undefined;
  readonly signedObjects: ScannedElement[] = [];
  readonly signatures: ScannedElement[] = [];
  readonly replayProtects: ScannedElement[] = [];
  readonly replayPlaced = new Map<ScannedElement, ScannedElement | undefined>();
  readonly timestamps: ScannedElement[] = [];
  readonly nonces: ScannedElement[] = [];
  readonly ids = new Map<string, ScannedElement>();
  duplicate: ScannedPayload['duplicate'];
  reader: MessageReader | undefined;
  private readerOpen = false;
  /** The scanner's one tag object is refilled per element: what is kept of the open ones is their names. */
  readonly reusesTag = true;
  private readonly qnames: string[] = [];
  /** The namespace declarations of the open elements that declare any, outermost first, and the depth of each. */
  private readonly declarations: (readonly XmlNamespaceDeclaration[])[] = [];
  private readonly declarationDepths: number[] = [];
  private readonly records: (ScannedElement | undefined)[] = [];
  /** Depth of the open ds:Signature elements' subtrees (0 outside any). */
  private inSignature = 0;
  private writers: CanonicalWriter[] = [];
  private treeWriter: CanonicalWriter | undefined;
  readonly cursor: XmlScanCursor = { end: -1 };
  /** Whether stretches of the document can be canonical as they stand (see {@link CanonicalWriter}). */
  private readonly verbatim: boolean;

  constructor(private readonly xml: string) {
    this.verbatim = xml.indexOf('\r') < 0;
  }

  open(tag: XmlScanTag): void {
    const depth = this.qnames.length;
    const ns = tag.ns;
    const local = tag.local;
    const parent = depth === 0 ? undefined : this.records[depth - 1];
    const isSignature = ns === DS_NS && local === 'Signature';
    const isSignedObject = ns === OADR_NS && local === 'oadrSignedObject';
    const isReplayProtect = ns === DSP_NS && local === 'ReplayProtect';
    const replayField = ns === DSP_NS && (local === 'timestamp' || local === 'nonce');
    let record: ScannedElement | undefined;
    if (this.inSignature > 0 || isSignature || isSignedObject || isReplayProtect || replayField || depth === 0 || hasId(tag)) {
      record = new Scanned(tag, depth, parent, parent === undefined && depth > 0 ? this.qnames.slice() : undefined);
      if (this.inSignature > 0 && parent !== undefined) parent.children.push(record);
      this.indexIds(tag, record);
    }
    if (depth === 0) this.root = record;
    else if (depth === 1 && this.rootFirstChild === undefined) this.rootFirstChild = record ?? NOT_RECORDED;
    if (replayField) (local === 'timestamp' ? this.timestamps : this.nonces).push(record!);
    if (isSignature) this.signatures.push(record!);
    if (isSignedObject) this.signedObjects.push(record!);
    if (isReplayProtect) {
      this.replayProtects.push(record!);
      this.replayPlaced.set(record!, this.propertiesObjectAbove(depth));
    }
    if (isSignature || this.inSignature > 0) this.inSignature++;

    // Canonical forms of the elements a reference or the signature value may cover.
    let writer: CanonicalWriter | undefined;
    if (isSignedObject && this.signedObjects.length === 1) {
      this.reader = messageReader();
      this.reader.open(PAYLOAD_TAG);
      this.readerOpen = true;
      writer = new CanonicalWriter(apexNamespaces(this.declarations, tag), this.reader, this.xml, this.verbatim);
      this.treeWriter = writer;
    } else if (ns === DS_NS && (local === 'SignedInfo' || local === 'Object') && parent !== undefined && parent.ns === DS_NS && parent.local === 'Signature') {
      // SignedInfo's bytes go to the signature check; they are hashed only should a reference name it.
      writer = new CanonicalWriter(apexNamespaces(this.declarations, tag), undefined, this.xml, this.verbatim, local === 'Object');
    }
    if (writer !== undefined) {
      record!.canonical = writer;
      this.writers = [...this.writers, writer];
    }
    const writers = this.writers;
    const end = this.cursor.end;
    for (let i = 0; i < writers.length; i++) writers[i]!.open(tag, end);

    this.qnames.push(tag.qname);
    if (tag.declarations.length > 0) {
      this.declarations.push(tag.declarations);
      this.declarationDepths.push(depth);
    }
    this.records.push(record);
  }

  /** The ds:Object above a ReplayProtect at `depth` when the path is Signature/Object/SignatureProperties/SignatureProperty. */
  private propertiesObjectAbove(depth: number): ScannedElement | undefined {
    // Every element from a ds:Signature down has a record, so a chain up to one is seen in the records.
    const named = (at: number, local: string): boolean => {
      const record = at >= 0 ? this.records[at] : undefined;
      return record !== undefined && record.ns === DS_NS && record.local === local;
    };
    if (!named(depth - 1, 'SignatureProperty') || !named(depth - 2, 'SignatureProperties') || !named(depth - 3, 'Object') || !named(depth - 4, 'Signature')) {
      return undefined;
    }
    return this.records[depth - 3];
  }

  private indexIds(tag: XmlScanTag, record: ScannedElement): void {
    // xmldom lists namespace declarations among the attributes; `xmlns:Id` has local name `Id`.
    for (const declaration of tag.declarations) if (ID_NAMES.has(declaration.prefix)) this.indexId(declaration.uri, record);
    for (const attr of tag.attrs) if (ID_NAMES.has(attr.local)) this.indexId(attr.value, record);
  }

  private indexId(value: string, record: ScannedElement): void {
    const earlier = this.ids.get(value);
    if (earlier !== undefined) this.duplicate ??= { value, earlier, element: record };
    else this.ids.set(value, record);
  }

  text(text: string): void {
    if (this.inSignature > 0) this.appendText(text);
    const writers = this.writers;
    const end = this.cursor.end;
    for (let i = 0; i < writers.length; i++) writers[i]!.text(text, end);
  }

  /** Blank text is skipped by the scanner, then taken from the document where it is needed. */
  wantsBlankText(): boolean {
    return false;
  }

  blankText(start: number, end: number): void {
    if (this.inSignature > 0) this.appendText(this.xml.slice(start, end));
    const writers = this.writers;
    for (let i = 0; i < writers.length; i++) writers[i]!.blank(start, end);
  }

  private appendText(text: string): void {
    for (let i = this.records.length - 1; i >= 0; i--) {
      const record = this.records[i];
      if (record === undefined) break;
      record.text += text;
      if (record.ns === DS_NS && record.local === 'Signature') break;
    }
  }

  processingInstruction(target: string, body: string): void {
    for (const writer of this.writers) writer.processingInstruction(target, body, this.cursor.end);
  }

  close(): void {
    this.qnames.pop();
    const depths = this.declarationDepths;
    if (depths.length > 0 && depths[depths.length - 1] === this.qnames.length) {
      depths.pop();
      this.declarations.pop();
    }
    this.records.pop();
    if (this.inSignature > 0) this.inSignature--;
    if (this.writers.length === 0) return;
    let finished = false;
    const writers = this.writers;
    const end = this.cursor.end;
    for (let i = 0; i < writers.length; i++) {
      const writer = writers[i]!;
      writer.close(end);
      if (writer.done) finished = true;
    }
    if (finished) {
      if (this.treeWriter?.done === true && this.readerOpen) {
        this.readerOpen = false;
        this.reader!.close();
      }
      this.writers = this.writers.filter((writer) => !writer.done);
    }
  }
}

/** Marks a first child of the root that needed no record (so it is not the signature). */
const NOT_RECORDED: ScannedElement = new Scanned(PAYLOAD_TAG, 1, undefined, []);

/**
 * Reads a payload in one scanner pass: gathers what the structural checks need, writes the
 * canonical form of the signed object, of each SignedInfo and of each ds:Object of a signature,
 * and reads the message of the signed object from its canonical events.
 *
 * @throws SignatureError `malformed` when the document is not (namespace-)well-formed, carries a
 *   DOCTYPE, exceeds core's read limits or has content after its root element
 */
export function scanPayload(xml: string): ScannedPayload {
  const scanner = new PayloadScanner(xml);
  const failure = scanXml(xml, scanner);
  if (failure !== undefined) {
    const message =
      failure.kind === 'doctype'
        ? 'payload has a DOCTYPE, which OpenADR payloads must not carry'
        : /^content after the document element/.test(failure.message)
          ? 'payload has content after its document element (only whitespace and comments may follow it)'
          : failure.kind === 'not-xml'
          ? `payload is not well-formed XML: ${failure.message}`
          : `payload is not acceptable: ${failure.message}`;
    throw new SignatureError('malformed', message);
  }
  if (scanner.root === undefined) throw new SignatureError('malformed', 'payload has no root element');
  return {
    root: scanner.root,
    rootFirstChild: scanner.rootFirstChild,
    signedObjects: scanner.signedObjects,
    signatures: scanner.signatures,
    replayProtects: scanner.replayProtects,
    replayPlaced: scanner.replayPlaced,
    timestamps: scanner.timestamps,
    nonces: scanner.nonces,
    ids: scanner.ids,
    duplicate: scanner.duplicate,
    reader: scanner.reader,
  };
}
