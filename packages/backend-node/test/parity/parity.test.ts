import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../src/use-node-backend';
import { compareCase, PARITY_CASES, runCase } from './spec';

async function runAll(backend: 'cpu' | 'wasm'): Promise<number[][][]> {
  await useNodeBackend({ backend });
  const before = tf.memory().numTensors;
  const out = [];
  for (const c of PARITY_CASES) out.push(await runCase(c));
  expect(tf.memory().numTensors, `tensors leaked on ${backend}`).toBe(before);
  return out;
}

describe('parity: wasm computes what cpu computes', () => {
  let cpu: number[][][];
  let wasm: number[][][];
  it('runs the whole spec on cpu and wasm without leaks', async () => {
    cpu = await runAll('cpu');
    wasm = await runAll('wasm');
  });
  it.each(PARITY_CASES.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    expect(compareCase(PARITY_CASES[i], wasm[i], cpu[i])).toBeNull();
  });
});
