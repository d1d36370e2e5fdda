import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors, encodeSafetensors } from '@vqct/core';
import { describe, expect, it } from 'vitest';
import { randomPrior } from '../test/priors';
import { transferNetFromSafetensors } from './load';
import { createTransferNet, type TransferNet } from './transfer-net';

const options = { hiddenDim: 16, codeDim: 8, seed: 4 };

function sgdStep(net: TransferNet, seed?: number): void {
  const vars = net.trainableVariables();
  const { value, grads } = tf.variableGrads(() => {
    const c = net.trainingCodebook({ seed });
    return tf.mean(tf.square(tf.sub(c, 1))) as tf.Scalar;
  }, vars);
  tf.tidy(() => vars.forEach((v) => v.assign(tf.sub(v, tf.mul(0.5, grads[v.name])))));
  value.dispose();
  tf.dispose(Object.values(grads));
  net.invalidate();
}

describe('transferNetFromSafetensors', () => {
  const prior = randomPrior(12, 20, 6, 50);

  it('round-trips bit-exactly: weights, codebook, config, bytes', () => {
    const before = tf.memory().numTensors;
    const net = createTransferNet(prior, { ...options, activation: 'elu', dropout: 0.3 });
    sgdStep(net, 0);
    const bytes = net.toSafetensors();
    const file = decodeSafetensors(bytes);
    expect(Object.keys(file.tensors).sort()).toEqual(['gcn.0.bias', 'gcn.0.weight', 'gcn.1.bias', 'gcn.1.weight']);
    expect(file.metadata.format).toBe('vqct-transfer-net');
    expect(JSON.parse(file.metadata.config)).toEqual(net.config);
    const back = transferNetFromSafetensors(bytes, prior, { source: 'net.safetensors' });
    expect(back.config).toEqual(net.config);
    for (const [name, v] of Object.entries(net.namedWeights())) {
      expect(back.namedWeights()[name].dataSync()).toEqual(v.dataSync());
    }
    expect(back.inferenceCodebook().dataSync()).toEqual(net.inferenceCodebook().dataSync());
    expect(back.toSafetensors()).toEqual(bytes);
    net.dispose();
    back.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes a training run bit-exactly (seeded dropout + saved RNG state)', () => {
    const straight = createTransferNet(prior, options);
    const resumed = createTransferNet(prior, options);
    // Unseeded steps draw their dropout masks from the net's stream, saved in the file.
    for (let step = 0; step < 4; step++) sgdStep(straight);
    for (let step = 0; step < 2; step++) sgdStep(resumed);
    const restored = transferNetFromSafetensors(resumed.toSafetensors(), prior);
    resumed.dispose();
    for (let step = 2; step < 4; step++) sgdStep(restored);
    expect(restored.inferenceCodebook().dataSync()).toEqual(straight.inferenceCodebook().dataSync());
    expect(restored.rngState()).toEqual(straight.rngState());
    straight.dispose();
    restored.dispose();
  });

  it('refuses a different prior, tampered tensors and foreign files with clear errors', () => {
    const before = tf.memory().numTensors;
    const net = createTransferNet(prior, options);
    const bytes = net.toSafetensors();
    const other = randomPrior(12, 20, 6, 50, 99);
    expect(() => transferNetFromSafetensors(bytes, other, { source: 'n.st' })).toThrow(/n\.st: the net was trained on a different prior/);
    expect(() => transferNetFromSafetensors(bytes, randomPrior(12, 21, 6, 50))).toThrow(/kNoun 20, dim 6; this prior has kAdj 12, kNoun 21/);

    const { tensors, metadata } = decodeSafetensors(bytes);
    const reshaped = encodeSafetensors({ ...tensors, 'gcn.1.bias': { dtype: 'F32', shape: [4], data: new Float32Array(4) } }, metadata);
    expect(() => transferNetFromSafetensors(reshaped, prior)).toThrow(/tensor "gcn.1.bias" is F32 \[4\], expected F32 \[8\]/);
    const { ['gcn.0.bias']: _dropped, ...missing } = tensors;
    expect(() => transferNetFromSafetensors(encodeSafetensors(missing, metadata), prior)).toThrow(/tensor "gcn.0.bias" is missing/);
    const badConfig = encodeSafetensors(tensors, { ...metadata, config: JSON.stringify({ ...net.config, dropout: 2 }) });
    expect(() => transferNetFromSafetensors(badConfig, prior)).toThrow(/invalid transfer-net options:\n {2}dropout/);
    expect(() => transferNetFromSafetensors(encodeSafetensors(tensors, { format: 'vqct-prior' }), prior)).toThrow(/format is "vqct-prior"/);
    expect(() => transferNetFromSafetensors(bytes.subarray(0, bytes.length - 4), prior)).toThrow(/truncated/);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
