import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What a user gets from the registry: every package packed (prepack builds it), installed from the
// tarballs into a fresh npm project (no workspace links), type-checked under strict with both
// module resolutions, and the README's code blocks taken from README.md itself and run there.
// npm may fetch third-party dependencies from the npm registry; --prefer-offline uses its cache.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const PACKAGES = ['core', 'transport', 'signing', 'testing'];

let work = '';
let project = '';
const tarballs: Record<string, string> = {};

function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 240_000, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${String(result.stdout)}\n${String(result.stderr)}`);
  return String(result.stdout);
}

function list(tarball: string): string[] {
  return run('tar', ['tzf', tarball]).trim().split('\n');
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rxadr-packaging-'));
  const packs = join(work, 'packs');
  run('pnpm', ['-r', '--filter', './packages/*', 'pack', '--pack-destination', packs], { cwd: ROOT });
  for (const file of readdirSync(packs)) tarballs[/^rxadr-(\w+)-/.exec(file)?.[1] ?? file] = join(packs, file);
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'rxadr-user', version: '1.0.0', private: true, type: 'module' }));
  const started = performance.now();
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...PACKAGES.map((p) => tarballs[p] ?? p), 'rxjs@^7.8.0', '@types/node@^20.19.0'], { cwd: project });
  console.log(`npm install of the tarballs: ${Math.round(performance.now() - started)} ms`);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed packages', () => {
  it.each(PACKAGES)('@rxadr/%s carries README, LICENSE, types and source maps, and nothing of the tests', (name) => {
    const tarball = tarballs[name];
    expect(tarball, `pnpm -r pack made no tarball for ${name}`).toBeDefined();
    const files = list(tarball!);
    expect(files).toEqual(expect.arrayContaining(['package/README.md', 'package/LICENSE', 'package/package.json', 'package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/index.js.map', 'package/dist/index.d.ts.map', 'package/src/index.ts']));
    expect(files.filter((f) => /(^package\/test\/|\.test\.|tsbuildinfo)/.test(f))).toEqual([]);
    expect(readFileSync(join(ROOT, 'packages', name, 'LICENSE'), 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
    const manifest = JSON.parse(run('tar', ['xzfO', tarball!, 'package/package.json'])) as { dependencies?: Record<string, string> };
    expect(Object.values(manifest.dependencies ?? {}).filter((range) => range.startsWith('workspace:'))).toEqual([]);
  });

  it('the workspace root is private and not among the tarballs pnpm packs for users', () => {
    expect((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { private?: boolean }).private).toBe(true);
    expect(Object.keys(tarballs).sort()).toEqual([...PACKAGES].sort());
  });
});

const ENTRY_POINTS = ['@rxadr/core', '@rxadr/core/engine', '@rxadr/transport', '@rxadr/signing', '@rxadr/testing', '@rxadr/testing/mock-vtn', '@rxadr/testing/scenarios', '@rxadr/testing/pki', '@rxadr/testing/time', '@rxadr/testing/schema', '@rxadr/testing/ven-sim'];

function tsconfig(dir: string, resolution: 'node16' | 'bundler', files: readonly string[], emit = false): string {
  const path = join(dir, `tsconfig.${resolution}${emit ? '.emit' : ''}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        module: resolution === 'node16' ? 'node16' : 'ESNext',
        moduleResolution: resolution,
        types: ['node'],
        skipLibCheck: false,
        ...(emit ? { outDir: join(dir, 'out'), rootDir: dir } : { noEmit: true }),
      },
      files,
    }),
  );
  return path;
}

describe('installed from the tarballs', () => {
  it.each(['node16', 'bundler'] as const)('every public entry point imports and type-checks under strict, moduleResolution %s', (resolution) => {
    const file = join(project, 'entry-points.ts');
    writeFileSync(
      file,
      `${ENTRY_POINTS.map((entry, i) => `import * as entry${i} from '${entry}';`).join('\n')}\n` +
        `export const names: number = ${ENTRY_POINTS.map((_, i) => `Object.keys(entry${i}).length`).join(' + ')};\n` +
        "import { createVen, type VenOptions } from '@rxadr/core';\nimport { createMockVtn } from '@rxadr/testing/mock-vtn';\nimport { createVirtualClock } from '@rxadr/testing/time';\n" +
        "const clock = createVirtualClock('2026-01-01T00:00:00Z');\nconst options: VenOptions = { venName: 'typed', transport: createMockVtn({ scheduler: clock }).transport(), scheduler: clock };\nexport const ven = createVen(options);\n",
    );
    run(process.execPath, [TSC, '-p', tsconfig(project, resolution, [file])], { cwd: project });
  });

  it('the same file runs: every runtime entry point loads in Node without vitest or the CLI', () => {
    const out = run(process.execPath, ['--input-type=module', '-e', `${ENTRY_POINTS.map((e, i) => `import * as e${i} from '${e}';`).join('')} console.log(${ENTRY_POINTS.map((_, i) => `Object.keys(e${i}).length`).join('+')});`], { cwd: project });
    expect(Number(out.trim())).toBeGreaterThan(150);
  });

  it("runs the README's code blocks from README.md itself (type-checks every block, runs the runnable ones)", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/(?:<!-- readme-check: ([^>]*?) -->\n)?```ts\n([\s\S]*?)```/g)].map((m) => ({ mark: m[1], code: m[2] ?? '' }));
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const unmarked = blocks.filter((b) => b.mark === undefined).map((b) => b.code.split('\n')[0]);
    expect(unmarked, 'every ts block of README.md says how it is checked (<!-- readme-check: run|typecheck harness=… | skip: why -->)').toEqual([]);
    const dir = join(project, 'readme');
    mkdirSync(dir, { recursive: true });
    const checked: string[] = [];
    const runnable: string[] = [];
    blocks.forEach(({ mark = '', code }, i) => {
      if (mark.startsWith('skip:')) return;
      const [mode, harnessMark] = mark.split(' ');
      const name = /^harness=(.+)$/.exec(harnessMark ?? '')?.[1];
      const harness = name === undefined ? { before: '', after: '' } : HARNESSES[name];
      expect(harness, `README block ${i} names an unknown harness ${name ?? ''}`).toBeDefined();
      // Imports first (a block's own imports, then the harness's), then the harness's values, the block, the checks.
      const imports = (text: string) => text.split('\n').filter((l) => l.startsWith('import '));
      const rest = (text: string) => text.split('\n').filter((l) => !l.startsWith('import '));
      const file = join(dir, `block-${i}.ts`);
      writeFileSync(file, [...imports(code), ...imports(harness!.before), ...rest(harness!.before), ...rest(code), harness!.after, 'export {};'].join('\n'));
      checked.push(file);
      if (mode === 'run') runnable.push(`block-${i}`);
    });
    run(process.execPath, [TSC, '-p', tsconfig(dir, 'node16', checked, true)], { cwd: project });
    expect(runnable.length).toBeGreaterThanOrEqual(2);
    for (const block of runnable) run(process.execPath, [join(dir, 'out', `${block}.js`)], { cwd: project });
  });
});

/** What a README fragment assumes exists; `after` checks that a runnable block did what it says. */
const HARNESSES: Record<string, { before: string; after: string }> = {
  'a-transport': { before: "import { createVen, type Transport } from '@rxadr/core';\ndeclare const transport: Transport;", after: '' },
  'tls-files': { before: 'declare const cert: string, key: string, ca: string;', after: '' },
  'a-ven': { before: "import { map } from 'rxjs';\nimport { optIn, optOut, type Ven } from '@rxadr/core';\ndeclare const ven: Ven;", after: '' },
  meter: {
    before: "import { map, of } from 'rxjs';\nimport { createVen, type Transport } from '@rxadr/core';\ndeclare const transport: Transport;\nconst meter = { power$: of(1200), online$: of(true) };",
    after: '',
  },
  'signing-files': {
    before: "import { createVen } from '@rxadr/core';\nimport { httpTransport } from '@rxadr/transport';\ndeclare const certPem: string, keyPem: string, chainPem: string, vtnUrl: string;\ndeclare const tls: { cert: string; key: string; ca: string };",
    after: '',
  },
  'vtn-url': { before: "const vtnUrl = 'http://127.0.0.1:1';", after: "if (typeof transport.send !== 'function') throw new Error('no transport');" },
  'my-decisions': {
    before: "import { map } from 'rxjs';\nimport { createVen, optIn, type DecisionOperator } from '@rxadr/core';\nconst myDecisions: DecisionOperator = (events$) => events$.pipe(map(optIn));",
    after:
      "const answers = vtn.recorder.messages('oadrCreatedEvent').flatMap((m) => m.eiCreatedEvent.eventResponses ?? []);\n" +
      "if (answers.length !== 1 || answers[0]?.optType !== 'optIn') throw new Error(`expected one optIn, got ${JSON.stringify(answers)}`);\nawait ven.stop();",
  },
  battery: {
    before: "import { map } from 'rxjs';\nimport { createVen, optIn, type Transport } from '@rxadr/core';\ndeclare const transport: Transport;\ndeclare const battery: { setTarget(kW: number): void };",
    after: '',
  },
  'xml-and-ven': { before: "import type { Ven } from '@rxadr/core';\ndeclare const xml: string;\ndeclare const ven: Ven;", after: '' },
};
