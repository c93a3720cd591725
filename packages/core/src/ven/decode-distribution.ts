import { decodeElement, type DecodeResult } from '../codec/decode-message.js';
import { INVALID, child, issueMessage, type CodecIssue } from '../codec/xml-codec.js';
import type { MessageOf } from '../model/message.js';
import { oadrEventCodec } from '../model/event.js';
import type { ResponseRequired } from '../model/model-exports.js';
import { NS } from '../xml/namespaces.js';
import { readXml } from '../xml/read-xml.js';
import type { XmlElement } from '../xml/xml-node.js';

/** An event of an oadrDistributeEvent that could not be decoded, with what the VEN answers for it (rule 19). */
export interface RejectedEvent {
  readonly eventID: string;
  readonly modificationNumber: number;
  readonly responseRequired: ResponseRequired;
  /** 460 when the signalName or signalType is not supported, 454 for any other invalid content (§8). */
  readonly code: '454' | '460';
  readonly description: string;
}

/** An oadrDistributeEvent decoded event by event. */
export interface LenientDistribution {
  readonly message: MessageOf<'oadrDistributeEvent'>;
  readonly rejected: readonly RejectedEvent[];
}

const find = (element: XmlElement | undefined, ns: string, name: string): XmlElement | undefined =>
  element?.children.find((c) => c.ns === ns && c.name === name);

/** The largest xs:unsignedInt: an answer can carry no higher modificationNumber (§9). */
const MAX_UNSIGNED_INT = 4_294_967_295;

/**
 * The rejection of one undecodable event, or undefined when not even its eventID can be read. A
 * modificationNumber that is not an xs:unsignedInt (negative, above 2^32−1, not a number) cannot be
 * echoed in the answer, which must itself be schema-valid: the answer carries the nearest valid
 * value (0 or 4294967295) and the description says what was received.
 */
function rejectedFrom(element: XmlElement, issues: readonly CodecIssue[]): RejectedEvent | undefined {
  const descriptor = find(find(element, NS.ei, 'eiEvent'), NS.ei, 'eventDescriptor');
  const eventID = find(descriptor, NS.ei, 'eventID')?.text;
  if (eventID === undefined) return undefined;
  const modText = find(descriptor, NS.ei, 'modificationNumber')?.text.trim() ?? '';
  const received = /^\+?\d+$/.test(modText) ? Number(modText) : Number.NaN;
  const modificationNumber = Number.isNaN(received) ? 0 : Math.min(received, MAX_UNSIGNED_INT);
  // §8: 460 is "signal not supported", for an unknown signalName or signalType alike.
  const signal = issues.find((i) => /signal(Name|Type)$/.test(i.path));
  const required = find(element, NS.oadr, 'oadrResponseRequired')?.text.trim();
  const problems = issues.map(issueMessage).join('; ');
  const description = signal ? `signal not supported: ${signal.found}` : problems;
  return {
    eventID,
    modificationNumber,
    responseRequired: required === 'never' ? 'never' : 'always',
    code: signal ? '460' : '454',
    description: (received === modificationNumber ? description : `modificationNumber ${JSON.stringify(modText)} is not an xs:unsignedInt; ${description}`).slice(0, 500),
  };
}

/**
 * Decides how one undecodable event is handled (rule 19: one bad event never sinks the others).
 * The strict decoder rejects a whole document when one event has, say, a signalName outside the
 * enumeration. When that happens to an oadrDistributeEvent, the engine calls this: each
 * `oadr:oadrEvent` is decoded on its own; the good ones form the message, each bad one whose
 * eventID can still be read is answered 460 (bad signalName or signalType) or 454.
 * Returns undefined when the document is not an oadrDistributeEvent, or is bad outside its
 * events; the caller then reports the original decode error.
 */
export function decodeDistribution(xml: string): { readonly result: LenientDistribution; readonly issues: readonly CodecIssue[] } | undefined {
  const read = readXml(xml);
  if (!read.ok) return undefined;
  const signed = find(read.root, NS.oadr, 'oadrSignedObject');
  const distribute = find(signed, NS.oadr, 'oadrDistributeEvent');
  if (!signed || !distribute) return undefined;
  const rejected: RejectedEvent[] = [];
  const allIssues: CodecIssue[] = [];
  const kept = distribute.children.filter((element, index) => {
    if (element.ns !== NS.oadr || element.name !== 'oadrEvent') return true;
    const issues: CodecIssue[] = [];
    const value = oadrEventCodec.read(element, child(undefined, `oadrEvent[${index}]`), issues);
    if (value !== INVALID && issues.length === 0) return true;
    allIssues.push(...issues);
    const bad = rejectedFrom(element, issues);
    if (bad) rejected.push(bad);
    return bad === undefined; // unanswerable: keep it so the strict decode below fails as before
  });
  if (rejected.length === 0) return undefined;
  const root: XmlElement = {
    ...read.root,
    children: read.root.children.map((c) => (c !== signed ? c : { ...signed, children: signed.children.map((p) => (p !== distribute ? p : { ...distribute, children: kept })) })),
  };
  const decoded: DecodeResult = decodeElement(root);
  if (!decoded.ok || decoded.message.type !== 'oadrDistributeEvent') return undefined;
  return { result: { message: decoded.message, rejected }, issues: allIssues };
}
