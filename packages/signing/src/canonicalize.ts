import { C14nCanonicalization } from 'xml-crypto';

interface NamespaceBinding {
  prefix: string;
  namespaceURI: string;
}

/**
 * Namespace declarations in scope at `element` from its ancestors, nearest first, as inclusive
 * C14N must render them on the apex of a document subset. Same rules as xml-crypto's own
 * verifier (`findAncestorNsForElement`), so what we sign is what xml-crypto (and xmlsec1) digest.
 */
function ancestorNamespaces(element: Element): NamespaceBinding[] {
  const seen = new Set<string>();
  const bindings: NamespaceBinding[] = [];
  for (let node = element.parentNode; node !== null && node.nodeType === 1; node = node.parentNode) {
    const attributes = (node as Element).attributes;
    for (let i = 0; i < attributes.length; i++) {
      const attribute = attributes.item(i);
      if (attribute === null) continue;
      const name = attribute.nodeName;
      if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
      const prefix = name === 'xmlns' ? '' : name.slice(6);
      if (seen.has(prefix)) continue;
      seen.add(prefix);
      bindings.push({ prefix, namespaceURI: attribute.nodeValue ?? '' });
    }
  }
  const own = new Set<string>([element.prefix ?? '']);
  const attributes = element.attributes;
  for (let i = 0; i < attributes.length; i++) {
    const name = attributes.item(i)?.nodeName ?? '';
    if (name === 'xmlns' || name.startsWith('xmlns:')) own.add(name === 'xmlns' ? '' : name.slice(6));
  }
  // An undeclaration (xmlns="") only shadows outer bindings; it is not a namespace node.
  return bindings.filter((binding) => binding.namespaceURI !== '' && !own.has(binding.prefix));
}

/**
 * Inclusive Canonical XML 1.0 (without comments) of `element` as a document subset in its
 * document: the form both references are digested over (OPENADR.md §7.3). Comments are
 * dropped as same-document references require.
 *
 * Known limit, shared with xml-crypto: `xml:lang`/`xml:space` set on an ancestor (e.g. on
 * `oadrPayload`) are not copied onto the apex as C14N 1.0 asks, so a VTN putting them on the
 * root would not interoperate. No OpenADR implementation surveyed does.
 */
export function canonicalize(element: Element): string {
  return new SpecC14n().process(element, { ancestorNamespaces: ancestorNamespaces(element) });
}

/**
 * xml-crypto's inclusive C14N with namespace declarations sorted as C14N 1.0 §2.2 requires:
 * lexicographically by prefix in code-point order. xml-crypto sorts with `localeCompare`, which
 * puts `b` before `Z` and so disagrees with xmlsec1 and libxml2 on mixed-case prefixes.
 */
class SpecC14n extends C14nCanonicalization {
  override nsCompare(a: NamespaceBinding, b: NamespaceBinding): number {
    return comparePrefixes(a.prefix, b.prefix);
  }
}

/** Code-point order of namespace prefixes ('' — the default namespace — first). */
export function comparePrefixes(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}
