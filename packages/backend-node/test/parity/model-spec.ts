/**
 * Parity cases over the real model packages (test-only: imports their sources
 * by path, so no package dependency cycle with @vqct/backend-node arises).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@vqct/core';
import { seededBenchmarkPrior } from '../../../prior/src/index';
import { createTransferNet } from '../../../transfer-net/src/index';
import { createVqganStep, createVqModel, resolveVqModelConfig } from '../../../vq/src/index';
import type { ParityCase } from './spec';

/** BENCH.md's seeded graph prior (4·K random edges, N(0, 1) vectors). */
const seededPrior = (kAdj: number, kNoun: number, dim: number, seed: number) => seededBenchmarkPrior({ kAdj, kNoun, dim, seed });

function images(seed: number, shape: [number, number, number, number]): tf.Tensor4D {
  const rng = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => Math.tanh(rng.normal())), shape);
}

const tiny = () => resolveVqModelConfig('tiny');

export const MODEL_PARITY_CASES: ParityCase[] = [
  { name: 'transfer-net (GCN 16 -> 32 -> 32, K 192): codebook + gradients', tol: 1e-4,
    run: () => {
      const net = createTransferNet(seededPrior(64, 128, 16, 1), { hiddenDim: 32, codeDim: 32, seed: 2, dropout: 0 });
      const r = tf.tensor2d(Float32Array.from({ length: 192 * 32 }, (_, i) => Math.sin(i)), [192, 32]);
      const vars = net.trainableVariables();
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(net.trainingCodebook({ seed: 1 }), r)) as tf.Scalar, vars);
      // In the variables' own order: their auto-generated names sort differently from run to run.
      const out = [value, ...vars.map((v) => grads[v.name])];
      net.dispose();
      return out;
    } },
  { name: 'VqModel tiny: encode tokens (exact where not tied) + decode, 16x16 batch 1', tol: 1e-3, exact: [0],
    run: () => {
      const config = tiny();
      const net = createTransferNet(seededPrior(config.kAdj, config.kNoun, 16, 3), { hiddenDim: 32, codeDim: config.codeDim, seed: 4 });
      const model = createVqModel(config, { codebook: net, seed: 5 });
      const tokens = model.encode(images(6, [1, 16, 16, 3]));
      const out = [tf.cast(tokens, 'float32'), model.decodeTokens(tokens)];
      model.dispose();
      net.dispose();
      return out;
    } },
  { name: 'VqModel tiny: one VQGAN training step (losses + updated last layer)', tol: 2e-3, slow: true,
    runAsync: async () => {
      const config = tiny();
      const net = createTransferNet(seededPrior(config.kAdj, config.kNoun, 16, 7), { hiddenDim: 32, codeDim: config.codeDim, seed: 8 });
      const model = createVqModel(config, { codebook: net, seed: 9 });
      const step = createVqganStep({ model, codebook: net, learningRate: 1e-3, kAdj: config.kAdj, kNoun: config.kNoun });
      const batch = images(10, [1, 16, 16, 3]);
      const report = await step.runAsync!(batch, 0, 1234);
      const losses = Object.keys(report.losses).sort().map((k) => report.losses[k]);
      const out = [tf.tensor1d(losses), tf.add(model.lastLayerWeight(), 0)];
      tf.dispose(batch);
      step.dispose();
      model.dispose();
      net.dispose();
      return out;
    } },
];
