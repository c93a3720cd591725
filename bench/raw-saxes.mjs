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
