import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../src/use-node-backend';
import { MODEL_PARITY_CASES } from './model-spec';
import { compareCase, runCase } from './spec';

describe.each(MODEL_PARITY_CASES.map((c) => [c.name, c] as const))('parity (model): %s', (_name, c) => {
  const full = process.env.VQCT_PARITY_FULL === '1';
  it.skipIf(c.slow && !full)(`wasm computes what cpu computes, without leaks${c.slow && !full ? ' (skipped: the cpu reference takes minutes; set VQCT_PARITY_FULL=1)' : ''}`, async () => {
    const results: Record<string, number[][]> = {};
    for (const backend of ['cpu', 'wasm'] as const) {
      await useNodeBackend({ backend });
      const before = tf.memory().numTensors;
      results[backend] = await runCase(c);
      expect(tf.memory().numTensors, `leak on ${backend}`).toBe(before);
    }
    expect(compareCase(c, results.wasm, results.cpu)).toBeNull();
  }, 240_000);
});
