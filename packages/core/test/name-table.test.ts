import { describe, expect, it } from 'vitest';
import { internalized } from '../src/xml/detached.js';
import { NameTable } from '../src/xml/name-table.js';

interface Entry {
  readonly name: string;
  readonly upper: string;
}

function table(limit?: number) {
  const made: string[] = [];
  const names = new NameTable<Entry>(
    (name) => {
      made.push(name);
      return { name: internalized(name), upper: name.toUpperCase() };
    },
    (entry) => entry.name,
    limit,
  );
  return { names, made };
}

describe('NameTable: one value per name, shared across documents', () => {
  it('builds each name once and gives the same value for it, however many names share its slot', () => {
    const { names, made } = table();
    // Far more names than the front table has entries, so many share a slot and evict each other.
    const all = Array.from({ length: 2000 }, (_, i) => `p${i % 7}:name${i}`);
    const first = all.map((name) => names.get(name));
    const again = all.map((name) => names.get(name));
    expect(again.map((entry) => entry.upper)).toEqual(all.map((name) => name.toUpperCase()));
    for (let i = 0; i < all.length; i++) expect(again[i]).toBe(first[i]);
    expect(made).toHaveLength(all.length);
  });

  it('answers for a name read fresh from a document (not the string it first saw)', () => {
    const { names, made } = table();
    const document = '<ei:eventID>1</ei:eventID><ei:interval/>';
    const a = names.get(document.slice(1, 11));
    const b = names.get(document.slice(27, 38));
    expect([a.name, b.name]).toEqual(['ei:eventID', 'ei:interval']);
    expect(names.get(`ei:${'eventID'}`)).toBe(a);
    expect(names.get(`ei:${'interval'}`)).toBe(b);
    expect(made).toEqual(['ei:eventID', 'ei:interval']);
  });

  it('keeps at most `limit` names: a document of fresh names cannot grow it', () => {
    const { names, made } = table(10);
    const fresh = Array.from({ length: 5000 }, (_, i) => `n${i}`);
    for (const name of fresh) names.get(name);
    made.length = 0;
    for (const name of fresh) names.get(name);
    // Only the ten the map kept and those still in the front table (at most 1024) are known.
    expect(made.length).toBeGreaterThanOrEqual(fresh.length - 10 - 1024);
    expect(fresh.slice(0, 10).filter((name) => made.includes(name))).toEqual([]);
  });

  it("answers for the empty string too (a default namespace's undeclaration, xmlns=\"\")", () => {
    const { names, made } = table();
    expect(names.get('')).toEqual({ name: '', upper: '' });
    expect(names.get('')).toEqual({ name: '', upper: '' });
    expect(made).toEqual(['']);
  });

  it('keeps nothing for a name whose value could not be built', () => {
    const names = new NameTable<Entry>(
      (name) => {
        if (name.includes('::')) throw new Error(`bad name ${name}`);
        return { name: internalized(name), upper: name };
      },
      (entry) => entry.name,
    );
    expect(() => names.get('a::b')).toThrow('bad name a::b');
    expect(() => names.get('a::b')).toThrow('bad name a::b');
    expect(names.get('a:b').upper).toBe('a:b');
  });
});
