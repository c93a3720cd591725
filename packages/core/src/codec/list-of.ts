import type { Scalar } from './scalars.js';
import { element } from './fields.js';
import { sequence } from './sequence.js';
import { INVALID, XmlCodec } from './xml-codec.js';

/**
 * An element that only wraps a list of one repeated child (`strm:intervals` → `ei:interval+`,
 * `oadrPendingReports` → `ei:reportRequestID*`), read as the array itself.
 */
export function listOf<A>(ns: string, name: string, codec: XmlCodec<A> | Scalar<A>, card: 'many' | 'some'): XmlCodec<A[]> {
  const inner = sequence(`list of ${name}`, { [name]: element(card, ns, name, codec) }) as unknown as XmlCodec<Record<string, A[]>>;
  const wrap = (items: A[]): Record<string, A[]> => ({ [name]: items });
  const list = new XmlCodec<A[]>(inner.name, {
    is: (u): u is A[] => Array.isArray(u) && inner.is(wrap(u)),
    read(el, path, issues) {
      const value = inner.read(el, path, issues);
      return value === INVALID ? INVALID : (value[name] ?? []);
    },
    write: (value, path, issues) => inner.write(wrap(value), path, issues),
    emit: (value, path, issues, out) => inner.emit(wrap(value), path, issues, out),
    toJson: (value) => (inner.toJson(wrap(value)) as Record<string, unknown>)[name] ?? [],
    fromJson(json, path, issues) {
      const value = inner.fromJson({ [name]: json }, path, issues);
      return value === INVALID ? INVALID : (value[name] ?? []);
    },
  });
  const plan = (inner as XmlCodec<unknown>).plan;
  if (plan?.kind === 'sequence') (list as XmlCodec<unknown>).plan = { ...plan, finish: (value) => value[name] ?? [] };
  return list;
}
