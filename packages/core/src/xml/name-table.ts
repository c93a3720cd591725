/** Sets of the table in front of the map (two entries each): a power of two. */
const SETS = 512;

/**
 * One value per XML name, shared across documents (OpenADR documents reuse about a hundred names):
 * a map bounded at `limit` names, so a hostile document of fresh names cannot grow it, and in
 * front of it a table of recent names, indexed by a hash of a name's length and four of its
 * characters, two entries per slot. A fresh name from the parser is then compared with one or two
 * candidates instead of hashed whole. The table replaced a one-entry-per-slot one of 256 slots
 * whose hash sent 28 of the 105 names of the benchmark fixtures and examples to a taken slot (the
 * hot `ei:interval` and `ei:eventID` among them), so they evicted each other all through a document.
 */
export class NameTable<T> {
  /** Empty entries hold `undefined`, which no name matches (not '', a name too: the default namespace's undeclaration). */
  private readonly names: (string | undefined)[] = new Array<string | undefined>(SETS * 2).fill(undefined);
  private readonly values: (T | undefined)[] = new Array<T | undefined>(SETS * 2).fill(undefined);
  private readonly map = new Map<string, T>();

  /**
   * `make(name)` builds the value of a name not seen before (it may throw: nothing is kept);
   * `keyOf(value)` is the name as the value keeps it: a string of its own (see `internalized`),
   * never a view into the document the name was first read from.
   */
  constructor(
    private readonly make: (name: string) => T,
    private readonly keyOf: (value: T) => string,
    private readonly limit = 2048,
  ) {}

  get(name: string): T {
    const n = name.length;
    let h = Math.imul(n, 0x9e3779b1) ^ name.charCodeAt(n >> 1);
    h = Math.imul(h ^ name.charCodeAt(n - 1), 0x85ebca6b);
    h = Math.imul(h ^ name.charCodeAt((n * 3) >> 2), 0xc2b2ae35) ^ name.charCodeAt(n - 2);
    const slot = ((h ^ (h >>> 15)) & (SETS - 1)) << 1;
    const names = this.names;
    if (names[slot] === name) return this.values[slot]!;
    if (names[slot + 1] === name) return this.values[slot + 1]!;
    const value = this.inMap(name);
    // The newest name takes the first entry; the one it displaces moves to the second.
    names[slot + 1] = names[slot];
    this.values[slot + 1] = this.values[slot];
    names[slot] = this.keyOf(value);
    this.values[slot] = value;
    return value;
  }

  private inMap(name: string): T {
    const known = this.map.get(name);
    if (known !== undefined) return known;
    const value = this.make(name);
    if (this.map.size < this.limit) this.map.set(this.keyOf(value), value);
    return value;
  }
}
