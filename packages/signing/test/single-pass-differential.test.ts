import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '@rxadr/core';
import { signPayload } from '@rxadr/signing';
import type { SigningIdentity, VerifyResult } from '@rxadr/signing';
import { corpus } from '../../core/test/corpus.js';
// saxes with its own namespace processing, as an arbiter independent of both verifiers' parsers.
import { SaxesParser } from '../../core/node_modules/saxes/saxes.js';
import { createTestCa } from '../../testing/src/pki/pki.js';
import type { TestIdentity } from '../../testing/src/pki/pki.js';
import { canonicalize } from '../src/canonicalize.js';
import { DS_NS, OADR_NS } from '../src/constants.js';
import { scanPayload } from '../src/scan-payload.js';
import type { ScannedElement } from '../src/scan-payload.js';
import { resolveTrust } from '../src/trust.js';
import type { ResolvedTrust } from '../src/trust.js';
import { verifyWithDom, verifyWithTrust } from '../src/verify-payload.js';
import { findAll, parseXml } from '../src/xml-dom.js';
import { attacks } from './attack-cases.js';
import { SIGNED_AT, at, createTestPki, fixture } from './helpers.js';

// The single-pass verifier (verifyWithTrust) against the DOM reference (verifyWithDom: xmldom and
// xml-crypto's C14N) over every signed fixture, every attack and property-generated documents:
// the same verdict, the same reason where both refuse, and for accepted documents the same
// signedObjectXml and the same decoded message. The canonical bytes the single pass writes are
// compared with xml-crypto's canonicalisation of the same elements.

interface Signer {
  readonly name: string;
  readonly identity: TestIdentity;
  readonly trust: ResolvedTrust;
}

let signers: Signer[];
let pollSigned: string;
let pollTrust: ResolvedTrust;
beforeAll(async () => {
  const pki = await createTestPki();
  const valid = { notBefore: new Date('2030-01-01T00:00:00Z'), notAfter: new Date('2040-01-01T00:00:00Z') };
  const root = await createTestCa({ commonName: 'Differential Root', keyType: 'ec' });
  const intermediate = await root.intermediate({ commonName: 'Differential VTN CA', ...valid });
  const chained = await intermediate.issue({ commonName: 'vtn-chained.test', ...valid });
  signers = [
    { name: 'RSA', identity: pki.vtn.rsa, trust: resolveTrust({ ca: [pki.ca.rsa.certPem] }) },
    { name: 'EC', identity: pki.vtn.ec, trust: resolveTrust({ certificates: [pki.vtn.ec.certPem] }) },
    { name: 'RSA under an intermediate, chain in KeyInfo', identity: chained, trust: resolveTrust({ ca: [root.certPem] }) },
  ];
  pollSigned = signPayload(fixture('oadrPoll.unsigned.xml'), pki.vtn.rsa, { now: () => SIGNED_AT, nonce: () => 'n-1' });
  pollTrust = resolveTrust({ ca: [pki.ca.rsa.certPem] });
});

const NOW = at(2_000);
const signOptions = { now: () => SIGNED_AT, nonce: () => 'differential-nonce' };

/** One identity object per signer, so its key is parsed once (resolved identities are cached per object). */
const identities = new WeakMap<Signer, SigningIdentity>();

function sign(xml: string, signer: Signer): string {
  let identity = identities.get(signer);
  if (identity === undefined) {
    const { certPem, keyPem, chainPem } = signer.identity;
    identity = chainPem === undefined ? { certPem, keyPem } : { certPem, keyPem, chainPem };
    identities.set(signer, identity);
  }
  return signPayload(xml, identity, signOptions);
}

/** Whether saxes (namespace-aware, strict) reads `xml` as one namespace-well-formed document without a DOCTYPE. */
function wellFormed(xml: string): boolean {
  const parser = new SaxesParser({ xmlns: true });
  let ok = true;
  parser.on('error', () => {
    ok = false;
  });
  parser.on('doctype', () => {
    ok = false;
  });
  try {
    parser.write(xml).close();
  } catch {
    return false;
  }
  return ok;
}

/**
 * Runs both verifiers and requires the same outcome; returns the single pass's result. The one
 * allowed difference: xmldom accepts some documents that are not (namespace-)well-formed XML
 * (text before the root, unbound prefixes), which the single pass refuses as `malformed`.
 */
function sameVerdict(xml: string, trust: ResolvedTrust, now = NOW): VerifyResult {
  const reference = verifyWithDom(xml, trust, { now });
  const single = verifyWithTrust(xml, trust, { now });
  const stricter = !single.ok && single.reason === 'malformed' && !wellFormed(xml);
  if (stricter) return single;
  if (reference.ok !== single.ok) {
    expect.fail(
      `verdicts differ: DOM ${reference.ok ? 'accepts' : `refuses (${reference.reason}: ${reference.message})`}, ` +
        `single pass ${single.ok ? 'accepts' : `refuses (${single.reason}: ${single.message})`}\n${xml}`,
    );
  }
  if (!reference.ok && !single.ok) {
    if (single.reason !== reference.reason) {
      expect.fail(`reasons differ: DOM ${reference.reason} (${reference.message}), single pass ${single.reason} (${single.message})\n${xml}`);
    }
    if (single.reason === reference.reason && single.reason !== 'malformed') expect(single.message).toBe(reference.message);
  }
  if (reference.ok && single.ok) {
    expect(single.signedObjectXml).toBe(reference.signedObjectXml);
    expect(single.checks).toEqual(reference.checks);
    expect(single.timestamp).toEqual(reference.timestamp);
    expect(single.nonce).toBe(reference.nonce);
    expect(single.certificate).toBe(reference.certificate);
    // The decode remembered by the single pass (a hit) equals decoding the verified text afresh.
    const remembered = decodeMessage(single.signedObjectXml);
    expect(remembered).toEqual(decodeMessage(`${reference.signedObjectXml}\n`));
    // Asked again, the same result (the same object when the verifier could remember it: see the
    // remembered-decode tests; a signed object whose canonical text would not parse back to the
    // same tree is not remembered, and is decoded again).
    expect(decodeMessage(single.signedObjectXml)).toEqual(remembered);
  }
  return single;
}

function scanned(list: readonly ScannedElement[], what: string): ScannedElement {
  const [first] = list;
  if (first === undefined) throw new Error(`test setup: no ${what}`);
  return first;
}

/** The canonical bytes of the single pass equal xml-crypto's for the signed object, SignedInfo and the ReplayProtect object. */
function sameCanonicalBytes(xml: string): void {
  const scan = scanPayload(xml);
  const doc = parseXml(xml);
  const signature = scanned(scan.signatures, 'ds:Signature');
  const pairs: [ScannedElement | undefined, Element | undefined][] = [
    [scanned(scan.signedObjects, 'oadrSignedObject'), findAll(doc, OADR_NS, 'oadrSignedObject')[0]],
    [signature.children.find((child) => child.local === 'SignedInfo'), findAll(doc, DS_NS, 'SignedInfo')[0]],
    [signature.children.find((child) => child.local === 'Object'), findAll(doc, DS_NS, 'Object')[0]],
  ];
  for (const [single, element] of pairs) {
    if (single?.canonical === undefined || element === undefined) throw new Error('test setup: element missing');
    expect(single.canonical.out).toBe(canonicalize(element));
  }
}

const messages = Object.entries(corpus);

describe('single-pass verifier against the DOM reference: signed fixtures', () => {
  it.each(messages)('%s, signed by each signer: same verdict (accepted), same bytes and decode', (_name, m) => {
    const xml = encodeMessage(m);
    for (const signer of signers) {
      const signed = sign(xml, signer);
      const result = sameVerdict(signed, signer.trust);
      if (!result.ok) expect.fail(result.message);
      expect(decodeMessage(result.signedObjectXml)).toMatchObject({ ok: true, message: m });
      sameCanonicalBytes(signed);
    }
  });

  it.each(['oadrPoll.unsigned.xml', 'oadrDistributeEvent.unsigned.xml'])('fixture %s (hand-written, indented, not from the encoder)', (name) => {
    for (const signer of signers) {
      const signed = sign(fixture(name), signer);
      expect(sameVerdict(signed, signer.trust).ok).toBe(true);
      sameCanonicalBytes(signed);
    }
  });

  it('attributes whose namespace URIs share a prefix sort as xml-crypto sorts them (URI and local name as one string)', () => {
    const unsigned = fixture('oadrPoll.unsigned.xml').replace(
      '<oadr:oadrPoll ',
      '<oadr:oadrPoll xmlns:a="urn:a" xmlns:b="urn:ab" a:z="2" b:a="1" zz="3" xml:lang="en" A="4" ',
    );
    const signed = sign(unsigned, signers[1]!);
    const result = sameVerdict(signed, signers[1]!.trust);
    if (!result.ok) expect.fail(result.message);
    expect(result.signedObjectXml).toContain('<oadr:oadrPoll xmlns:a="urn:a" xmlns:b="urn:ab" A="4" zz="3" ei:schemaVersion="2.0b" xml:lang="en" b:a="1" a:z="2">');
    sameCanonicalBytes(signed);
  });

  it('a signed document verified at an instant outside the certificate validity: both refuse as expired', () => {
    const signed = sign(encodeMessage(corpus['oadrPoll.minimal']!), signers[0]!);
    const result = sameVerdict(signed, signers[0]!.trust, new Date('2041-01-01T00:00:00Z'));
    expect(result).toMatchObject({ ok: false, reason: 'expired-certificate' });
    // Then, with the same trust and certificate, a valid instant again (a remembered verdict is not reused outside its window).
    expect(sameVerdict(signed, signers[0]!.trust).ok).toBe(true);
    expect(sameVerdict(signed, signers[0]!.trust, new Date('2041-01-01T00:00:00Z')).ok).toBe(false);
  });
});

describe('single-pass verifier against the DOM reference: attacks', () => {
  it.each(attacks)('$name: same verdict and reason as the DOM reference', ({ mutate, reason }) => {
    const result = sameVerdict(mutate(pollSigned), pollTrust, SIGNED_AT);
    expect(result).toMatchObject({ ok: false, reason });
    expect(verifyWithDom(mutate(pollSigned), pollTrust, { now: SIGNED_AT })).toMatchObject({ ok: false });
  });
});

/** Offsets of the start tags (`<name …>` or `<name …/>`) in a document, prolog excluded. */
function startTags(xml: string): { at: number; text: string }[] {
  return [...xml.matchAll(/<[A-Za-z_][^<>]*>/g)].map((m) => ({ at: m.index, text: m[0] }));
}

/** Text nodes with content between two tags. */
function textNodes(xml: string): { at: number; text: string }[] {
  return [...xml.matchAll(/>([^<>]*[A-Za-z0-9][^<>]*)</g)].map((m) => ({ at: m.index + 1, text: m[1]! }));
}

type Mutation = (xml: string, pick: number) => string;

const pickOf = <T>(list: readonly T[], pick: number): T | undefined => (list.length === 0 ? undefined : list[pick % list.length]);
const replaceAt = (xml: string, at: number, length: number, by: string): string => xml.slice(0, at) + by + xml.slice(at + length);

const EI_NS = 'http://docs.oasis-open.org/ns/energyinterop/201110';

/** Ways to rewrite a document; many keep its canonical form (accepted), others change it (refused). */
const mutations: Record<string, Mutation> = {
  renamePrefix: (xml, pick) => {
    const prefix = pickOf(['ei', 'oadr', 'ds', 'dsp', 'emix', 'pyld', 'strm', 'xcal'], pick)!;
    return xml.replace(new RegExp(`(</?|\\s|xmlns:)${prefix}:`, 'g'), `$1${prefix}${pick % 3}x:`).replace(new RegExp(`xmlns:${prefix}=`, 'g'), `xmlns:${prefix}${pick % 3}x=`);
  },
  redundantDeclaration: (xml, pick) => {
    const tag = pickOf(startTags(xml), pick);
    if (tag === undefined) return xml;
    const name = /^<[^\s/>]+/.exec(tag.text)![0];
    return replaceAt(xml, tag.at, name.length, `${name} xmlns:ei="${EI_NS}"`);
  },
  unusedDeclaration: (xml, pick) => {
    const tag = pickOf(startTags(xml), pick);
    if (tag === undefined) return xml;
    const name = /^<[^\s/>]+/.exec(tag.text)![0];
    return replaceAt(xml, tag.at, name.length, `${name} xmlns:unused${pick % 2}="urn:unused:${pick % 3}"`);
  },
  moveRootDeclarationsToSignedObject: (xml) => {
    const root = /^([\s\S]*?<oadr:oadrPayload)((?:\s+xmlns:[a-z]+="[^"]*")+)(>)/.exec(xml);
    if (root === null) return xml;
    return (root[1]! + ' xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07"' + root[3]! + xml.slice(root[0].length)).replace(
      '<oadr:oadrSignedObject ',
      `<oadr:oadrSignedObject${root[2]!} `,
    );
  },
  defaultNamespaceOnRoot: (xml) => xml.replace('<oadr:oadrPayload ', '<oadr:oadrPayload xmlns="urn:default:root" '),
  defaultNamespaceOnSignedObject: (xml, pick) =>
    xml.replace('<oadr:oadrSignedObject ', `<oadr:oadrSignedObject xmlns="${pick % 2 === 0 ? 'urn:default:so' : ''}" `),
  unprefixedPayloadElement: (xml) =>
    xml.replace(/<oadr:(oadr[A-Z][A-Za-z]*) ei:schemaVersion/, '<$1 xmlns="http://openadr.org/oadr-2.0b/2012/07" ei:schemaVersion').replace(/<\/oadr:(oadr[A-Z][A-Za-z]*)>(\s*<\/oadr:oadrSignedObject>)/, '</$1>$2'),
  foreignAttributes: (xml, pick) => {
    // Namespaces where one URI is a prefix of the other, unqualified and xml: attributes: the attribute order of C14N.
    const tag = pickOf(startTags(xml).slice(1), pick);
    if (tag === undefined) return xml;
    const name = /^<[^\s/>]+/.exec(tag.text)![0];
    const extra = [' xmlns:a="urn:a" xmlns:b="urn:ab"', ' b:a="1"', ' a:z="2"', ' zz="3"', ' xml:lang="en"', ' A="4"'];
    const chosen = extra.slice(0, 1).concat(extra.slice(1).sort((x, y) => ((x.length * 31 + pick) % 7) - ((y.length * 31 + pick) % 7)));
    return replaceAt(xml, tag.at, name.length, `${name}${chosen.join('')}`);
  },
  reverseAttributes: (xml, pick) => {
    const tags = startTags(xml).filter((tag) => (tag.text.match(/\s[^\s=]+="[^"]*"/g) ?? []).length > 1);
    const tag = pickOf(tags, pick);
    if (tag === undefined) return xml;
    const name = /^<[^\s/>]+/.exec(tag.text)![0];
    const attributes = tag.text.match(/\s[^\s=]+="[^"]*"/g)!;
    const end = tag.text.endsWith('/>') ? '/>' : '>';
    return replaceAt(xml, tag.at, tag.text.length, `${name}${[...attributes].reverse().join('')}${end}`);
  },
  characterReference: (xml, pick) => {
    const node = pickOf(textNodes(xml), pick);
    if (node === undefined) return xml;
    const i = [...node.text].findIndex((c) => /[A-Za-z0-9]/.test(c));
    const c = node.text.charAt(i);
    const ref = pick % 2 === 0 ? `&#x${c.charCodeAt(0).toString(16)};` : `&#${c.charCodeAt(0)};`;
    return replaceAt(xml, node.at + i, 1, ref);
  },
  entityInAttribute: (xml, pick) => {
    const tag = pickOf(startTags(xml).filter((t) => /="[^"]*[a-z]/.test(t.text)), pick);
    if (tag === undefined) return xml;
    return replaceAt(xml, tag.at, tag.text.length, tag.text.replace(/="([^"]*?)([a-z])/, (_m, before: string, c: string) => `="${before}&#${c.charCodeAt(0)};`));
  },
  cdata: (xml, pick) => {
    const node = pickOf(textNodes(xml), pick);
    if (node === undefined) return xml;
    return replaceAt(xml, node.at, node.text.length, `<![CDATA[${node.text}]]>`);
  },
  emptyCdata: (xml, pick) => {
    const tag = pickOf(startTags(xml).filter((t) => !t.text.endsWith('/>')), pick);
    return tag === undefined ? xml : replaceAt(xml, tag.at + tag.text.length, 0, '<![CDATA[]]>');
  },
  escapedGreaterThan: (xml, pick) => {
    const node = pickOf(textNodes(xml), pick);
    return node === undefined ? xml : replaceAt(xml, node.at, 0, pick % 2 === 0 ? '&gt;' : '>');
  },
  comment: (xml, pick) => {
    const tag = pickOf(startTags(xml), pick);
    return tag === undefined ? xml : replaceAt(xml, tag.at, 0, `<!-- c${pick} -->`);
  },
  commentInText: (xml, pick) => {
    const node = pickOf(textNodes(xml), pick);
    if (node === undefined) return xml;
    return replaceAt(xml, node.at + 1 + (pick % Math.max(1, node.text.length - 1)), 0, '<!---->');
  },
  // Parsed as a line feed: a text of the same length as its source that still differs from it.
  loneCarriageReturn: (xml, pick) => {
    const node = pickOf(textNodes(xml), pick);
    return node === undefined ? xml : replaceAt(xml, node.at + (pick % (node.text.length + 1)), 0, '\r');
  },
  processingInstruction: (xml, pick) => {
    const tag = pickOf(startTags(xml).slice(1), pick);
    return tag === undefined ? xml : replaceAt(xml, tag.at, 0, pick % 3 === 0 ? '<?pi?>' : `<?pi data ${pick}?>`);
  },
  whitespaceInTag: (xml, pick) => {
    const tag = pickOf(startTags(xml), pick);
    if (tag === undefined) return xml;
    const spaced = tag.text.replace(/(\/?>)$/, pick % 2 === 0 ? ' \t$1' : '\n$1').replace(/="/, ' = "');
    return replaceAt(xml, tag.at, tag.text.length, spaced);
  },
  whitespaceBetweenElements: (xml, pick) => {
    const tag = pickOf(startTags(xml).slice(1), pick);
    return tag === undefined ? xml : replaceAt(xml, tag.at, 0, pick % 2 === 0 ? '\n  ' : '\r\n\t');
  },
  attributeWhitespace: (xml, pick) => {
    const tag = pickOf(startTags(xml).filter((t) => /="[^"]+"/.test(t.text)), pick);
    if (tag === undefined) return xml;
    return replaceAt(xml, tag.at, tag.text.length, tag.text.replace(/="([^"]+)"/, pick % 2 === 0 ? '="$1&#9;x"' : '="$1\tx"'));
  },
  singleQuotes: (xml, pick) => {
    const tag = pickOf(startTags(xml).filter((t) => /="[^"']*"/.test(t.text)), pick);
    return tag === undefined ? xml : replaceAt(xml, tag.at, tag.text.length, tag.text.replace(/="([^"']*)"/, "='$1'"));
  },
  expandEmptyElement: (xml, pick) => {
    const tag = pickOf(startTags(xml).filter((t) => t.text.endsWith('/>')), pick);
    if (tag === undefined) return xml;
    const name = /^<([^\s/>]+)/.exec(tag.text)![1]!;
    return replaceAt(xml, tag.at, tag.text.length, `${tag.text.slice(0, -2)}></${name}>`);
  },
  flipByte: (xml, pick) => {
    const i = pick % xml.length;
    const c = xml.charCodeAt(i);
    return replaceAt(xml, i, 1, String.fromCharCode(c === 0x7a ? 0x61 : c + 1));
  },
};

const mutation = fc.tuple(fc.constantFrom(...Object.keys(mutations)), fc.nat({ max: 1_000_000 }));

function mutate(xml: string, steps: readonly (readonly [string, number])[]): string {
  return steps.reduce((text, [name, pick]) => mutations[name]!(text, pick), xml);
}

describe('single-pass verifier against the DOM reference: property-generated documents', () => {
  it('mutations of signed documents get the same verdict from both (and some are accepted)', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.constantFrom(...messages.map(([name]) => name)), fc.nat({ max: 2 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (name, s, steps) => {
        const signer = signers[s]!;
        const signed = sign(encodeMessage(corpus[name]!), signer);
        const result = sameVerdict(mutate(signed, steps), signer.trust);
        if (result.ok) accepted++;
        else refused++;
      }),
      { numRuns: Number(process.env.DIFF_RUNS ?? 400), ...(process.env.DIFF_SEED ? { seed: Number(process.env.DIFF_SEED), ...(process.env.DIFF_PATH ? { path: process.env.DIFF_PATH } : {}), endOnFailure: true } : {}) },
    );
    expect(accepted).toBeGreaterThan(40);
    expect(refused).toBeGreaterThan(40);
  });

  it('documents rewritten before signing (namespace forms, attribute order, references, CDATA) verify alike, with canonical bytes equal to xml-crypto', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...messages.map(([name]) => name), 'fixture:oadrDistributeEvent.unsigned.xml'),
        fc.nat({ max: 2 }),
        fc.array(mutation.filter(([name]) => name !== 'flipByte'), { minLength: 1, maxLength: 3 }),
        (name, s, steps) => {
          const signer = signers[s]!;
          const unsigned = name.startsWith('fixture:') ? fixture(name.slice(8)) : encodeMessage(corpus[name]!);
          let signed: string;
          try {
            signed = sign(mutate(unsigned, steps), signer);
          } catch {
            return; // a rewrite the signer refuses (not well-formed, or no longer an oadrPayload)
          }
          const result = sameVerdict(signed, signer.trust);
          if (result.ok) sameCanonicalBytes(signed);
        },
      ),
      { numRuns: 300 },
    );
  });
});
