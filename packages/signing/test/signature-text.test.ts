import { DOMParser } from '@xmldom/xmldom';
import { beforeAll, describe, expect, it } from 'vitest';
import { signPayload, verifyPayload } from '@rxadr/signing';
import { canonicalize } from '../src/canonicalize.js';
import { DS_NS } from '../src/constants.js';
import { SIGNED_AT, createTestPki, type TestPki } from './helpers.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});

const O = 'http://openadr.org/oadr-2.0b/2012/07';
const E = 'http://docs.oasis-open.org/ns/energyinterop/201110';

/** The same oadrPoll written with the namespace declarations other implementations use. */
const variants: Record<string, string> = {
  'canonical prefixes': `<oadr:oadrPayload xmlns:oadr="${O}" xmlns:ei="${E}"><oadr:oadrSignedObject oadr:Id="oadrSignedObject"><oadr:oadrPoll><ei:venID>v</ei:venID></oadr:oadrPoll></oadr:oadrSignedObject></oadr:oadrPayload>`,
  'default namespace on the root': `<oadrPayload xmlns="${O}" xmlns:o="${O}"><oadrSignedObject o:Id="oadrSignedObject"><oadrPoll><venID xmlns="${E}">v</venID></oadrPoll></oadrSignedObject></oadrPayload>`,
  'unused and upper-case prefixes, a root ds prefix': `<?xml version="1.0"?><Z:oadrPayload xmlns:Z="${O}" xmlns:b="urn:unused" xmlns:ds="${DS_NS}" xmlns:A="${E}"><Z:oadrSignedObject Z:Id="oadrSignedObject"><Z:oadrPoll><A:venID>v</A:venID></Z:oadrPoll></Z:oadrSignedObject></Z:oadrPayload>`,
};

describe('the signature parts rxadr writes without parsing them', () => {
  it.each(Object.entries(variants))('%s: verifies, so the written canonical forms equal those of the parsed signature', (_, xml) => {
    for (const identity of [pki.vtn.rsa, pki.vtn.ec]) {
      const signed = signPayload(xml, identity, { now: () => SIGNED_AT, nonce: () => 'n<&>1' });
      const doc = new DOMParser().parseFromString(signed, 'application/xml');
      const signedInfo = doc.getElementsByTagNameNS(DS_NS, 'SignedInfo')[0]!;
      const object = doc.getElementsByTagNameNS(DS_NS, 'Object')[0]!;
      expect(canonicalize(signedInfo as unknown as Element)).toContain('<ds:SignedInfo xmlns');
      const result = verifyPayload(signed, { certificates: [identity.certPem] }, { now: SIGNED_AT });
      expect(result.ok ? 'ok' : `${result.reason}: ${result.message}`).toBe('ok');
      // The digest of the properties object is the digest of the canonicalized parsed object.
      expect(result.ok && result.checks.some((c) => /signatureProperties/.test(c))).toBe(true);
      expect(canonicalize(object as unknown as Element)).toMatch(/^<ds:Object xmlns[^>]*Id="signatureProperties">/);
    }
  });
});
