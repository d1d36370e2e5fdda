import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useNodeBackend } from '../src/use-node-backend';

const CHILD = fileURLToPath(new URL('./fixtures/threads-child.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

interface ChildResult { line: string; threads: number; outputs: number[][]; leaked: number }

/** Runs the fixture in a fresh process (the wasm module starts once per process). */
function runChild(threads: string): Promise<{ code: number | null; result: ChildResult; ms: number }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CHILD], { env: { ...process.env, VQCT_BACKEND: 'wasm', VQCT_WASM_THREADS: threads } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    // No process.exit() in the fixture: it must end by itself (pool threads are unref'd).
    const timer = setTimeout(() => { child.kill('SIGKILL'); fail(new Error(`threads=${threads}: the process did not exit\n${stderr}`)); }, 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        done({ code, result: JSON.parse(stdout) as ChildResult, ms: performance.now() - t0 });
      } catch (e) {
        fail(new Error(`threads=${threads}: exit ${code}, no result\n${stderr}`, { cause: e }));
      }
    });
  });
}

describe('wasm threads in Node', () => {
  it('the backend in this process has the thread count the project asked for', async () => {
    const report = await useNodeBackend({ backend: 'wasm' });
    const wanted = Number(process.env.VQCT_WASM_THREADS);
    expect(report.threads).toBe(wanted);
    expect(report.line).toContain(`${wanted} thread${wanted === 1 ? '' : 's'})`);
    expect(tf.getBackend()).toBe('wasm');
  });

  it.runIf(existsSync(DIST))('1, 2 and 4 threads compute the same convolutions, gradients and products, and the process exits by itself', async () => {
    const [one, two, four] = await Promise.all([runChild('1'), runChild('2'), runChild('4')]);
    for (const [r, n] of [[one, 1], [two, 2], [four, 4]] as const) {
      expect(r.code).toBe(0);
      expect(r.result.threads).toBe(n);
      expect(r.result.leaked).toBe(0);
    }
    expect(two.result.line).toMatch(/^backend wasm \(SIMD, 2 threads\)/);
    // XNNPACK splits the output into tiles per thread; every value is computed the same way.
    for (const other of [two, four]) {
      expect(other.result.outputs.length).toBe(one.result.outputs.length);
      other.result.outputs.forEach((values, i) => {
        const ref = one.result.outputs[i];
        const maxDiff = values.reduce((m, v, j) => Math.max(m, Math.abs(v - ref[j])), 0);
        const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
        expect(maxDiff / scale, `output ${i}`).toBeLessThan(1e-6);
      });
    }
  }, 120_000);

  it('rejects a thread count outside 1..8', async () => {
    await expect(useNodeBackend({ backend: 'wasm', threads: 0 })).rejects.toThrow(/from 1 to 8/);
    await expect(useNodeBackend({ backend: 'wasm', threads: 2.5 })).rejects.toThrow(/from 1 to 8/);
  });
});
