import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { torchAvailability } from '@vqct/backend-torch';
import { Rng } from '@vqct/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParamStore } from '../model/param-store';
import { GroupNorm } from '../model/layers/group-norm';
import { NamedAdam } from '../train/adam';
import { FUSED_KERNELS, disableFusedKernels, hasFusedKernel } from './fused-kernels';

const randn = (seed: number, shape: number[], scale = 1) => {
  const rng = new Rng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);
};

function maxRel(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  let scale = 1;
  let err = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    err = Math.max(err, Math.abs(a[i] - b[i]));
  }
  return err / scale;
}

/** GroupNorm(+swish) value and gradients w.r.t. x, gamma, beta. */
function normGrads(swish: boolean): Float32Array[] {
  return tf.tidy(() => {
    const store = new ParamStore(1);
    const norm = new GroupNorm(store, 'n', 64);
    norm.gamma.assign(tf.add(randn(2, [64], 0.5), 1));
    norm.beta.assign(randn(3, [64], 0.5));
    const x = randn(4, [2, 5, 7, 64], 3);
    const r = randn(5, [2, 5, 7, 64]);
    const f = (xi: tf.Tensor) => tf.sum(tf.mul(swish ? norm.applySwish(xi as tf.Tensor4D) : norm.apply(xi as tf.Tensor4D), r)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(() => f(x), [norm.gamma, norm.beta]);
    const dx = tf.grad(f)(x);
    const out = [value, dx, grads[norm.gamma.name], grads[norm.beta.name]].map((t) => t.dataSync() as Float32Array);
    store.dispose();
    return out;
  });
}

function adamSteps(): Float32Array[] {
  return tf.tidy(() => {
    const w = tf.variable(randn(6, [3, 3, 4, 4]), true, 'w');
    const opt = new NamedAdam({ w }, { learningRate: 0.05, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 });
    for (let i = 0; i < 3; i++) opt.apply({ w: randn(10 + i, [3, 3, 4, 4]) });
    const out = [w, ...Object.values(opt.namedWeights())].map((t) => t.dataSync() as Float32Array);
    opt.dispose();
    w.dispose();
    return out;
  });
}

describe.runIf(torchAvailability().available)('fused kernels on torch match their composed reference', () => {
  beforeAll(async () => {
    await useNodeBackend({ backend: 'torch' });
  });
  afterAll(() => disableFusedKernels(false));

  it('the torch backend registers every fused kernel', () => {
    for (const name of Object.values(FUSED_KERNELS)) expect(hasFusedKernel(name), name).toBe(true);
  });

  it.each([false, true])('GroupNorm (swish: %s): value and gradients, no leaks', (swish) => {
    const before = tf.memory().numTensors;
    disableFusedKernels(false);
    const fused = normGrads(swish);
    disableFusedKernels(true);
    const composed = normGrads(swish);
    disableFusedKernels(false);
    for (let i = 0; i < fused.length; i++) expect(maxRel(fused[i], composed[i]), `output ${i}`).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Adam: three updates give the same weights and state', () => {
    disableFusedKernels(false);
    const fused = adamSteps();
    disableFusedKernels(true);
    const composed = adamSteps();
    disableFusedKernels(false);
    for (let i = 0; i < fused.length; i++) expect(maxRel(fused[i], composed[i]), `output ${i}`).toBeLessThan(1e-6);
  });
});
