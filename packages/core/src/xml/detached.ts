/**
 * `s` as a string of its own. V8 keeps a substring of 13 characters or more as a view into the
 * string it was cut from, so a value read from a document would keep the whole document alive for
 * as long as the value lives (an event's market context held the body it came in, a cached name
 * the document it was first seen in). Joining a space and cutting it off again makes V8 copy the
 * text into a fresh string.
 */
export function detached(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/**
 * `s` internalized: V8's one copy of that text, a string of its own (never a view into another),
 * which compares with another internalized string by identity. Names a document repeats are
 * interned once, so a handler's own name caches compare them without reading their characters.
 */
export function internalized(s: string): string {
  for (const key in { [s]: 0 }) return key;
  return s;
}
