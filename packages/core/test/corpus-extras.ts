import { message, type OadrMessage } from '../src/index.js';
import { NS, type XmlElement } from '../src/engine.js';

/**
 * Messages beside the corpus that exercise the writer's escaping and attribute order: text with
 * every character XML escapes, and a Green Button feed (a raw tree) with attributes out of order.
 */
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** An Atom feed whose `atom:link` carries `attrs`. */
export const feed = (attrs: XmlElement['attrs']): XmlElement => ({
  ns: NS.atom,
  name: 'feed',
  attrs: [{ ns: XML_NS, name: 'lang', value: 'en' }],
  children: [
    { ns: NS.atom, name: 'title', attrs: [], children: [], text: 'T & <C>' },
    { ns: NS.atom, name: 'updated', attrs: [], children: [], text: '2024-07-16T13:00:00Z' },
    { ns: NS.atom, name: 'link', attrs, children: [], text: '' },
  ],
  text: '',
});

export const greenButton = (attrs: XmlElement['attrs']): OadrMessage =>
  message('oadrUpdateReport', {
    requestID: 'gb-1',
    oadrReport: [
      {
        intervals: [{ uid: '0', streamPayloadBase: [{ type: 'oadrGBPayload', feed: feed(attrs) }] }],
        eiReportID: 'rep-gb',
        reportRequestID: 'rr-gb',
        reportSpecifierID: 'rs-gb',
        reportName: 'HISTORY_GREENBUTTON',
        createdDateTime: new Date('2024-07-16T13:00:00Z'),
      },
    ],
  });

export const extras: Record<string, OadrMessage> = {
  'oadrResponse.escaping': message('oadrResponse', {
    eiResponse: { responseCode: '200', responseDescription: 'a & b < c > d " e \' f \t g \n h ]]> i é 𝄞', requestID: 'r&<1>' },
    venID: 'ven "1"',
  }),
  'oadrUpdateReport.green-button': greenButton([
    { ns: '', name: 'href', value: 'http://example.com/feed?a=1&b=2' },
    { ns: '', name: 'rel', value: 'self' },
    { ns: '', name: 'title', value: 'line\nbreak\ttab "q" <&>' },
  ]),
};

