import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadCheckpoint } from '@vqct/vq/node';
import { buildSeedFiles } from './seeds';
import { prepareSafetensorsSeeds } from './targets/safetensors-targets';
import type { FuzzContext } from './targets/target';

/** Picks the backend (wasm, one thread), builds the seed files and the run's variables. */
export async function createFuzzContext(): Promise<FuzzContext> {
  process.env.VQCT_WASM_THREADS ??= '1';
  const { useNodeBackend } = await import('@vqct/backend-node');
  await useNodeBackend();
  const seeds = await buildSeedFiles();
  const ck = loadCheckpoint(join(seeds.runDir, 'checkpoints'));
  const variables = Object.fromEntries(Object.entries(ck.tensors).map(([n, t]) => [
    n, tf.variable(tf.tensor(t.data as Float32Array | Int32Array, t.shape, t.dtype === 'I32' ? 'int32' : 'float32'), false, n),
  ]));
  const ctx: FuzzContext = { seeds, variables, modelConfig: ck.sidecar.modelConfig, priorDigest: ck.sidecar.priorDigest };
  await prepareSafetensorsSeeds(ctx);
  return ctx;
}
