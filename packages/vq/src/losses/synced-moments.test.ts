import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { syncedMoments } from './synced-moments';

// A stand-in for 2 workers that hold the same data: the sum over ranks doubles.
const twoAlike = (m: tf.NamedTensorMap): tf.NamedTensorMap => Object.fromEntries(Object.entries(m).map(([k, t]) => [k, tf.mul(t, 2)]));

describe('syncedMoments (SyncBatchNorm statistics)', () => {
  it('gives the moments of the joint batch, and the gradient a rank needs so the averaged gradient is the joint one', () => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([2, 3, 3, 4], 0.5, 2, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([4], 0, 1, 'float32', 2);
    tf.tidy(() => {
      const joint = tf.concat([x, x], 0) as tf.Tensor4D;
      const want = tf.moments(joint, [0, 1, 2]);
      const got = syncedMoments(x, twoAlike);
      expect(got.count).toBe(2 * 2 * 3 * 3);
      expect(tf.max(tf.abs(tf.sub(got.mean, want.mean))).dataSync()[0]).toBeLessThan(1e-5);
      expect(tf.max(tf.abs(tf.sub(got.variance, want.variance))).dataSync()[0]).toBeLessThan(1e-4);
      // loss = mean(w * batchNorm(x)): one worker on [x; x] against a rank on x whose twin does the same.
      const bn = (h: tf.Tensor4D, m: { mean: tf.Tensor; variance: tf.Tensor }) => tf.mean(tf.mul(tf.div(tf.sub(h, m.mean), tf.sqrt(tf.add(m.variance, 1e-5))), w));
      const gJoint = tf.grad((h: tf.Tensor) => bn(h as tf.Tensor4D, tf.moments(h, [0, 1, 2])))(joint);
      const gRank = tf.grad((h: tf.Tensor) => bn(h as tf.Tensor4D, syncedMoments(h as tf.Tensor4D, twoAlike)))(x);
      // d(mean over ranks of L_r)/dx_0 = 1/2 (dL_0 + dL_1)/dx_0; rank 0 computes (dL_0 + dL_1)/dx_0.
      const half = tf.slice(gJoint, [0, 0, 0, 0], [2, 3, 3, 4]);
      expect(tf.max(tf.abs(tf.sub(gRank, tf.mul(half, 2)))).dataSync()[0]).toBeLessThan(1e-5);
    });
    tf.dispose([x, w]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
