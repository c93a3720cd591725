import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { createScanParser, FAST_PATHS } from '../src/xml/scan-parser.js';

/** What a parser reports, with the offset of the next character it reads at each report. */
type Report = readonly [string, ...unknown[]];

/**
 * Every event `parser` reports over `xml`, each with the parser's position (saxes' own `i`, read
 * the same way from both parsers), up to the first well-formedness error, which ends the list.
 */
function reports(parser: SaxesParser, xml: string, tagAttributes = true): Report[] {
  const seen: Report[] = [];
  const at = (): number => (parser as unknown as { i: number }).i;
  parser.on('opentag', (tag) => seen.push(['open', tag.name, tagAttributes ? { ...tag.attributes } : '-', tag.isSelfClosing, at()]));
  parser.on('attribute', (attribute) => seen.push(['attribute', attribute.name, attribute.value, at()]));
  parser.on('text', (text) => seen.push(['text', text, at()]));
  parser.on('cdata', (text) => seen.push(['cdata', text, at()]));
  parser.on('comment', (text) => seen.push(['comment', text, at()]));
  parser.on('processinginstruction', (pi) => seen.push(['pi', pi.target, pi.body, at()]));
  parser.on('closetag', (tag) => seen.push(['close', tag.name, at()]));
  parser.on('error', (error) => {
    seen.push(['error', error.message]);
    throw error;
  });
  try {
    parser.write(xml).close();
  } catch {
    // The error is the last report.
  }
  return seen;
}

const stock = (xml: string): Report[] => reports(new SaxesParser({ xmlns: false, position: false }), xml);
const fast = (xml: string): Report[] => reports(createScanParser(() => true), xml);
/** Tags' attribute dictionaries left out of the comparison: the events-only parser leaves them empty. */
const stockEvents = (xml: string): Report[] => reports(new SaxesParser({ xmlns: false, position: false }), xml, false);
const fastEvents = (xml: string): Report[] => reports(createScanParser(() => true, undefined, { attributesInTag: false }), xml, false);

/** Each parser of the scan parser's two kinds beside stock saxes. */
const pairs = [
  ['attributes in tags', fast, stock],
  ['attributes in events only', fastEvents, stockEvents],
] as const;

const fixtureDir = new URL('../../../bench/fixtures/', import.meta.url);
const fixtures = readdirSync(fixtureDir)
  .filter((file) => file.endsWith('.xml') && !file.includes('100x96'))
  .map((file) => readFileSync(new URL(file, fixtureDir), 'utf8'));

/** Documents at the edges of each fast path: where it hands over to saxes, and where saxes must refuse. */
const edges = [
  '<r>plain text</r>',
  '<r>a &amp; b</r>',
  '<r>&lt;lead</r>',
  '<r>tail&#x20;</r>',
  '<r>line\r\nbreak\rhere</r>',
  '<r>bracket ] and ]] fine</r>',
  '<r>forbidden ]]> here</r>',
  '<r>]]></r>',
  '<r>x]]&gt;</r>',
  '<r>gt > alone</r>',
  '<r>tab\tand\nfeed</r>',
  '<r>caf\u00e9 and \u{1f600}</r>',
  '<r>control \u0001 char</r>',
  '<r>del \u007f and nel \u0085</r>',
  '<r>a<![CDATA[b ]]> c]]>d</r>',
  '<r>a<!-- c -->b</r>',
  '<r>a<?pi body?>b</r>',
  '<r>end of document',
  '<r>text</r>trailing',
  '<r>   </r>',
  '<r>\n  <a>x</a>\n</r>',
  '<r><caf\u00e9>x</caf\u00e9></r>',
  '<r><a\u00b7b x="1"/></r>',
  '<r><ab\u00e9cd:x\u00e9 \u00e9a="v"/></r>',
  '<r><a.b-c_d:e1>x</a.b-c_d:e1></r>',
  '<r><a></b></r>',
  '<r><ab></a></r>',
  '<r><a></ab></r>',
  '<r><a></a\n></r>',
  '<r><a></a/></r>',
  '<r><a></a',
  '<r></r></r>',
  '<r></r><r/>',
  '<r><a/><a x="1"/><a></a><a x="2">t</a></r>',
  '<r><a><b><c/></b><b x="1"><c>t</c></b></a><a/></r>',
  '<r><a></a ></r>',
  '<r><a></ a></r>',
  '<r><a x="1" x="2"/></r>',
  '<r><a x="1" y="2" x="3" y="4"/></r>',
  '<r><a xmlns:p="u" xmlns:p="v"/></r>',
  `<r><a ${Array.from({ length: 12 }, (_, k) => `a${k}="${k}"`).join(' ')} a3="again"/></r>`,
  `<r><a ${Array.from({ length: 12 }, (_, k) => `a${k}="${k}"`).join(' ')}/></r>`,
  '<r><a x = "1"\ty=\'2\'\n/></r>',
  '<r><a/ ></r>',
  '<r><1a/></r>',
  '<r></1a></r>',
  '<r attr="a&amp;b\r\nc">x</r>',
  '<r a="" b=\'\' c="it\'s" d=\'say "x"\'/>',
  '<r a="x<y"/>',
  '<r a="tab\there" b="line\nfeed" c="cr\rhere"/>',
  '<r a="caf\u00e9" b="\u{1f600}" c="\u0001"/>',
  '<r a="gt > and ]]> fine"/>',
  '<r a="unterminated/>',
  '<r a="v"b="w"/>',
  '<r a="urn:x" xmlns:p="http://example.com/p?q=1#f"><p:x p:y="1"/></r>',
  '<p:r xmlns:p="urn:p"><p:a p:b="c">d</p:a></p:r>',
  '<?xml version="1.0" encoding="UTF-8"?>\n<r>x</r>\n',
  '<?xml version="1.1"?><r>nel\u0085ls\u2028x</r>',
  '<?xml version="1.1"?><r><a\u0085/></r>',
  '<?xml version="1.1"?><r><a\u007f/></r>',
  '<?xml version="1.1"?><r a\u007f="1"/>',
  '<?xml version="1.1"?><r>del\u007f</r>',
  '<r><a\r\n/></r>',
  '<r a\r="1"/>',
];

describe('the scan parser: saxes with fast paths for plain text and ASCII names', () => {
  it('is in use with the saxes installed (else every parser is a plain, slower one)', () => {
    expect(FAST_PATHS).toBe(true);
  });

  it('reports what stock saxes reports, at the same offsets, on the edge cases of each fast path', () => {
    for (const [kind, mine, theirs] of pairs) for (const xml of edges) expect(mine(xml), `${kind}: ${JSON.stringify(xml)}`).toEqual(theirs(xml));
  });

  it('leaves tags without an attributes dictionary when attributes go to events only', () => {
    const parser = createScanParser(() => true, undefined, { attributesInTag: false });
    const dictionaries: Record<string, string>[] = [];
    parser.on('opentag', (tag) => dictionaries.push({ ...tag.attributes }));
    parser.write('<r a="1"><b c="2" d="3"/></r>').close();
    expect(dictionaries).toEqual([{}, {}]);
  });

  it('reports what stock saxes reports on the benchmark fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(0);
    for (const xml of fixtures) {
      const expected = stock(xml);
      expect(expected.some((report) => report[0] === 'error')).toBe(false);
      expect(fast(xml)).toEqual(expected);
      expect(fastEvents(xml)).toEqual(stockEvents(xml));
    }
  });

  it('reports what stock saxes reports on generated documents, well-formed or not', () => {
    const piece = fc.constantFrom(
      'a', 'Z9', 'x:y', '-', '.', '_', ':', '\u00e9', '\u00b7', '\u{1f600}', ' ', '\t', '\n', '\r', '\r\n', '\u0085', '\u2028',
      '&amp;', '&#65;', '&bogus;', '&', ']', ']]', ']]>', '>', '"', "'", '=', '/', '<', '\u0001', '\u007f',
      '<a>', '</a>', '<b x="1">', '<b x="1" x="2">', '<b x="1" y="2" z="3">', '</b>', '<c/>', '<x:d y:z="&lt;">', '</x:d>', '<![CDATA[q]]>', '<!--c-->', '<?p q?>',
    );
    const document = fc
      .record({ prolog: fc.constantFrom('', '<?xml version="1.0"?>', '<?xml version="1.1"?>'), body: fc.array(piece, { maxLength: 30 }) })
      .map(({ prolog, body }) => `${prolog}<r>${body.join('')}</r>`);
    fc.assert(
      fc.property(document, (xml) => {
        expect(fast(xml)).toEqual(stock(xml));
        expect(fastEvents(xml)).toEqual(stockEvents(xml));
      }),
      { numRuns: 3000 },
    );
  });
});
