import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string): string => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@rxadr/core': src('core'),
      '@rxadr/transport': src('transport'),
      '@rxadr/signing': src('signing'),
      '@rxadr/testing': src('testing'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    reporters: ['default', './vitest.reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
