import { createHash, randomBytes } from 'node:crypto';
import { encodedSignedObject } from '@rxadr/core/engine';
import { canonicalize } from './canonicalize.js';
import { DS_NS, OADR_NS, PROPERTIES_ID, SIGNATURE_ID, SIGNED_OBJECT_ID } from './constants.js';
import { SignatureError } from './signature-error.js';
import { signBytes } from './signature-algorithms.js';
import { resolveIdentity } from './signing-identity.js';
import type { ResolvedIdentity, SigningIdentity } from './signing-identity.js';
import { propertiesObject, rootNamespaces, signedInfoText } from './signature-text.js';
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
 * A document that `encodeMessage` has just written (the same text, character for character) is
 * not parsed at all: the encoder wrote its signed object in canonical form and remembers where,
 * so the first digest is one SHA-256 over those bytes (see `encodedSignedObject`). Any other
 * document is parsed once and its signed object canonicalized. Either way the returned string
 * is the input with the signature inserted, so the bytes on the wire are the bytes digested.
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
  // Only the input is parsed: the signature's own parts are written by us, so their canonical
  // forms are written directly (see signature-text.ts) instead of parsed and canonicalized.
  const encoded = encodedSignedObject(xml);
  let scope: ReadonlyMap<string, string>;
  let signedObjectDigest: string;
  if (encoded !== undefined) {
    scope = encoded.rootNamespaces;
    signedObjectDigest = digest(...encoded.parts);
  } else {
    const doc = parseXml(xml, 'payload to sign');
    scope = rootNamespaces(doc.documentElement);
    signedObjectDigest = digest(canonicalize(locate(doc)));
  }
  const properties = propertiesObject(timestamp, nonce);
  const digests = [signedObjectDigest, digest(properties.canonical(scope))] as const;
  const signedInfo = signedInfoText(identity.method, digests);
  const signatureValue = signBytes(identity.method, signedInfo.canonical(scope), identity.key);
  const signature =
    `<ds:Signature xmlns:ds="${DS_NS}" Id="${SIGNATURE_ID}">${signedInfo.text}<ds:SignatureValue>${signatureValue}</ds:SignatureValue>` +
    `<ds:KeyInfo><ds:X509Data>${identity.certificatesBase64.map((der) => `<ds:X509Certificate>${der}</ds:X509Certificate>`).join('')}</ds:X509Data></ds:KeyInfo>` +
    `${properties.text}</ds:Signature>`;
  return xml.slice(0, insertAt) + signature + xml.slice(insertAt);
}

/** SHA-256 (base64) of the UTF-8 of the pieces, in order: one canonical text. */
function digest(...pieces: string[]): string {
  const hash = createHash('sha256');
  for (const piece of pieces) hash.update(piece, 'utf8');
  return hash.digest('base64');
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

/**
 * Checks that the input is an unsigned `oadrPayload` holding exactly one `oadrSignedObject`
 * with `oadr:Id`, and that no element already uses an ID the signature needs; returns the
 * signed object.
 */
function locate(doc: Document): Element {
  const root = doc.documentElement;
  if (!isElementNamed(root, OADR_NS, 'oadrPayload')) {
    throw new SignatureError('malformed', `root element is ${doc.documentElement.tagName}, expected oadr:oadrPayload (OPENADR.md §2.2)`);
  }
  if (findAll(doc, DS_NS, 'Signature').length > 0) {
    throw new SignatureError('malformed', 'payload is already signed (it contains a ds:Signature)');
  }
  const [signedObject, ...rest] = childElements(root);
  if (!isElementNamed(signedObject, OADR_NS, 'oadrSignedObject') || rest.length > 0 || findAll(doc, OADR_NS, 'oadrSignedObject').length !== 1) {
    throw new SignatureError('malformed', 'oadrPayload must hold exactly one child element, oadr:oadrSignedObject');
  }
  if (signedObject.getAttributeNS(OADR_NS, 'Id') !== SIGNED_OBJECT_ID) {
    throw new SignatureError(
      'malformed',
      `oadrSignedObject needs oadr:Id="${SIGNED_OBJECT_ID}" to be signed (OPENADR.md §2.2, §7.3)`,
    );
  }
  for (const element of Array.from(doc.getElementsByTagName('*') as unknown as ArrayLike<Element>)) {
    if (element === signedObject) continue;
    for (const attribute of ['Id', 'ID', 'id']) {
      const value = element.getAttribute(attribute) ?? element.getAttributeNS(OADR_NS, attribute);
      if (value === SIGNED_OBJECT_ID || value === SIGNATURE_ID || value === PROPERTIES_ID) {
        throw new SignatureError('malformed', `${element.tagName} already uses the ID '${value}' that the signature needs`);
      }
    }
  }
  return signedObject;
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
  let quote = 0;
  for (let j = i + 1; j < xml.length; j++) {
    const c = xml.charCodeAt(j);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) {
      if (xml.charCodeAt(j - 1) === 0x2f) throw new SignatureError('malformed', 'the root element is empty; expected oadr:oadrPayload holding oadr:oadrSignedObject');
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
