// saxes as core resolves it (the benchmarks live outside the packages), and raw tokenizing with it.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const requireFromCore = createRequire(new URL('../packages/core/package.json', import.meta.url));
export const { SaxesParser } = await import(pathToFileURL(requireFromCore.resolve('saxes')).href);

/** Raw saxes tokenizing `xml`, no handlers; `xmlns: false` unless told. */
export function rawSaxes(xml, xmlns = false) {
  const parser = new SaxesParser({ xmlns });
  parser.write(xml).close();
}

const { createScanParser } = await import('../packages/core/dist/xml/scan-parser.js');
const ignore = () => {};
const never = () => false;

/**
 * rxadr's scan parser (saxes with its fast paths) tokenizing `xml` with the handlers the decoder
 * registers doing nothing: a reference beside the limit, showing how much of decode is the
 * tokenizing itself (the fast paths make it cheaper than raw saxes).
 */
export function scanParser(xml) {
  const parser = createScanParser(never, undefined, { attributesInTag: false });
  parser.on('opentag', ignore);
  parser.on('attribute', ignore);
  parser.on('text', ignore);
  parser.on('closetag', ignore);
  parser.write(xml).close();
}
