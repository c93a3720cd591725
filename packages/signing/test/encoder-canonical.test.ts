import { DOMParser } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, message } from '@rxadr/core';
import { encodedSignedObject } from '@rxadr/core/engine';
import { OADR_NS, signPayload, verifyPayload } from '@rxadr/signing';
import { corpus } from '../../core/test/corpus.js';
import { extras, greenButton } from '../../core/test/corpus-extras.js';
import { canonicalize } from '../src/canonicalize.js';
import { SIGNED_AT, createTestPki } from './helpers.js';
import type { TestPki } from './helpers.js';
import { xmlCryptoVerifies } from './xml-crypto-verifier.js';

// The streaming encoder writes the signed object in canonical form, so signing a document it has
// just written needs no parse and no C14N pass. xml-crypto stays the reference: its inclusive
// C14N of the parsed document must give exactly the encoder's bytes, and its verifier must
// accept the signature, for every message kind in the corpus.

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});

const options = { now: () => SIGNED_AT, nonce: () => 'c0ffee' };
const messages = { ...corpus, ...extras };

function signedObjectOf(xml: string): Element {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  return doc.getElementsByTagNameNS(OADR_NS, 'oadrSignedObject')[0]!;
}

/** Encodes a few other messages so that `xml` is no longer among the documents the encoder remembers. */
function forget(xml: string): void {
  for (let i = 0; encodedSignedObject(xml) !== undefined; i++) {
    encodeMessage(message('oadrPoll', { venID: `forget-${i}` }));
  }
}

describe('canonical bytes from the encoder', () => {
  for (const [name, m] of Object.entries(messages)) {
    it(`${name}: the encoder's canonical signed object is xml-crypto's C14N of the document`, () => {
      const xml = encodeMessage(m);
      const encoded = encodedSignedObject(xml);
      expect(encoded).toBeDefined();
      expect(encoded!.canonical).toBe(canonicalize(signedObjectOf(xml)));
    });
  }

  describe.each(['rsa', 'ec'] as const)('signing without a parse (%s)', (keyType) => {
    for (const [name, m] of Object.entries(messages)) {
      it(`${name}: verifies in xml-crypto and in verifyPayload, and equals the parse-and-C14N signature`, () => {
        const identity = pki.vtn[keyType];
        const xml = encodeMessage(m);
        const fast = signPayload(xml, identity, options);
        expect(xmlCryptoVerifies(fast, identity.certPem)).toBe(true);
        const verified = verifyPayload(fast, { certificates: [identity.certPem] }, { now: SIGNED_AT });
        if (!verified.ok) throw new Error(verified.message);
        const decoded = decodeMessage(verified.signedObjectXml);
        expect(decoded.ok && decoded.message).toEqual(m);
        forget(xml);
        const slow = signPayload(xml, identity, options);
        // ECDSA signatures are randomized; everything else, digests included, is the same text.
        const withoutValue = (signed: string): string => signed.replace(/<ds:SignatureValue>[^<]*</, '<ds:SignatureValue><');
        if (keyType === 'rsa') expect(slow).toBe(fast);
        else expect(withoutValue(slow)).toBe(withoutValue(fast));
      });
    }
  });

  it('misses for any other text, even one character apart, and signs it the slow way', () => {
    const xml = encodeMessage(corpus['oadrPoll.minimal']!);
    const changed = xml.replace('</ei:venID>', ' </ei:venID>');
    expect(encodedSignedObject(changed)).toBeUndefined();
    const signed = signPayload(changed, pki.vtn.ec, options);
    const verified = verifyPayload(signed, { certificates: [pki.vtn.ec.certPem] }, { now: SIGNED_AT });
    expect(verified.ok).toBe(true);
    expect(xmlCryptoVerifies(signed, pki.vtn.ec.certPem)).toBe(true);
  });

  it('leaves documents with IDs of their own to the parsing signer, which refuses a clash', () => {
    const xml = encodeMessage(greenButton([{ ns: '', name: 'href', value: 'x' }, { ns: '', name: 'id', value: 'signatureProperties' }]));
    expect(encodedSignedObject(xml)).toBeUndefined();
    expect(() => signPayload(xml, pki.vtn.ec, options)).toThrow(/already uses the ID/);
  });
});
