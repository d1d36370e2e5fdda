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
      // One wasm / libtorch thread per test process unless a test asks for more: vitest
      // already runs one process per core, and the thread tests (backend-node) set their own.
      env: { VQCT_WASM_THREADS: process.env.VQCT_WASM_THREADS ?? '1', VQCT_TORCH_THREADS: process.env.VQCT_TORCH_THREADS ?? '1' },
      testTimeout: 60_000,
      hookTimeout: 120_000,
      ...test,
    },
  });
}
