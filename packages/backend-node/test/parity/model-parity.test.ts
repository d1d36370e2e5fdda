import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../src/use-node-backend';
import { MODEL_PARITY_CASES } from './model-spec';
import { PARITY_BACKENDS } from './backends';
import { compareCase, runCase } from './spec';

describe.each(MODEL_PARITY_CASES.map((c) => [c.name, c] as const))('parity (model): %s', (_name, c) => {
  const full = process.env.VQCT_PARITY_FULL === '1';
  const skipNote = c.slow && !full ? ' (skipped: the cpu reference takes minutes; set VQCT_PARITY_FULL=1)' : '';
  it.skipIf(c.slow && !full)(`${PARITY_BACKENDS.join(' and ')} compute what cpu computes, without leaks${skipNote}`, async () => {
    const results: Record<string, number[][]> = {};
    for (const backend of ['cpu', ...PARITY_BACKENDS] as const) {
      await useNodeBackend({ backend });
      const before = tf.memory().numTensors;
      results[backend] = await runCase(c);
      expect(tf.memory().numTensors, `leak on ${backend}`).toBe(before);
    }
    for (const backend of PARITY_BACKENDS) expect(compareCase(c, results[backend], results.cpu), backend).toBeNull();
  }, 240_000);
});
