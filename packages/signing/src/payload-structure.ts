import { C14N, DS_NS, DSP_NS, ECDSA_SHA256, OADR_NS, RSA_SHA256, SHA256 } from './constants.js';
import { SignatureError } from './signature-error.js';
import type { SignatureMethod } from './signature-algorithms.js';
import { childElements, elementPath, findAll, isElementNamed, singleChild, text } from './xml-dom.js';

/** One `ds:Reference`, resolved through the document's (unique) IDs; `E` is the element's form. */
export interface ReferenceOf<E> {
  readonly uri: string;
  readonly target: E;
  /** Base64 `DigestValue`, whitespace removed. */
  readonly digestValue: string;
}

/** The parts of a signed payload after the structural (rule 514) checks; `E` is the element's form (DOM or scanned). */
export interface SignaturePartsOf<E> {
  readonly signedObject: E;
  readonly signedObjectId: string;
  readonly signedInfo: E;
  /** Base64 `SignatureValue`, whitespace removed. */
  readonly signatureValue: string;
  readonly method: SignatureMethod;
  /** The references in `SignedInfo` order; exactly the two expected ones. */
  readonly references: readonly ReferenceOf<E>[];
  /** The `ds:Object` holding the one `dsp:ReplayProtect`, and its `Id`. */
  readonly propertiesObject: E;
  readonly propertiesId: string;
  /** Base64 DER of each `ds:X509Certificate`, signer first. */
  readonly certificates: readonly string[];
}

export type ResolvedReference = ReferenceOf<Element>;

/** The parts of a signed payload read from a DOM. */
export interface SignedPayloadParts extends SignaturePartsOf<Element> {
  readonly signature: Element;
}

/**
 * ID attributes, matched by local name in any namespace: this covers `oadr:Id` on
 * `oadrSignedObject` (namespace-qualified, OPENADR.md §2.1) and the unqualified `Id` of ds
 * elements, and also `ID`/`id`, which some signature libraries resolve. Every value of any of
 * them must be unique, so no reference can resolve to two candidates (signature wrapping).
 */
const ID_NAMES = new Set(['Id', 'ID', 'id']);

function fail(reason: 'malformed' | 'wrapping' | 'missing-reference' | 'unsupported-algorithm' | 'replay-missing', message: string): never {
  throw new SignatureError(reason, message);
}

function one(elements: Element[], what: string, missing: () => never): Element {
  const [first, second] = elements;
  if (first === undefined) return missing();
  if (second !== undefined) {
    fail('wrapping', `${elements.length} ${what} elements (${elements.map(elementPath).join(', ')}); exactly one is allowed`);
  }
  return first;
}

const ELEMENT_NODE = 1;

/** What the structural checks need from the whole document, gathered in one walk. */
interface DocumentIndex {
  readonly signedObjects: Element[];
  readonly signatures: Element[];
  readonly replayProtects: Element[];
  readonly timestamps: Element[];
  readonly nonces: Element[];
  /** Every ID-like attribute value, each of which must be unique. */
  readonly ids: Map<string, Element>;
  /** The first repeated ID value, reported where the checks reach uniqueness. */
  duplicate?: { readonly value: string; readonly earlier: Element; readonly element: Element };
}

/**
 * One walk over every element in document order (what `getElementsByTagNameNS` would visit),
 * instead of one walk per element name: the same lists, in the same order.
 */
function indexDocument(doc: Document): DocumentIndex {
  const index: DocumentIndex = { signedObjects: [], signatures: [], replayProtects: [], timestamps: [], nonces: [], ids: new Map() };
  const stack: Node[] = [];
  for (let child = doc.lastChild; child !== null; child = child.previousSibling) stack.push(child);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeType !== ELEMENT_NODE) continue;
    const element = node as Element;
    const ns = element.namespaceURI;
    const local = element.localName;
    if (ns === OADR_NS && local === 'oadrSignedObject') index.signedObjects.push(element);
    else if (ns === DS_NS && local === 'Signature') index.signatures.push(element);
    else if (ns === DSP_NS) {
      if (local === 'ReplayProtect') index.replayProtects.push(element);
      else if (local === 'timestamp') index.timestamps.push(element);
      else if (local === 'nonce') index.nonces.push(element);
    }
    const attributes = element.attributes;
    for (let i = 0; i < attributes.length; i++) {
      const attribute = attributes.item(i);
      if (attribute === null || !ID_NAMES.has(attribute.localName ?? '')) continue;
      const earlier = index.ids.get(attribute.value);
      if (earlier !== undefined) index.duplicate ??= { value: attribute.value, earlier, element };
      else index.ids.set(attribute.value, element);
    }
    for (let child = element.lastChild; child !== null; child = child.previousSibling) stack.push(child);
  }
  return index;
}

/**
 * Locates the signature parts and enforces the OpenADR signature shape (OPENADR.md §2.2, §7.3,
 * rule 514): one `oadrSignedObject`, a direct child of the root `oadrPayload`; at most one
 * `ds:Signature`, its first child; unique IDs; one `ReplayProtect` inside a `ds:Object` of that
 * signature; inclusive C14N, SHA-256, RSA/ECDSA-SHA256; exactly the two expected references.
 * Returns `undefined` for an unsigned payload. Appends each passed check to `checks`.
 *
 * @throws SignatureError with `malformed`, `wrapping`, `missing-reference`,
 *   `unsupported-algorithm` or `replay-missing`
 */
export function readSignedPayload(doc: Document, checks: string[]): SignedPayloadParts | undefined {
  const root = doc.documentElement;
  if (!isElementNamed(root, OADR_NS, 'oadrPayload')) {
    fail('malformed', `root element is ${doc.documentElement.tagName}, expected oadr:oadrPayload (OPENADR.md §2.2)`);
  }
  const index = indexDocument(doc);
  const signedObject = one(index.signedObjects, 'oadrSignedObject', () =>
    fail('malformed', 'oadrPayload holds no oadrSignedObject'),
  );
  if (signedObject.parentNode !== root) {
    fail('wrapping', `oadrSignedObject is at ${elementPath(signedObject)}, not a direct child of the root oadrPayload`);
  }
  const signatures = index.signatures;
  if (signatures.length === 0) return undefined;
  const signature = one(signatures, 'ds:Signature', () => fail('malformed', 'no ds:Signature'));
  if (signature.parentNode !== root) {
    fail('wrapping', `ds:Signature is at ${elementPath(signature)}, not a direct child of the root oadrPayload`);
  }
  if (childElements(root)[0] !== signature) fail('malformed', 'ds:Signature must be the first child of oadrPayload (§2.2)');
  const { ids, duplicate } = index;
  if (duplicate !== undefined) {
    fail('wrapping', `duplicate ID '${duplicate.value}' on ${elementPath(duplicate.earlier)} and ${elementPath(duplicate.element)}`);
  }
  checks.push('one oadrSignedObject and one ds:Signature, both children of oadrPayload; IDs unique');

  const signedObjectId = signedObject.getAttributeNS(OADR_NS, 'Id') ?? '';
  if (signedObjectId === '') fail('missing-reference', 'oadrSignedObject has no oadr:Id, so no reference can cover it');

  const replayProtect = one(index.replayProtects, 'dsp:ReplayProtect', () =>
    fail('replay-missing', 'no dsp:ReplayProtect: signed OpenADR messages must carry timestamp and nonce (§7.3)'),
  );
  for (const [field, found] of [['timestamp', index.timestamps], ['nonce', index.nonces]] as const) {
    one(found, `dsp:${field}`, () => fail('replay-missing', `dsp:ReplayProtect has no dsp:${field}`));
  }
  const property = replayProtect.parentNode;
  const properties = property?.parentNode;
  const propertiesObject = properties?.parentNode;
  if (
    !isElementNamed(property, DS_NS, 'SignatureProperty') ||
    !isElementNamed(properties, DS_NS, 'SignatureProperties') ||
    !isElementNamed(propertiesObject, DS_NS, 'Object') ||
    propertiesObject.parentNode !== signature
  ) {
    fail('wrapping', `dsp:ReplayProtect is at ${elementPath(replayProtect)}, not in ds:Signature/ds:Object/ds:SignatureProperties/ds:SignatureProperty`);
  }
  const propertiesId = propertiesObject.getAttribute('Id') ?? '';
  if (propertiesId === '') fail('missing-reference', 'the ds:Object holding dsp:ReplayProtect has no Id, so no reference can cover it');

  const signedInfo = singleChild(signature, DS_NS, 'SignedInfo');
  if (signedInfo === null || signedInfo === undefined || childElements(signature)[0] !== signedInfo) {
    fail('malformed', 'ds:Signature must start with exactly one ds:SignedInfo');
  }
  const c14n = signedInfo.getElementsByTagNameNS(DS_NS, 'CanonicalizationMethod').item(0)?.getAttribute('Algorithm');
  if (c14n !== C14N) fail('unsupported-algorithm', `CanonicalizationMethod is ${c14n ?? 'missing'}, expected ${C14N}`);
  const method = signedInfo.getElementsByTagNameNS(DS_NS, 'SignatureMethod').item(0)?.getAttribute('Algorithm');
  if (method !== RSA_SHA256 && method !== ECDSA_SHA256) {
    fail('unsupported-algorithm', `SignatureMethod is ${method ?? 'missing'}, expected ${RSA_SHA256} or ${ECDSA_SHA256}`);
  }
  checks.push(`SignedInfo uses inclusive C14N 1.0 and ${method.replace(/.*#/, '')}`);

  const covered = new Set<Element>();
  const references: ResolvedReference[] = [];
  for (const reference of childElements(signedInfo).filter((child) => isElementNamed(child, DS_NS, 'Reference'))) {
    const uri = reference.getAttribute('URI') ?? '';
    const target = uri.startsWith('#') ? ids.get(uri.slice(1)) : undefined;
    if (!uri.startsWith('#')) fail('wrapping', `reference URI="${uri}" is not a same-document #ID reference`);
    if (target === undefined) fail('missing-reference', `reference ${uri} points at no element`);
    if (target !== signedObject && target !== propertiesObject) {
      fail('wrapping', `reference ${uri} points at ${elementPath(target)}, neither the oadrSignedObject nor the ReplayProtect ds:Object`);
    }
    if (covered.has(target)) fail('malformed', `two references point at ${elementPath(target)}`);
    covered.add(target);
    const transforms = Array.from(reference.getElementsByTagNameNS(DS_NS, 'Transform') as unknown as ArrayLike<Element>);
    const algorithms = transforms.map((transform) => transform.getAttribute('Algorithm') ?? '');
    if (algorithms.some((algorithm) => algorithm !== C14N) || algorithms.length > 1) {
      fail('unsupported-algorithm', `reference ${uri} has transforms [${algorithms.join(', ')}]; only inclusive C14N 1.0 is allowed`);
    }
    const digest = reference.getElementsByTagNameNS(DS_NS, 'DigestMethod').item(0)?.getAttribute('Algorithm');
    if (digest !== SHA256) fail('unsupported-algorithm', `reference ${uri} uses DigestMethod ${digest ?? 'missing'}, expected ${SHA256}`);
    const digestValue = singleChild(reference, DS_NS, 'DigestValue');
    if (digestValue === null || digestValue === undefined) fail('malformed', `reference ${uri} needs exactly one ds:DigestValue`);
    references.push({ uri, target, digestValue: text(digestValue).replace(/\s+/g, '') });
  }
  if (!covered.has(signedObject)) fail('missing-reference', `no reference to #${signedObjectId} (the oadrSignedObject)`);
  if (!covered.has(propertiesObject)) fail('missing-reference', `no reference to #${propertiesId} (the ds:Object holding dsp:ReplayProtect)`);
  checks.push(`references #${signedObjectId} and #${propertiesId} present, C14N 1.0 and SHA-256`);

  const signatureValue = singleChild(signature, DS_NS, 'SignatureValue');
  if (signatureValue === null || signatureValue === undefined || childElements(signature)[1] !== signatureValue) {
    fail('malformed', 'ds:SignedInfo must be followed by exactly one ds:SignatureValue');
  }

  const keyInfo = singleChild(signature, DS_NS, 'KeyInfo');
  const certificates =
    keyInfo === null || keyInfo === undefined
      ? []
      : findAll(keyInfo, DS_NS, 'X509Certificate').map((element) => text(element).replace(/\s+/g, ''));
  if (certificates.length === 0) fail('malformed', 'no ds:KeyInfo/ds:X509Data/ds:X509Certificate: the signer certificate is required');
  return {
    signedObject,
    signedObjectId,
    signature,
    signedInfo,
    signatureValue: text(signatureValue).replace(/\s+/g, ''),
    method,
    references,
    propertiesObject,
    propertiesId,
    certificates,
  };
}
