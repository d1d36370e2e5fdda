import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@vqct/core';
import { Conv2d, NamedAdam, ParamStore } from '@vqct/vq';

/**
 * A small CNN over [b, s, s, c] images in [-1, 1] -> 10 logits: two strided
 * 3x3 convs (16, 32 channels, ReLU), then a dense layer. It judges generated
 * images, so it is trained on real ones only.
 */
export class SmallClassifier {
  private readonly store: ParamStore;
  private readonly c1: Conv2d;
  private readonly c2: Conv2d;
  private readonly dense: tf.Variable;
  private readonly bias: tf.Variable;

  constructor(readonly size: number, readonly channels: number, seed = 0) {
    this.store = new ParamStore(seed);
    this.c1 = new Conv2d(this.store, 'c1', channels, 16, { kernelSize: 3, stride: 2 });
    this.c2 = new Conv2d(this.store, 'c2', 16, 32, { kernelSize: 3, stride: 2 });
    const flat = Math.ceil(size / 4) ** 2 * 32;
    this.dense = this.store.create('dense.kernel', [flat, 10], { kind: 'uniform', bound: 1 / Math.sqrt(flat) });
    this.bias = this.store.create('dense.bias', [10], { kind: 'constant', value: 0 });
  }

  /** @param x [b, s, s, c] @returns [b, 10] */
  logits(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const h = tf.relu(this.c2.apply(tf.relu(this.c1.apply(x))));
      return tf.add(tf.matMul(tf.reshape(h, [x.shape[0], -1]), this.dense), this.bias) as tf.Tensor2D;
    });
  }

  /** Predicted class per image (batched, read back asynchronously). */
  async predict(pixels: Float32Array, count: number, batch = 100): Promise<Int32Array> {
    const per = this.size * this.size * this.channels;
    const out = new Int32Array(count);
    for (let s = 0; s < count; s += batch) {
      const n = Math.min(batch, count - s);
      const arg = tf.tidy(() => tf.argMax(this.logits(tf.tensor4d(pixels.subarray(s * per, (s + n) * per), [n, this.size, this.size, this.channels])), 1));
      out.set(await arg.data(), s);
      arg.dispose();
    }
    return out;
  }

  /** Cross-entropy + Adam over (pixels, labels), seeded minibatches. */
  async train(pixels: Float32Array, labels: Int32Array, o: { steps: number; batchSize: number; learningRate: number; seed: number }): Promise<number> {
    const per = this.size * this.size * this.channels;
    const named = this.store.named();
    const opt = new NamedAdam(named, { learningRate: o.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    const byTfName = new Map(Object.entries(named).map(([n, v]) => [v.name, n]));
    const rng = new Rng(o.seed);
    let last = NaN;
    try {
      for (let step = 0; step < o.steps; step++) {
        const xb = new Float32Array(o.batchSize * per);
        const yb = new Int32Array(o.batchSize);
        for (let i = 0; i < o.batchSize; i++) {
          const j = rng.int(labels.length);
          xb.set(pixels.subarray(j * per, (j + 1) * per), i * per);
          yb[i] = labels[j];
        }
        const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
          const logits = this.logits(tf.tensor4d(xb, [o.batchSize, this.size, this.size, this.channels]));
          return tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, tf.oneHot(tf.tensor1d(yb, 'int32'), 10)), 1))) as tf.Scalar;
        }), this.store.trainable());
        opt.apply(Object.fromEntries(Object.entries(grads).map(([k, g]) => [byTfName.get(k) ?? k, g])));
        if (step === o.steps - 1) last = (await value.data())[0];
        tf.dispose([value, grads]);
        if (step % 20 === 0) await new Promise((r) => setTimeout(r, 0));
      }
    } finally {
      opt.dispose();
    }
    return last;
  }

  dispose(): void {
    this.store.dispose();
  }
}
