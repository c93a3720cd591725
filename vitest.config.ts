import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, file = 'index.ts'): string => fileURLToPath(new URL(`./packages/${pkg}/src/${file}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@rxadr\/core$/, replacement: src('core') },
      { find: /^@rxadr\/core\/engine$/, replacement: src('core', 'engine.ts') },
      { find: /^@rxadr\/transport$/, replacement: src('transport') },
      { find: /^@rxadr\/signing$/, replacement: src('signing') },
      { find: /^@rxadr\/testing$/, replacement: src('testing') },
      { find: /^@rxadr\/testing\/mock-vtn$/, replacement: src('testing', 'mock-vtn/index.ts') },
      { find: /^@rxadr\/testing\/scenarios$/, replacement: src('testing', 'scenarios/index.ts') },
      { find: /^@rxadr\/testing\/pki$/, replacement: src('testing', 'pki/index.ts') },
      { find: /^@rxadr\/testing\/time$/, replacement: src('testing', 'time/index.ts') },
      { find: /^@rxadr\/testing\/schema$/, replacement: src('testing', 'schema/index.ts') },
      { find: /^@rxadr\/testing\/ven-sim$/, replacement: src('testing', 'ven-sim/index.ts') },
      { find: /^@rxadr\/testing\/vitest$/, replacement: src('testing', 'vitest.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    reporters: ['default', './vitest.reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
