import { createHash, randomBytes } from 'node:crypto';
import { canonicalize } from './canonicalize.js';
import { C14N, DS_NS, DSP_NS, OADR_NS, PROPERTIES_ID, SHA256, SIGNATURE_ID, SIGNED_OBJECT_ID } from './constants.js';
import { SignatureError } from './signature-error.js';
import { signBytes } from './signature-algorithms.js';
import { resolveIdentity } from './signing-identity.js';
import type { ResolvedIdentity, SigningIdentity } from './signing-identity.js';
import { childElements, findAll, isElementNamed, parseXml } from './xml-dom.js';

/** Sources of the ReplayProtect values; both default to the system clock and 16 random bytes. */
export interface SignOptions {
  /** The signing instant written to `dsp:timestamp` (UTC, `Z`). Default: the system clock. */
  readonly now?: () => Date;
  /** The `dsp:nonce`. Default: 16 random bytes as 32 lower-case hex digits. */
  readonly nonce?: () => string;
}

/**
 * Signs an unsigned `oadr:oadrPayload` document as OpenADR 2.0b requires (OPENADR.md §7.3) and
 * returns the document to send: the input string with one `ds:Signature` inserted as the first
 * child of `oadrPayload`. Nothing else in the input changes, byte for byte.
 *
 * The signature is detached-style (no enveloped transform): inclusive C14N 1.0 for `SignedInfo`
 * and as the only transform of both references, SHA-256 digests, RSA-SHA256 or ECDSA-SHA256
 * (raw r‖s) chosen from the key. Reference 1 is `#oadrSignedObject`; reference 2 is the
 * `ds:Object Id="signatureProperties"` whose `SignatureProperty` holds `dsp:ReplayProtect`
 * (timestamp, nonce). `KeyInfo` carries the signer certificate.
 *
 * The document is assembled once as text, parsed once, and the digests and the signature are
 * computed over that parse; the returned string is that text with the computed base64 values
 * filled in, so the bytes on the wire are exactly the bytes that were digested.
 *
 * @throws SignatureError `malformed` when the input is not an unsigned `oadrPayload` whose
 *   `oadrSignedObject` carries `oadr:Id`; `invalid-options` for an unusable identity
 * @example
 * const wire = signPayload(unsignedXml, { certPem, keyPem });
 */
export function signPayload(xml: string, identity: SigningIdentity, options: SignOptions = {}): string {
  return signWithIdentity(xml, resolveIdentity(identity), options);
}

/** {@link signPayload} with an identity resolved once (used by the transport wrapper). */
export function signWithIdentity(xml: string, identity: ResolvedIdentity, options: SignOptions = {}): string {
  const { timestamp, nonce } = replayValues(options);
  const insertAt = rootStartTagEnd(xml);
  const head = xml.slice(0, insertAt);
  const tail = xml.slice(insertAt);
  const reference = (id: string): string =>
    `<ds:Reference URI="#${id}"><ds:Transforms><ds:Transform Algorithm="${C14N}"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${SHA256}"/><ds:DigestValue>`;
  const referenceEnd = '</ds:DigestValue></ds:Reference>';
  // Text pieces around the three computed values (two digests, the signature value).
  const parts = [
    `<ds:Signature xmlns:ds="${DS_NS}" Id="${SIGNATURE_ID}"><ds:SignedInfo>` +
      `<ds:CanonicalizationMethod Algorithm="${C14N}"/><ds:SignatureMethod Algorithm="${identity.method}"/>` +
      reference(SIGNED_OBJECT_ID),
    referenceEnd + reference(PROPERTIES_ID),
    `${referenceEnd}</ds:SignedInfo><ds:SignatureValue>`,
    `</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${identity.certBase64}` +
      `</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
      `<ds:Object Id="${PROPERTIES_ID}"><ds:SignatureProperties><ds:SignatureProperty Target="#${SIGNATURE_ID}">` +
      `<dsp:ReplayProtect xmlns:dsp="${DSP_NS}"><dsp:timestamp>${timestamp}</dsp:timestamp>` +
      `<dsp:nonce>${escapeText(nonce)}</dsp:nonce></dsp:ReplayProtect>` +
      `</ds:SignatureProperty></ds:SignatureProperties></ds:Object></ds:Signature>`,
  ] as const;

  const doc = parseXml(head + parts.join('') + tail, 'payload to sign');
  const { signature, signedObject } = locate(doc);
  const [signedInfo] = childElements(signature);
  const propertiesObject = childElements(signature).find((child) => isElementNamed(child, DS_NS, 'Object'));
  const digestValues = signedInfo === undefined ? [] : findAll(signedInfo, DS_NS, 'DigestValue');
  if (signedInfo === undefined || propertiesObject === undefined || digestValues.length !== 2) {
    throw new SignatureError('malformed', 'could not place ds:Signature as the first child of oadrPayload');
  }
  const digests = [digest(canonicalize(signedObject)), digest(canonicalize(propertiesObject))] as const;
  digestValues.forEach((element, i) => element.appendChild(doc.createTextNode(digests[i] ?? '')));
  const signatureValue = signBytes(identity.method, canonicalize(signedInfo), identity.key);
  return head + parts[0] + digests[0] + parts[1] + digests[1] + parts[2] + signatureValue + parts[3] + tail;
}

function digest(canonicalXml: string): string {
  return createHash('sha256').update(canonicalXml, 'utf8').digest('base64');
}

function replayValues(options: SignOptions): { timestamp: string; nonce: string } {
  const now = options.now?.() ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new SignatureError('invalid-options', 'options.now() must return a valid Date');
  }
  const nonce = options.nonce?.() ?? randomBytes(16).toString('hex');
  if (typeof nonce !== 'string' || nonce.trim() === '') {
    throw new SignatureError('invalid-options', 'options.nonce() must return a non-empty string');
  }
  return { timestamp: now.toISOString(), nonce };
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Finds our `ds:Signature` and the input's `oadrSignedObject` in the parsed template and checks
 * the input was an unsigned payload of the expected shape.
 */
function locate(doc: Document): { signature: Element; signedObject: Element } {
  const root = doc.documentElement;
  if (!isElementNamed(root, OADR_NS, 'oadrPayload')) {
    throw new SignatureError('malformed', `root element is ${doc.documentElement.tagName}, expected oadr:oadrPayload (OPENADR.md §2.2)`);
  }
  if (findAll(doc, DS_NS, 'Signature').length > 1) {
    throw new SignatureError('malformed', 'payload is already signed (it contains a ds:Signature)');
  }
  const [signature, signedObject, ...rest] = childElements(root);
  if (
    !isElementNamed(signature, DS_NS, 'Signature') ||
    !isElementNamed(signedObject, OADR_NS, 'oadrSignedObject') ||
    rest.length > 0 ||
    findAll(doc, OADR_NS, 'oadrSignedObject').length !== 1
  ) {
    throw new SignatureError('malformed', 'oadrPayload must hold exactly one child element, oadr:oadrSignedObject');
  }
  if (signedObject.getAttributeNS(OADR_NS, 'Id') !== SIGNED_OBJECT_ID) {
    throw new SignatureError(
      'malformed',
      `oadrSignedObject needs oadr:Id="${SIGNED_OBJECT_ID}" to be signed (OPENADR.md §2.2, §7.3)`,
    );
  }
  const ours = new Set<Node>([signature, signedObject]);
  for (const element of Array.from(doc.getElementsByTagName('*') as unknown as ArrayLike<Element>)) {
    if (ours.has(element) || isInside(element, signature)) continue;
    for (const attribute of ['Id', 'ID', 'id']) {
      const value = element.getAttribute(attribute) ?? element.getAttributeNS(OADR_NS, attribute);
      if (value === SIGNED_OBJECT_ID || value === SIGNATURE_ID || value === PROPERTIES_ID) {
        throw new SignatureError('malformed', `${element.tagName} already uses the ID '${value}' that the signature needs`);
      }
    }
  }
  return { signature, signedObject };
}

function isInside(element: Element, ancestor: Element): boolean {
  for (let node = element.parentNode; node !== null; node = node.parentNode) if (node === ancestor) return true;
  return false;
}

/**
 * Offset just after the `>` of the root start tag, skipping the XML declaration, comments and
 * processing instructions before it, and quoted attribute values inside it.
 */
function rootStartTagEnd(xml: string): number {
  let i = 0;
  for (;;) {
    while (i < xml.length && /[\s\uFEFF]/.test(xml.charAt(i))) i++;
    if (xml.startsWith('<?', i)) i = after(xml, '?>', i);
    else if (xml.startsWith('<!--', i)) i = after(xml, '-->', i);
    else if (xml.startsWith('<!', i)) throw new SignatureError('malformed', 'payload has a DOCTYPE');
    else if (xml.charAt(i) === '<') break;
    else throw new SignatureError('malformed', 'payload is not an XML document');
  }
  let quote = '';
  for (let j = i + 1; j < xml.length; j++) {
    const c = xml.charAt(j);
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') {
      if (xml.charAt(j - 1) === '/') throw new SignatureError('malformed', 'the root element is empty; expected oadr:oadrPayload holding oadr:oadrSignedObject');
      return j + 1;
    }
  }
  throw new SignatureError('malformed', 'payload root start tag is not closed');
}

function after(xml: string, token: string, from: number): number {
  const at = xml.indexOf(token, from);
  if (at < 0) throw new SignatureError('malformed', 'payload is not well-formed XML');
  return at + token.length;
}
