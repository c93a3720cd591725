import type { SignatureFailureReason } from '@rxadr/signing';

// Each way a signed oadrPoll (signed by the RSA VTN with nonce n-1 at SIGNED_AT) can be changed
// after signing, and how it must be rejected: used by attacks.test.ts and the differential tests.

export const SIGNED_OBJECT = /<oadr:oadrSignedObject oadr:Id="oadrSignedObject">[\s\S]*<\/oadr:oadrSignedObject>/;
export const PROPERTIES = /<ds:Object Id="signatureProperties">[\s\S]*<\/ds:Object>/;
export const SIGNATURE = /<ds:Signature [\s\S]*<\/ds:Signature>/;

export function part(xml: string, pattern: RegExp): string {
  const match = pattern.exec(xml);
  if (match === null) throw new Error(`test setup: ${String(pattern)} not found`);
  return match[0];
}

export interface Attack {
  readonly name: string;
  readonly mutate: (xml: string) => string;
  readonly reason: SignatureFailureReason;
  readonly message: RegExp;
}

/** Each way a signed payload can be changed after signing, and how it must be rejected. */
export const attacks: Attack[] = [
  {
    name: 'tampered payload',
    mutate: (xml) => xml.replace('<ei:venID>VEN-1</ei:venID>', '<ei:venID>VEN-2</ei:venID>'),
    reason: 'digest-mismatch',
    message: /^reference #oadrSignedObject digest mismatch: computed \S+=, signed \S+=$/,
  },
  {
    name: 'tampered ReplayProtect nonce',
    mutate: (xml) => xml.replace('<dsp:nonce>n-1</dsp:nonce>', '<dsp:nonce>n-2</dsp:nonce>'),
    reason: 'digest-mismatch',
    message: /^reference #signatureProperties digest mismatch: computed \S+, signed \S+$/,
  },
  {
    name: 'tampered ReplayProtect timestamp',
    mutate: (xml) => xml.replace('2031-05-04T12:00:00.000Z', '2031-05-04T12:04:00.000Z'),
    reason: 'digest-mismatch',
    message: /^reference #signatureProperties digest mismatch/,
  },
  {
    name: 'altered SignatureValue',
    // The first base64 character carries the top six bits of the first byte: changing it always
    // changes the signature (swapping two characters did nothing when they were equal, 1 in 64).
    mutate: (xml) => xml.replace(/<ds:SignatureValue>(.)/, (_m, a: string) => `<ds:SignatureValue>${a === 'A' ? 'B' : 'A'}`),
    reason: 'bad-signature',
    message: /^SignatureValue does not verify over SignedInfo \(rsa-sha256\) with the key of CN=vtn-rsa\.test$/,
  },
  {
    name: 'duplicate ID on a forged element',
    mutate: (xml) =>
      xml.replace('</ds:Signature>', '<ds:Object><evil:order xmlns:evil="urn:evil" Id="oadrSignedObject"/></ds:Object></ds:Signature>'),
    reason: 'wrapping',
    message: /^duplicate ID 'oadrSignedObject' on oadr:oadrPayload\/ds:Signature\/ds:Object\/evil:order and oadr:oadrPayload\/oadr:oadrSignedObject$/,
  },
  {
    name: 'signed object moved into ds:Object, forged one in its place',
    mutate: (xml) => {
      const original = part(xml, SIGNED_OBJECT);
      const forged = original.replace(' oadr:Id="oadrSignedObject"', '').replace('VEN-1', 'VEN-EVIL');
      return xml.replace(original, forged).replace('</ds:Signature>', `<ds:Object>${original}</ds:Object></ds:Signature>`);
    },
    reason: 'wrapping',
    message: /^2 oadrSignedObject elements \(.*\); exactly one is allowed$/,
  },
  {
    name: 'signed object moved out of oadrPayload',
    mutate: (xml) => {
      const original = part(xml, SIGNED_OBJECT);
      return xml.replace(original, '').replace('</ds:Signature>', `<ds:Object>${original}</ds:Object></ds:Signature>`);
    },
    reason: 'wrapping',
    message: /^oadrSignedObject is at oadr:oadrPayload\/ds:Signature\/ds:Object\/oadr:oadrSignedObject, not a direct child of the root oadrPayload$/,
  },
  {
    name: 'second ds:Signature',
    mutate: (xml) => {
      const signature = part(xml, SIGNATURE).replace(/Id="[^"]*"/g, '');
      return xml.replace('</oadr:oadrSignedObject>', `</oadr:oadrSignedObject>${signature}`);
    },
    reason: 'wrapping',
    message: /^2 ds:Signature elements/,
  },
  {
    name: 'ds:Signature moved into the signed object',
    mutate: (xml) => {
      const signature = part(xml, SIGNATURE);
      return xml.replace(signature, '').replace('</oadr:oadrPoll>', `</oadr:oadrPoll>${signature}`);
    },
    reason: 'wrapping',
    message: /^ds:Signature is at oadr:oadrPayload\/oadr:oadrSignedObject\/ds:Signature, not a direct child/,
  },
  {
    name: 'second ReplayProtect',
    mutate: (xml) =>
      xml.replace(
        '</ds:SignatureProperties>',
        '<ds:SignatureProperty Target="#signature"><dsp:ReplayProtect xmlns:dsp="http://openadr.org/oadr-2.0b/2012/07/xmldsig-properties">' +
          '<dsp:timestamp>2031-05-04T12:00:01Z</dsp:timestamp><dsp:nonce>n-3</dsp:nonce></dsp:ReplayProtect></ds:SignatureProperty></ds:SignatureProperties>',
      ),
    reason: 'wrapping',
    message: /^2 dsp:ReplayProtect elements/,
  },
  {
    name: 'ReplayProtect outside the signature',
    mutate: (xml) => {
      const properties = part(xml, PROPERTIES);
      const moved = properties.replace('Id="signatureProperties"', 'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"');
      return xml.replace(properties, '').replace('</oadr:oadrPoll>', `</oadr:oadrPoll>${moved}`);
    },
    reason: 'wrapping',
    message: /^dsp:ReplayProtect is at oadr:oadrPayload\/oadr:oadrSignedObject\/ds:Object\/.*, not in ds:Signature\/ds:Object/,
  },
  {
    // The ds prefix is declared on ds:Signature only: outside it, ds:Object names no namespace.
    name: 'ReplayProtect moved out of the signature with its prefix unbound',
    mutate: (xml) => {
      const properties = part(xml, PROPERTIES);
      return xml.replace(properties, '').replace('</oadr:oadrPoll>', `</oadr:oadrPoll>${properties.replace('Id="signatureProperties"', '')}`);
    },
    reason: 'malformed',
    message: /^payload is not well-formed XML: the prefix 'ds' of <ds:Object> is not bound to a namespace$/,
  },
  {
    name: 'ReplayProtect removed',
    mutate: (xml) => xml.replace(PROPERTIES, ''),
    reason: 'replay-missing',
    message: /^no dsp:ReplayProtect/,
  },
  {
    name: 'reference to the ReplayProtect object removed',
    mutate: (xml) => xml.replace(/<ds:Reference URI="#signatureProperties">[\s\S]*?<\/ds:Reference>/, ''),
    reason: 'missing-reference',
    message: /^no reference to #signatureProperties \(the ds:Object holding dsp:ReplayProtect\)$/,
  },
  {
    name: 'reference pointing at nothing',
    mutate: (xml) => xml.replace('URI="#signatureProperties"', 'URI="#elsewhere"'),
    reason: 'missing-reference',
    message: /^reference #elsewhere points at no element$/,
  },
  {
    name: 'extra reference to another element',
    mutate: (xml) =>
      xml.replace('</ds:SignedInfo>', '<ds:Reference URI="#signature"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AA==</ds:DigestValue></ds:Reference></ds:SignedInfo>'),
    reason: 'wrapping',
    message: /^reference #signature points at oadr:oadrPayload\/ds:Signature, neither the oadrSignedObject nor the ReplayProtect ds:Object$/,
  },
  {
    name: 'whole-document reference',
    mutate: (xml) => xml.replace('URI="#oadrSignedObject"', 'URI=""'),
    reason: 'wrapping',
    message: /^reference URI="" is not a same-document #ID reference$/,
  },
  {
    name: 'SHA-1 digest',
    mutate: (xml) => xml.replace('http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2000/09/xmldsig#sha1'),
    reason: 'unsupported-algorithm',
    message: /^reference #oadrSignedObject uses DigestMethod http:\/\/www\.w3\.org\/2000\/09\/xmldsig#sha1/,
  },
  {
    name: 'enveloped-signature transform',
    mutate: (xml) => xml.replace('<ds:Transforms>', '<ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'),
    reason: 'unsupported-algorithm',
    message: /^reference #oadrSignedObject has transforms \[.*enveloped-signature.*\]/,
  },
  {
    name: 'exclusive C14N for SignedInfo',
    mutate: (xml) => xml.replace('<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>', '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'),
    reason: 'unsupported-algorithm',
    message: /^CanonicalizationMethod is http:\/\/www\.w3\.org\/2001\/10\/xml-exc-c14n#/,
  },
  {
    name: 'DOCTYPE declaring entities',
    mutate: (xml) => xml.replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE oadr:oadrPayload [<!ENTITY v "VEN-1">]>'),
    reason: 'malformed',
    message: /DOCTYPE/,
  },
];

