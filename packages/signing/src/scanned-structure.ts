import { C14N, DS_NS, ECDSA_SHA256, OADR_NS, RSA_SHA256, SHA256 } from './constants.js';
import type { ScannedElement, ScannedPayload } from './scan-payload.js';
import { SignatureError } from './signature-error.js';
import type { ReferenceOf, SignaturePartsOf } from './payload-structure.js';

export type ScannedReference = ReferenceOf<ScannedElement>;

/** The parts of a signed payload after the structural checks, with their canonical forms. */
export type ScannedSignature = SignaturePartsOf<ScannedElement>;

function fail(reason: 'malformed' | 'wrapping' | 'missing-reference' | 'unsupported-algorithm' | 'replay-missing', message: string): never {
  throw new SignatureError(reason, message);
}

function one(elements: readonly ScannedElement[], what: string, missing: () => never): ScannedElement {
  const [first, second] = elements;
  if (first === undefined) return missing();
  if (second !== undefined) {
    fail('wrapping', `${elements.length} ${what} elements (${elements.map((element) => element.path).join(', ')}); exactly one is allowed`);
  }
  return first;
}

function named(element: ScannedElement | undefined, local: string): boolean {
  return element !== undefined && element.ns === DS_NS && element.local === local;
}

/** Every element below `element` with this ds local name, in document order. */
function descendants(element: ScannedElement, local: string, found: ScannedElement[] = []): ScannedElement[] {
  for (const child of element.children) {
    if (named(child, local)) found.push(child);
    descendants(child, local, found);
  }
  return found;
}

/** The only ds child with this name, `undefined` when absent, `null` when there are several. */
function singleChild(parent: ScannedElement, local: string): ScannedElement | undefined | null {
  const matches = parent.children.filter((child) => named(child, local));
  return matches.length > 1 ? null : matches[0];
}

/** `getAttribute(qname)`: '' when absent, as the DOM gives. */
function attribute(element: ScannedElement | undefined, qname: string): string | undefined {
  if (element === undefined) return undefined;
  return element.attrs.find((attr) => attr.qname === qname)?.value ?? '';
}

const text = (element: ScannedElement): string => element.text.trim();

/**
 * The structural (rule 514) checks of payload-structure.ts, in the same order with the same
 * reasons and messages, over what the single pass gathered (OPENADR.md §2.2, §7.3): one
 * `oadrSignedObject`, a direct child of the root; at most one `ds:Signature`, its first child;
 * unique IDs; one `ReplayProtect` inside a `ds:Object` of that signature; inclusive C14N,
 * SHA-256, RSA/ECDSA-SHA256; exactly the two expected references. `undefined` for an unsigned
 * payload. Appends each passed check to `checks`.
 */
export function checkScannedPayload(scan: ScannedPayload, checks: string[]): ScannedSignature | undefined {
  const root = scan.root;
  if (root.ns !== OADR_NS || root.local !== 'oadrPayload') {
    fail('malformed', `root element is ${root.qname}, expected oadr:oadrPayload (OPENADR.md §2.2)`);
  }
  const signedObject = one(scan.signedObjects, 'oadrSignedObject', () => fail('malformed', 'oadrPayload holds no oadrSignedObject'));
  if (signedObject.depth !== 1) {
    fail('wrapping', `oadrSignedObject is at ${signedObject.path}, not a direct child of the root oadrPayload`);
  }
  if (scan.signatures.length === 0) return undefined;
  const signature = one(scan.signatures, 'ds:Signature', () => fail('malformed', 'no ds:Signature'));
  if (signature.depth !== 1) fail('wrapping', `ds:Signature is at ${signature.path}, not a direct child of the root oadrPayload`);
  if (scan.rootFirstChild !== signature) fail('malformed', 'ds:Signature must be the first child of oadrPayload (§2.2)');
  const { ids, duplicate } = scan;
  if (duplicate !== undefined) {
    fail('wrapping', `duplicate ID '${duplicate.value}' on ${duplicate.earlier.path} and ${duplicate.element.path}`);
  }
  checks.push('one oadrSignedObject and one ds:Signature, both children of oadrPayload; IDs unique');

  const signedObjectId = signedObject.attrs.find((attr) => attr.ns === OADR_NS && attr.local === 'Id')?.value ?? '';
  if (signedObjectId === '') fail('missing-reference', 'oadrSignedObject has no oadr:Id, so no reference can cover it');

  const replayProtect = one(scan.replayProtects, 'dsp:ReplayProtect', () =>
    fail('replay-missing', 'no dsp:ReplayProtect: signed OpenADR messages must carry timestamp and nonce (§7.3)'),
  );
  for (const [field, found] of [['timestamp', scan.timestamps], ['nonce', scan.nonces]] as const) {
    one(found, `dsp:${field}`, () => fail('replay-missing', `dsp:ReplayProtect has no dsp:${field}`));
  }
  const propertiesObject = scan.replayPlaced.get(replayProtect);
  if (propertiesObject === undefined || propertiesObject.parent !== signature) {
    fail('wrapping', `dsp:ReplayProtect is at ${replayProtect.path}, not in ds:Signature/ds:Object/ds:SignatureProperties/ds:SignatureProperty`);
  }
  const propertiesId = attribute(propertiesObject, 'Id') ?? '';
  if (propertiesId === '') fail('missing-reference', 'the ds:Object holding dsp:ReplayProtect has no Id, so no reference can cover it');

  const signedInfo = singleChild(signature, 'SignedInfo');
  if (signedInfo === null || signedInfo === undefined || signature.children[0] !== signedInfo) {
    fail('malformed', 'ds:Signature must start with exactly one ds:SignedInfo');
  }
  const c14n = attribute(descendants(signedInfo, 'CanonicalizationMethod')[0], 'Algorithm');
  if (c14n !== C14N) fail('unsupported-algorithm', `CanonicalizationMethod is ${c14n ?? 'missing'}, expected ${C14N}`);
  const method = attribute(descendants(signedInfo, 'SignatureMethod')[0], 'Algorithm');
  if (method !== RSA_SHA256 && method !== ECDSA_SHA256) {
    fail('unsupported-algorithm', `SignatureMethod is ${method ?? 'missing'}, expected ${RSA_SHA256} or ${ECDSA_SHA256}`);
  }
  checks.push(`SignedInfo uses inclusive C14N 1.0 and ${method.replace(/.*#/, '')}`);

  const covered = new Set<ScannedElement>();
  const references: ScannedReference[] = [];
  for (const reference of signedInfo.children.filter((child) => named(child, 'Reference'))) {
    const uri = attribute(reference, 'URI') ?? '';
    const target = uri.startsWith('#') ? ids.get(uri.slice(1)) : undefined;
    if (!uri.startsWith('#')) fail('wrapping', `reference URI="${uri}" is not a same-document #ID reference`);
    if (target === undefined) fail('missing-reference', `reference ${uri} points at no element`);
    if (target !== signedObject && target !== propertiesObject) {
      fail('wrapping', `reference ${uri} points at ${target.path}, neither the oadrSignedObject nor the ReplayProtect ds:Object`);
    }
    if (covered.has(target)) fail('malformed', `two references point at ${target.path}`);
    covered.add(target);
    const algorithms = descendants(reference, 'Transform').map((transform) => attribute(transform, 'Algorithm') ?? '');
    if (algorithms.some((algorithm) => algorithm !== C14N) || algorithms.length > 1) {
      fail('unsupported-algorithm', `reference ${uri} has transforms [${algorithms.join(', ')}]; only inclusive C14N 1.0 is allowed`);
    }
    const digest = attribute(descendants(reference, 'DigestMethod')[0], 'Algorithm');
    if (digest !== SHA256) fail('unsupported-algorithm', `reference ${uri} uses DigestMethod ${digest ?? 'missing'}, expected ${SHA256}`);
    const digestValue = singleChild(reference, 'DigestValue');
    if (digestValue === null || digestValue === undefined) fail('malformed', `reference ${uri} needs exactly one ds:DigestValue`);
    references.push({ uri, target, digestValue: text(digestValue).replace(/\s+/g, '') });
  }
  if (!covered.has(signedObject)) fail('missing-reference', `no reference to #${signedObjectId} (the oadrSignedObject)`);
  if (!covered.has(propertiesObject)) fail('missing-reference', `no reference to #${propertiesId} (the ds:Object holding dsp:ReplayProtect)`);
  checks.push(`references #${signedObjectId} and #${propertiesId} present, C14N 1.0 and SHA-256`);

  const signatureValue = singleChild(signature, 'SignatureValue');
  if (signatureValue === null || signatureValue === undefined || signature.children[1] !== signatureValue) {
    fail('malformed', 'ds:SignedInfo must be followed by exactly one ds:SignatureValue');
  }
  const keyInfo = singleChild(signature, 'KeyInfo');
  const certificates =
    keyInfo === null || keyInfo === undefined ? [] : descendants(keyInfo, 'X509Certificate').map((element) => text(element).replace(/\s+/g, ''));
  if (certificates.length === 0) fail('malformed', 'no ds:KeyInfo/ds:X509Data/ds:X509Certificate: the signer certificate is required');
  return {
    signedObject,
    signedObjectId,
    signedInfo,
    signatureValue: text(signatureValue).replace(/\s+/g, ''),
    method,
    references,
    propertiesObject,
    propertiesId,
    certificates,
  };
}
