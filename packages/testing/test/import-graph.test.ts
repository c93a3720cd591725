import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The compiled import graph of @rxadr/testing, as a user's Node loads it (dist/**/*.js) and as their
// compiler reads it (dist/**/*.d.ts). Built by `tsc -b`, which `pnpm test` runs first.
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string | { types: string; import: string }>;
};

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s*(?:type\s+)?(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** The module specifiers one file imports or re-exports (static and dynamic). */
function specifiers(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? '');
}

interface Graph {
  /** file (relative to dist) → the relative files it imports. */
  readonly edges: Map<string, string[]>;
  /** file → the packages it imports (bare specifiers). */
  readonly packages: Map<string, string[]>;
}

/** Walks the graph reachable from `entries` (files relative to dist). */
function walk(entries: readonly string[]): Graph {
  const edges = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  const todo = [...entries];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (edges.has(file)) continue;
    const absolute = join(DIST, file);
    if (!existsSync(absolute)) throw new Error(`${file} is imported but not built (run pnpm run build)`);
    const found = specifiers(readFileSync(absolute, 'utf8'));
    const local = found.filter((s) => s.startsWith('.')).map((s) => relative(DIST, resolve(dirname(absolute), file.endsWith('.d.ts') ? s.replace(/\.js$/, '.d.ts') : s)));
    edges.set(file, local);
    packages.set(file, found.filter((s) => !s.startsWith('.')));
    todo.push(...local);
  }
  return { edges, packages };
}

/** Every cycle's path (first one found per strongly connected start), as `a → b → a`. */
function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

const entries = Object.entries(pkg.exports).filter((e): e is [string, { types: string; import: string }] => typeof e[1] === 'object');
const entry = (key: string, kind: 'import' | 'types'): string => {
  const target = pkg.exports[key];
  if (typeof target !== 'object') throw new Error(`no export ${key}`);
  return relative(DIST, fileURLToPath(new URL(`../${target[kind]}`, import.meta.url)));
};
const bins = Object.values((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> }).bin).map((b) =>
  relative(DIST, fileURLToPath(new URL(`../${b}`, import.meta.url))),
);

describe('the compiled import graph of @rxadr/testing', () => {
  it('finds a cycle when there is one (the checker itself)', () => {
    const edges = new Map([
      ['a.js', ['b.js']],
      ['b.js', ['c.js']],
      ['c.js', ['a.js']],
      ['d.js', ['a.js']],
    ]);
    expect(findCycles(edges)).toEqual(['a.js → b.js → c.js → a.js']);
    expect(findCycles(new Map([['a.js', ['b.js']], ['b.js', []]]))).toEqual([]);
  });

  it('reads static, type-only, re-export and dynamic imports', () => {
    const source = "import { a } from './a.js';\nimport type { B } from './b.js';\nexport { c } from './c.js';\nexport * from './d.js';\nimport './e.js';\nconst f = await import('./f.js');\n";
    expect(specifiers(source)).toEqual(['./a.js', './b.js', './c.js', './d.js', './e.js', './f.js']);
  });

  it.each(['.js', '.d.ts'])('has no cycle among the built %s files', (extension) => {
    const built = (readdirSync(DIST, { recursive: true }) as string[]).filter((file) => file.endsWith(extension) && (extension === '.d.ts' || !file.endsWith('.d.ts')));
    const graph = walk(built);
    expect(graph.edges.size).toBe(built.length);
    expect(built).toContain(`mock-vtn/vtn-model${extension}`);
    expect(findCycles(graph.edges)).toEqual([]);
  });

  it.each(entries.map(([key]) => key).filter((key) => key !== './vitest'))('%s loads no cli/ module and not vitest', (key) => {
    const graph = walk([entry(key, 'import')]);
    expect([...graph.edges.keys()].filter((file) => file.startsWith('cli/'))).toEqual([]);
    expect([...graph.packages.values()].flat().filter((name) => name === 'vitest' || name.startsWith('vitest/'))).toEqual([]);
  });

  it('every built module with code is reached from an export, a bin or the demo script (no dead module)', () => {
    const built = (readdirSync(DIST, { recursive: true }) as string[]).filter((file) => file.endsWith('.js'));
    const reached = walk([...entries.map(([key]) => entry(key, 'import')), ...bins, 'demo/demo.js']).edges;
    // Left out on purpose: each folder's index.js (its room's own entry, for tests) and type-only modules (empty once built).
    const typeOnly = (file: string): boolean => /^export \{\};\s*(\/\/# sourceMappingURL=\S+)?\s*$/.test(readFileSync(join(DIST, file), 'utf8'));
    const orphans = built.filter((file) => !reached.has(file) && !file.endsWith('/index.js'));
    expect(bins.every((bin) => bin.startsWith('cli/'))).toBe(true);
    expect(orphans.filter((file) => !typeOnly(file))).toEqual([]);
  });

  it('./mock-vtn loads the mock VTN and neither the scenario pack, the demo nor the VEN simulator', () => {
    const files = [...walk([entry('./mock-vtn', 'import')]).edges.keys()];
    expect(files).toContain('mock-vtn/create-http-mock-vtn.js');
    expect(files.filter((file) => /^(scenarios|demo|ven-sim|cli)\//.test(file))).toEqual([]);
  });
});
