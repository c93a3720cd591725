import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createSchemaCheck } from '@rxadr/testing';
import { decodeMessage, encodeElement, encodeMessage, message, type OadrMessage } from '../src/index.js';
import { NS, XmlCodec, XmlWriter, encodedSignedObject, writeXml } from '../src/engine.js';
import { corpus } from './corpus.js';
import { extras, greenButton } from './corpus-extras.js';

// The streaming encoder (encodeMessage) against the tree encoder it replaced (encodeElement +
// writeXml over xmlbuilder2), kept as the reference: both outputs must decode to the same
// message, and every streamed document is validated against the XSD at the end of the file.

const schema = createSchemaCheck();
afterAll(() => schema.assertAllValid());

function decoded(xml: string): OadrMessage {
  const result = decodeMessage(xml);
  if (!result.ok) throw result.error;
  return result.message;
}

describe('streaming encoder against the tree encoder', () => {
  for (const [name, m] of Object.entries(corpus)) {
    it(`${name}: both encodings decode to the same message`, () => {
      const streamed = encodeMessage(m);
      const tree = writeXml(encodeElement(m));
      expect(decoded(streamed)).toEqual(decoded(tree));
      expect(decoded(streamed)).toEqual(m);
      schema.add(`streaming encoder: ${name}`, streamed);
    });
  }
  // The tree encoder writes line feeds and tabs in attribute values raw, so they come back as
  // spaces; the streaming encoder writes them as character references. Compared to the message.
  for (const [name, m] of Object.entries(extras)) {
    it(`${name}: the streamed encoding decodes to the message`, () => {
      const streamed = encodeMessage(m);
      expect(decoded(streamed)).toEqual(m);
      schema.add(`streaming encoder: ${name}`, streamed);
    });
  }

  it('keeps carriage returns in text (as &#xD;), which plain XML text would turn into line feeds', () => {
    const m = message('oadrResponse', { eiResponse: { responseCode: '200', responseDescription: 'line 1\r\nline 2\r', requestID: 'r-1' } });
    const xml = encodeMessage(m);
    expect(xml).toContain('line 1&#xD;\nline 2&#xD;');
    expect(decoded(xml)).toEqual(m);
  });

  it('writes empty elements as start and end tag, and no namespace declaration below the root', () => {
    const xml = encodeMessage(corpus['oadrDistributeEvent.full']!);
    expect(xml.slice('<?xml version="1.0" encoding="UTF-8"?>'.length)).not.toMatch(/\/>|<\?/);
    expect(xml.slice(xml.indexOf('<oadr:oadrSignedObject'))).not.toContain('xmlns');
    expect(xml).toContain('<xcal:components></xcal:components>');
  });

  it('writes raw trees (Green Button feeds) with attributes in C14N order, values escaped', () => {
    const m = greenButton([
      { ns: '', name: 'title', value: 'line\nbreak\ttab "q" <&>' },
      { ns: '', name: 'rel', value: 'self' },
      { ns: '', name: 'href', value: 'http://example.com/feed?a=1&b=2' },
    ]);
    const xml = encodeMessage(m);
    expect(xml).toContain('<atom:feed xml:lang="en">');
    expect(xml).toContain('<atom:link href="http://example.com/feed?a=1&amp;b=2" rel="self" title="line&#xA;break&#x9;tab &quot;q&quot; &lt;&amp;>"></atom:link>');
    expect(xml).not.toContain('xmlns:xml');
    expect(decoded(xml)).toEqual(extras['oadrUpdateReport.green-button']);
  });

  it('streams the write output of a codec defined without emit', () => {
    const codec = new XmlCodec<string>('custom', {
      is: (u): u is string => typeof u === 'string',
      read: (el) => el.text,
      write: (value) => ({ attrs: [{ ns: '', name: 'b', value: '"2"' }, { ns: '', name: 'a', value: '1' }], children: [], text: value }),
      toJson: (value) => value,
      fromJson: (json) => String(json),
    });
    const out = new XmlWriter();
    out.start(NS.oadr, 'root');
    out.start(NS.ei, 'x');
    codec.emit('a<b', undefined, [], out);
    out.end();
    out.end();
    expect(out.finish().xml).toBe(`<?xml version="1.0" encoding="UTF-8"?><oadr:root xmlns:oadr="${NS.oadr}" xmlns:ei="${NS.ei}"><ei:x a="1" b="&quot;2&quot;">a&lt;b</ei:x></oadr:root>`);
  });

  it('reports schema breaks with paths, as the tree encoder does', () => {
    const bad = { ...corpus['oadrPoll.minimal']!, venID: 42 } as unknown as OadrMessage;
    expect(() => encodeMessage(bad)).toThrow(/oadrPoll\/venID|venID/);
    expect(() => encodeElement(bad)).toThrow();
    expect(() => encodeMessage({ type: 'oadrNothing' } as unknown as OadrMessage)).toThrow(/type oadrQueryRegistration\|/);
    expect(() => encodeMessage(message('oadrDistributeEvent', { requestID: 'x', vtnID: 'v', oadrEvent: [{ eiEvent: {} }] } as never))).toThrow(/eventDescriptor/);
  });

  it('for any text, the streamed document decodes to the message (and its signed object is known canonical)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 20 }), (description, requestID) => {
        const m = message('oadrResponse', { eiResponse: { responseCode: '200', responseDescription: description, requestID }, venID: 'v' });
        const streamed = encodeMessage(m);
        expect(decoded(streamed)).toEqual(m);
        expect(encodedSignedObject(streamed)).toBeDefined();
      }),
      { numRuns: 200 },
    );
  });
});
