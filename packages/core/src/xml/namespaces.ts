/** Namespace URIs of OpenADR 2.0b (OPENADR.md §2.1). Only URIs matter on input; prefixes are ours on output. */
export const NS = {
  oadr: 'http://openadr.org/oadr-2.0b/2012/07',
  ei: 'http://docs.oasis-open.org/ns/energyinterop/201110',
  pyld: 'http://docs.oasis-open.org/ns/energyinterop/201110/payloads',
  emix: 'http://docs.oasis-open.org/ns/emix/2011/06',
  xcal: 'urn:ietf:params:xml:ns:icalendar-2.0',
  strm: 'urn:ietf:params:xml:ns:icalendar-2.0:stream',
  power: 'http://docs.oasis-open.org/ns/emix/2011/06/power',
  scale: 'http://docs.oasis-open.org/ns/emix/2011/06/siscale',
  gml: 'http://www.opengis.net/gml/3.2',
  atom: 'http://www.w3.org/2005/Atom',
  espi: 'http://naesb.org/espi',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  dsp: 'http://openadr.org/oadr-2.0b/2012/07/xmldsig-properties',
} as const;

export type NamespacePrefix = keyof typeof NS;

const PREFIX_BY_URI = new Map<string, string>(Object.entries(NS).map(([prefix, uri]) => [uri, prefix]));

/** The canonical prefix rxadr writes for a namespace URI, if it is an OpenADR namespace. */
export function canonicalPrefix(uri: string): string | undefined {
  return PREFIX_BY_URI.get(uri);
}
