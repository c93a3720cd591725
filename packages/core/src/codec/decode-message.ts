import { filter, type OperatorFunction } from 'rxjs';
import { MESSAGE_TYPES, oadrPayloadCodec, payloadOptions, type MessageBody, type MessageOf, type OadrMessage, type OadrMessageType } from '../model/message.js';
import { NS } from '../xml/namespaces.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, readXml, type XmlReadLimits } from '../xml/read-xml.js';
import { rememberEncoded } from '../xml/encoded-documents.js';
import { XmlWriter } from '../xml/xml-writer.js';
import type { XmlElement } from '../xml/xml-node.js';
import { rememberedDecode } from './decoded-documents.js';
import { FedStreamReader, giveUp, streamRead } from './stream-read.js';
import type { XmlScanHandler } from '../xml/xml-scan.js';
import type { XmlReadFailure } from '../xml/read-limits.js';
import type { XmlScanTag } from '../xml/xml-scan.js';
import { CodecEncodeError, INVALID, UNTRACKED, XmlCodec, child, describeValue, issueMessage, type CodecIssue, type Path, type TypeOf } from './xml-codec.js';

/** Why a document was rejected. */
export type DecodeErrorKind =
  | 'not-xml'
  | 'doctype'
  | 'too-large'
  | 'too-deep'
  | 'wrong-root'
  | 'unknown-payload'
  | 'invalid';

/**
 * A document that is not a valid OpenADR 2.0b message. `issues` lists every problem with its
 * element path, what was expected and what was found.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly kind: DecodeErrorKind,
    readonly issues: readonly CodecIssue[],
  ) {
    super(`${kind}: ${issues.map(issueMessage).join('; ')}`);
  }
}

/** A decoded message with what the envelope said about it. */
export interface DecodedMessage<M extends OadrMessage = OadrMessage> {
  readonly message: M;
  /** The raw `ds:Signature` element, when the document was signed (verify it with `@rxadr/signing`). */
  readonly signature?: XmlElement;
  /** The `oadr:Id` of `oadrSignedObject`, when present. */
  readonly signedObjectId?: string;
}

export type DecodeResult = ({ readonly ok: true } & DecodedMessage) | { readonly ok: false; readonly error: DecodeError };

export interface DecodeOptions extends XmlReadLimits {}

const PAYLOAD_NAMES = new Set<string>(MESSAGE_TYPES);

/**
 * Decodes an `oadrPayload` document. Never throws: the result is the typed message or a
 * `DecodeError`. Only namespace URIs matter, so any prefixes or default namespaces decode alike.
 *
 * @example
 * const result = decodeMessage(xml);
 * if (result.ok && isMessage(result.message, 'oadrDistributeEvent')) console.log(result.message.vtnID);
 */
export function decodeMessage(xml: string, options: DecodeOptions = {}): DecodeResult {
  // A document the signature verifier has just decoded in its own pass (see decoded-documents.ts).
  const remembered = rememberedDecode(xml, options.maxBytes ?? DEFAULT_MAX_BYTES, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  if (remembered !== undefined) return remembered;
  const fast = streamRead(xml, oadrPayloadCodec as unknown as XmlCodec<unknown>, options, checkRoot);
  if (fast !== undefined) {
    if ('failure' in fast) return readFailure(fast.failure);
    return decoded(fast.value as TypeOf<typeof oadrPayloadCodec>);
  }
  // Something the codecs report (or a root that is not oadrPayload): the tree path names it.
  const read = readXml(xml, options);
  if (!read.ok) return readFailure(read.failure);
  return decodeElement(read.root);
}

/** A message read from events another single pass feeds it (see {@link messageReader}). */
export interface MessageReader extends XmlScanHandler {
  /**
   * What `decodeMessage` gives for the document of the events fed, once its root has closed;
   * undefined when the fast path gave up (decode the text to learn why).
   */
  readonly result: DecodeResult | undefined;
}

/**
 * The fast path of {@link decodeMessage} as an event handler, for a single-pass reader that
 * already scans the document (the signature verifier feeds it the canonical events of the
 * signed object inside a bare `oadrPayload`), so the message is built with no tree.
 */
export function messageReader(): MessageReader {
  return new FedMessageReader();
}

/**
 * {@link messageReader}'s handler. A class, not an object literal with a getter: with the literal,
 * V8 kept about 900 KB alive through every young-generation collection while reading 117 KB
 * documents one after another (`--trace-gc-nvp`: `new_space_survived`), so each collection cost
 * about ten times as much; with the class, about 50 KB.
 */
class FedMessageReader implements MessageReader {
  private readonly reader = new FedStreamReader(oadrPayloadCodec as unknown as XmlCodec<unknown>, checkRoot);

  open(tag: XmlScanTag): void {
    this.reader.open(tag);
  }

  text(text: string): void {
    this.reader.text(text);
  }

  close(): void {
    this.reader.close();
  }

  wantsBlankText(): boolean {
    return this.reader.wantsBlankText();
  }

  get result(): DecodeResult | undefined {
    const read = this.reader.result;
    return read === undefined ? undefined : decoded(read.value as TypeOf<typeof oadrPayloadCodec>);
  }
}

function checkRoot(tag: XmlScanTag): void {
  if (tag.local !== 'oadrPayload' || tag.ns !== NS.oadr) giveUp();
}

function readFailure(read: XmlReadFailure): DecodeResult {
  return failure(read.kind, [{ path: '', expected: 'a well-formed XML document', found: read.message }]);
}

/** Decodes an already parsed element tree (see `readXml`). */
export function decodeElement(root: XmlElement): DecodeResult {
  if (root.name !== 'oadrPayload' || root.ns !== NS.oadr) {
    return failure('wrong-root', [{ path: root.name, expected: `element <oadrPayload> in ${NS.oadr}`, found: `element <${root.name}> in ${root.ns || 'no namespace'}` }]);
  }
  const signedObject = root.children.find((c) => c.name === 'oadrSignedObject' && c.ns === NS.oadr);
  const payloads = signedObject?.children ?? [];
  const first = payloads[0];
  if (signedObject && first && (first.ns !== NS.oadr || !PAYLOAD_NAMES.has(first.name))) {
    return failure('unknown-payload', [
      { path: 'oadrPayload/oadrSignedObject', expected: 'one of the 23 OpenADR 2.0b payloads', found: `element <${first.name}> in ${first.ns || 'no namespace'}` },
    ]);
  }
  const issues: CodecIssue[] = [];
  const value = oadrPayloadCodec.read(root, child(undefined, 'oadrPayload'), issues);
  if (value === INVALID || issues.length > 0) return failure('invalid', issues);
  return decoded(value);
}

function decoded(value: TypeOf<typeof oadrPayloadCodec>): DecodeResult {
  return {
    ok: true,
    message: value.oadrSignedObject.message,
    ...(value.signature ? { signature: value.signature } : {}),
    ...(value.oadrSignedObject.id !== undefined ? { signedObjectId: value.oadrSignedObject.id } : {}),
  };
}

function failure(kind: DecodeErrorKind, issues: CodecIssue[]): DecodeResult {
  return { ok: false, error: new DecodeError(kind, issues) };
}

/**
 * Encodes a message as an `oadrPayload` document: UTF-8 with an XML declaration, canonical
 * prefixes, schema element order, `oadr:Id="oadrSignedObject"` and `ei:schemaVersion="2.0b"`.
 * Throws `CodecEncodeError` (with paths) when the message breaks the schema.
 */
export function encodeMessage(message: OadrMessage): string {
  const option = PAYLOAD_OPTIONS.get(typeof message === 'object' && message !== null ? message.type : undefined);
  if (option === undefined) {
    const path = 'oadrPayload/oadrSignedObject/message';
    throw new CodecEncodeError([{ path, expected: `type ${MESSAGE_TYPES.join('|')}`, found: describeValue(message) }]);
  }
  // Written without element paths; a message found invalid is written again with them, so each
  // issue names its element.
  let issues: CodecIssue[] = [];
  let out = writeMessage(option, message, UNTRACKED, issues);
  if (issues.length > 0) {
    issues = [];
    out = writeMessage(option, message, child(child(child(undefined, 'oadrPayload'), 'oadrSignedObject'), 'message'), issues);
    throw new CodecEncodeError(issues);
  }
  const { xml, signedObject, rootNamespaces } = out.finish();
  if (signedObject !== undefined) rememberEncoded(xml, signedObject, rootNamespaces);
  return xml;
}

function writeMessage(option: (typeof payloadOptions)[OadrMessageType], message: OadrMessage, path: Path, issues: CodecIssue[]): XmlWriter {
  const out = new XmlWriter();
  out.start(NS.oadr, 'oadrPayload');
  out.start(NS.oadr, 'oadrSignedObject');
  out.attribute(NS.oadr, 'Id', 'oadrSignedObject');
  const [ns, name, codec] = option;
  out.start(ns, name);
  out.attribute(NS.ei, 'schemaVersion', '2.0b');
  (codec as unknown as XmlCodec<OadrMessage>).emit(message, path, issues, out);
  out.end();
  out.end();
  out.end();
  return out;
}

const PAYLOAD_OPTIONS = new Map<unknown, (typeof payloadOptions)[OadrMessageType]>(Object.entries(payloadOptions));

/** Encodes a message to an element tree (the step before serialisation). */
export function encodeElement(message: OadrMessage): XmlElement {
  const issues: CodecIssue[] = [];
  const content = oadrPayloadCodec.write({ oadrSignedObject: { id: 'oadrSignedObject', message } }, child(undefined, 'oadrPayload'), issues);
  if (issues.length > 0) throw new CodecEncodeError(issues);
  const [signedObject] = content.children;
  const payload = signedObject!.children[0]!;
  const withVersion: XmlElement = { ...payload, attrs: [{ ns: NS.ei, name: 'schemaVersion', value: '2.0b' }, ...payload.attrs] };
  return {
    ns: NS.oadr,
    name: 'oadrPayload',
    attrs: [],
    text: '',
    children: [{ ...signedObject!, children: [withVersion] }],
  };
}

/** Narrows the message union: `isMessage(m, 'oadrDistributeEvent')`. */
export function isMessage<T extends OadrMessageType>(message: OadrMessage, type: T): message is MessageOf<T> {
  return message.type === type;
}

/** An RxJS operator keeping only messages of the given types, typed as those members of the union. */
export function ofType<T extends OadrMessageType>(...types: T[]): OperatorFunction<OadrMessage, MessageOf<T>> {
  const wanted = new Set<string>(types);
  return filter((message): message is MessageOf<T> => wanted.has(message.type));
}

/** Builds a message from its type and body: `message('oadrPoll', { venID: 'ven-1' })`. */
export function message<T extends OadrMessageType>(type: T, body: MessageBody<T>): MessageOf<T> {
  return { type, ...body } as MessageOf<T>;
}
