import { defineConfig } from 'vitest/config';

/**
 * The vitest settings every package shares: tests beside the code, a JSON
 * report per package that scripts/test-summary.mjs adds up for CI.
 *
 * @param {import('vitest/node').TestUserConfig} [test] per-package overrides
 */
export function vqctVitest(test = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters: ['default', 'json'],
      outputFile: { json: '.vitest/results.json' },
      testTimeout: 60_000,
      hookTimeout: 120_000,
      ...test,
    },
  });
}
