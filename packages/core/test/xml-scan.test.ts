import { describe, expect, it } from 'vitest';
import { readXml } from '../src/xml/read-xml.js';
import { scanXml, type XmlScanTag } from '../src/xml/xml-scan.js';

function failureOf(xml: string): string | undefined {
  const read = readXml(xml);
  return read.ok ? undefined : `${read.failure.kind}: ${read.failure.message}`;
}

describe('scanXml: namespace processing done by rxadr over saxes', () => {
  it('resolves element and attribute names through nested declarations and undeclarations', () => {
    const tags: XmlScanTag[] = [];
    const failure = scanXml(
      '<a:r xmlns:a="urn:a" xmlns="urn:d"><x a:k="1" k="2"><y xmlns=""/><a:z xmlns:a="urn:b"/></x></a:r>',
      { open: (tag) => tags.push(tag), text: () => {}, close: () => {} },
    );
    expect(failure).toBeUndefined();
    expect(tags.map((t) => `{${t.ns}}${t.local}`)).toEqual(['{urn:a}r', '{urn:d}x', '{}y', '{urn:b}z']);
    expect(tags[1]!.attrs.map((a) => `${a.qname}={${a.ns}}${a.local}=${a.value}`)).toEqual(['a:k={urn:a}k=1', 'k={}k=2']);
    expect(tags[0]!.declarations).toEqual([
      { prefix: 'a', uri: 'urn:a' },
      { prefix: '', uri: 'urn:d' },
    ]);
  });

  it('refuses what is well-formed XML but not namespace-well-formed', () => {
    expect(failureOf('<p:r/>')).toMatch(/^not-xml: the prefix 'p' of <p:r> is not bound/);
    expect(failureOf('<r q:k="1"/>')).toMatch(/^not-xml: the prefix 'q' of attribute q:k is not bound/);
    expect(failureOf('<r xmlns:a="urn:x" xmlns:b="urn:x" a:k="1" b:k="2"/>')).toMatch(/two attributes named \{urn:x\}k/);
    expect(failureOf('<r xmlns:a=""/>')).toMatch(/must not be undeclared/);
    expect(failureOf('<r xmlns:xmlns="urn:x"/>')).toMatch(/xmlns prefix must not be declared/);
    expect(failureOf('<r xmlns:xml="urn:x"/>')).toMatch(/xml prefix must be bound/);
    expect(failureOf('<a:b:c xmlns:a="urn:a"/>')).toMatch(/not a namespace-well-formed name/);
  });

  it('keeps the refusals of the reader: DOCTYPE, content after the root, depth, size', () => {
    expect(failureOf('<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>')).toMatch(/^doctype:/);
    expect(failureOf('<r/><?pi after?>')).toMatch(/^not-xml: content after the document element/);
    expect(failureOf('<r/>x')).toMatch(/^not-xml:/);
    expect(readXml('<a><b><c/></b></a>', { maxDepth: 2 })).toMatchObject({ ok: false, failure: { kind: 'too-deep' } });
    expect(readXml('<r/>', { maxBytes: 3 })).toMatchObject({ ok: false, failure: { kind: 'too-large' } });
    expect(failureOf('<r><x></r>')).toMatch(/^not-xml:/);
  });

  it('passes a handler exception through instead of calling it malformed XML', () => {
    const boom = new RangeError('handler');
    expect(() =>
      scanXml('<r/>', {
        open: () => {
          throw boom;
        },
        text: () => {},
        close: () => {},
      }),
    ).toThrow(boom);
  });
});

describe('readXml: indentation between child elements', () => {
  it('is left out of a parent’s text; a leaf keeps its whitespace; other text around children is kept', () => {
    const read = readXml('<r>\n\t<a> </a>\n\t<b>x</b>\n</r>');
    expect(read.ok && read.root.text).toBe('');
    expect(read.ok && read.root.children.map((c) => c.text)).toEqual([' ', 'x']);
    const mixed = readXml('<r>\n lead<a/> tail\n</r>');
    expect(mixed.ok && mixed.root.text).toBe('\n lead tail\n');
  });
});

describe('scanXml: blank text the handler does not want', () => {
  const doc = '<r>\n\t<a> \t</a>\n  <b>x\n y</b>\r\n <c>\n</c> &#32; <d/>\n</r>';

  function texts(wantsBlankText?: () => boolean): string[] {
    const seen: string[] = [];
    const handler = { open: () => {}, text: (text: string) => seen.push(text), close: () => {} };
    expect(scanXml(doc, wantsBlankText ? { ...handler, wantsBlankText } : handler)).toBeUndefined();
    return seen;
  }

  it('is skipped where the handler says so; all other text arrives as saxes reads it', () => {
    const all = ['\n\t', ' \t', '\n  ', 'x\n y', '\n ', '\n', '   ', '\n'];
    expect(texts()).toEqual(all);
    expect(texts(() => true)).toEqual(all);
    // Blanks ending at '<' go; a carriage return or a reference sends the run to saxes.
    expect(texts(() => false)).toEqual(['x\n y', '\n ', '   ']);
  });

  it('leaves the refusals as they were after a skipped blank', () => {
    const handler = { open: () => {}, text: () => {}, close: () => {}, wantsBlankText: () => false };
    expect(scanXml('<r>\n  <x>\n</r>', handler)).toMatchObject({ kind: 'not-xml' });
    expect(scanXml('<r>\n  <\n</r>', handler)).toMatchObject({ kind: 'not-xml' });
    expect(scanXml('<r>\n  <x/>\n</r>\n  <y/>', handler)).toMatchObject({ kind: 'not-xml' });
  });
});
