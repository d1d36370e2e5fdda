import { vqctVitest } from '../../vitest.base.mjs';

// Everything runs with one wasm thread (the shared default); the kernel tests, the
// wasm training test and the parity suite run again with two threads, the default a
// user gets on a 2-core machine, so the threaded build is held to the same contract.
// (The second project does not `extends: true`: that would concatenate `include`.)
export default vqctVitest({
  projects: [
    { extends: true, test: { name: 'wasm-1-thread' } },
    {
      test: {
        name: 'wasm-2-threads',
        include: ['src/kernels/*.test.ts', 'test/wasm-training.test.ts', 'test/parity/*.test.ts', 'test/wasm-threads.test.ts'],
        env: { VQCT_WASM_THREADS: '2' },
        testTimeout: 60_000,
        hookTimeout: 120_000,
      },
    },
  ],
});
