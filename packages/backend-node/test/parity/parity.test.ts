import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../src/use-node-backend';
import { compareCase, PARITY_CASES, runCase } from './spec';

import { PARITY_BACKENDS, type ParityBackend as Backend } from './backends';

async function runAll(backend: Backend): Promise<number[][][]> {
  await useNodeBackend({ backend });
  const before = tf.memory().numTensors;
  const out = [];
  for (const c of PARITY_CASES) out.push(await runCase(c));
  expect(tf.memory().numTensors, `tensors leaked on ${backend}`).toBe(before);
  return out;
}

describe.each(PARITY_BACKENDS)('parity: %s computes what cpu computes', (backend) => {
  let cpu: number[][][];
  let got: number[][][];
  it(`runs the whole spec on cpu and ${backend} without leaks`, async () => {
    cpu = await runAll('cpu');
    got = await runAll(backend);
  });
  it.each(PARITY_CASES.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    expect(compareCase(PARITY_CASES[i], got[i], cpu[i])).toBeNull();
  });
});
