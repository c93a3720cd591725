import { C14N, DS_NS, DSP_NS, PROPERTIES_ID, SHA256, SIGNATURE_ID, SIGNED_OBJECT_ID } from './constants.js';
import { comparePrefixes } from './canonicalize.js';
import type { SignatureMethod } from './signature-algorithms.js';

/**
 * The parts of `ds:Signature` that rxadr writes itself, each with its inclusive C14N 1.0 form.
 * They are generated, never parsed: their canonical form differs from their text only on the
 * apex element, which carries every namespace declaration in scope (OPENADR.md §7.3). The
 * rules are those of `canonicalize` (namespaces sorted by prefix in code-point order, the
 * default namespace first, then attributes), which the tests check against canonicalizing the
 * parsed signature, against xml-crypto's verifier and against xmlsec1.
 */
export interface SignaturePart {
  /** The text as it appears in the signed document. */
  readonly text: string;
  /** Canonical form of the part as a document subset, given the namespaces of the root. */
  canonical(rootNamespaces: ReadonlyMap<string, string>): string;
}

/** Namespace declarations on the document's root element (prefix, '' for the default → URI). */
export function rootNamespaces(root: Element): Map<string, string> {
  const scope = new Map<string, string>();
  const attributes = root.attributes;
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes.item(i);
    if (attribute === null) continue;
    const name = attribute.nodeName;
    if (name === 'xmlns') scope.set('', attribute.nodeValue ?? '');
    else if (name.startsWith('xmlns:')) scope.set(name.slice(6), attribute.nodeValue ?? '');
  }
  return scope;
}

/** ` xmlns…` declarations for an apex inside `ds:Signature` (which declares `ds`). */
function apexNamespaces(rootNamespaces: ReadonlyMap<string, string>): string {
  const known = rendered.get(rootNamespaces);
  if (known !== undefined) return known;
  const scope = new Map(rootNamespaces);
  scope.set('ds', DS_NS);
  const declarations = [...scope]
    .filter(([, uri]) => uri !== '')
    .sort(([a], [b]) => comparePrefixes(a, b))
    .map(([prefix, uri]) => (prefix === '' ? ` xmlns="${uri}"` : ` xmlns:${prefix}="${uri}"`))
    .join('');
  rendered.set(rootNamespaces, declarations);
  return declarations;
}

/** Apex declarations per root namespace map: both parts of one signature, and every signature over the same map. */
const rendered = new WeakMap<ReadonlyMap<string, string>, string>();

/** Canonical text escaping (C14N 1.0 §2.3). */
export function escapeCanonicalText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/**
 * A part whose body is written twice: as text (empty elements as `<x/>`) and in canonical form
 * (C14N writes start and end tag), so no pass over the body is needed to expand them.
 */
function part(apexTag: string, apexAttributes: string, body: string, canonicalBody = body): SignaturePart {
  const close = `</${apexTag}>`;
  return {
    text: `<${apexTag}${apexAttributes}>${body}${close}`,
    canonical: (scope) => `<${apexTag}${apexNamespaces(scope)}${apexAttributes}>${canonicalBody}${close}`,
  };
}

/** An empty ds element with one Algorithm attribute, as text and in canonical form. */
function algorithm(name: string, uri: string): readonly [string, string] {
  return [`<ds:${name} Algorithm="${uri}"/>`, `<ds:${name} Algorithm="${uri}"></ds:${name}>`];
}

const TRANSFORM = algorithm('Transform', C14N);
const DIGEST_METHOD = algorithm('DigestMethod', SHA256);
const CANONICALIZATION_METHOD = algorithm('CanonicalizationMethod', C14N);
const SIGNATURE_METHODS = new Map<string, readonly [string, string]>();

/** `ds:SignedInfo` with its two references (`#oadrSignedObject`, then the ReplayProtect object). */
export function signedInfoText(method: SignatureMethod, digests: readonly [string, string]): SignaturePart {
  let signatureMethod = SIGNATURE_METHODS.get(method);
  if (signatureMethod === undefined) SIGNATURE_METHODS.set(method, (signatureMethod = algorithm('SignatureMethod', method)));
  const write = (form: 0 | 1): string => {
    const reference = (id: string, digest: string): string =>
      `<ds:Reference URI="#${id}"><ds:Transforms>${TRANSFORM[form]}</ds:Transforms>` +
      `${DIGEST_METHOD[form]}<ds:DigestValue>${digest}</ds:DigestValue></ds:Reference>`;
    return CANONICALIZATION_METHOD[form] + signatureMethod[form] + reference(SIGNED_OBJECT_ID, digests[0]) + reference(PROPERTIES_ID, digests[1]);
  };
  return part('ds:SignedInfo', '', write(0), write(1));
}

/** The `ds:Object` holding `dsp:ReplayProtect` (timestamp, nonce) for the second reference. */
export function propertiesObject(timestamp: string, nonce: string): SignaturePart {
  return part(
    'ds:Object',
    ` Id="${PROPERTIES_ID}"`,
    `<ds:SignatureProperties><ds:SignatureProperty Target="#${SIGNATURE_ID}">` +
      `<dsp:ReplayProtect xmlns:dsp="${DSP_NS}"><dsp:timestamp>${escapeCanonicalText(timestamp)}</dsp:timestamp>` +
      `<dsp:nonce>${escapeCanonicalText(nonce)}</dsp:nonce></dsp:ReplayProtect>` +
      `</ds:SignatureProperty></ds:SignatureProperties>`,
  );
}
