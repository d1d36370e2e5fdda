import * as tf from '@tensorflow/tfjs-core';
// Tests may use @vqct/transfer-net (devDependency); src never does: vq owns CodebookSource.
import { createTransferNet } from '@vqct/transfer-net';
import { describe, expect, it } from 'vitest';
import { resolveVqModelConfig } from '../config/resolve-config';
import type { CodebookSource } from '../quantizer/codebook-source';
import { createVqModel } from './vq-model';

function smallPrior(kAdj: number, kNoun: number, dim: number) {
  const vectors = new Float32Array((kAdj + kNoun) * dim).map((_, i) => Math.sin(i * 12.9898) * 0.5);
  const edges: number[] = [];
  for (let a = 0; a < kAdj; a++) edges.push(a, kAdj + (a % kNoun), a, kAdj + ((a * 7 + 3) % kNoun));
  return {
    kAdj,
    kNoun,
    dim,
    vectors,
    edgeIndex: Int32Array.from(edges),
    edgeWeight: new Float32Array(edges.length / 2).fill(1),
  };
}

describe('VqModel with @vqct/transfer-net', () => {
  it('trains the GCN through the VQCT quantizer and round-trips tokens exactly', async () => {
    const before = tf.memory().numTensors;
    const config = resolveVqModelConfig({ preset: 'tiny' });
    const net = createTransferNet(smallPrior(12, 20, 16), { hiddenDim: 32, codeDim: config.codeDim, seed: 1 });
    const source: CodebookSource = net; // structural: vq never imports transfer-net
    const model = createVqModel(config, { codebook: source, seed: 1 });
    expect(model.config.kAdj).toBe(12);
    expect(model.config.kNoun).toBe(20);
    const netVars = net.trainableVariables();
    expect(netVars.length).toBeGreaterThan(0);
    for (const v of netVars) expect(model.trainableVariables()).toContain(v);
    const x = tf.tidy(() => tf.randomUniform([1, 8, 8, 3], -1, 1, 'float32', 9) as tf.Tensor4D);
    const { value, grads } = tf.variableGrads(() => {
      const out = model.forward(x, { training: true, seed: 2 });
      return tf.add(tf.mean(tf.abs(tf.sub(x, out.reconstruction))), out.quantLoss) as tf.Scalar;
    }, model.trainableVariables());
    for (const v of netVars) {
      const g = tf.tidy(() => tf.sum(tf.abs(grads[v.name])).dataSync()[0]);
      expect(g).toBeGreaterThan(0);
    }
    tf.dispose([value, grads as unknown as tf.TensorContainer]);
    model.afterStep();
    const tokens = model.encode(x);
    const decoded = model.decodeTokens(tokens);
    const direct = model.reconstruct(x);
    expect(Array.from(await decoded.data())).toEqual(Array.from(await direct.data()));
    tf.dispose([x, tokens, decoded, direct]);
    model.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
