import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, hasFusedKernel } from '../fused/fused-kernels';

export interface NamedAdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Multipliers of the learning rate, by variable name (absent: 1), e.g. a codebook source that should move slower. */
  learningRateScale?: Record<string, number>;
}

/**
 * Adam whose every piece of state is a named variable (`m.<name>`, `v.<name>`,
 * `t`), so a checkpoint holds it and a resumed run continues bit-exactly.
 * PyTorch's update: m and v with bias correction, eps added after the sqrt.
 * All math runs inside tf.tidy; state is updated with `assign`. Owns its slot
 * variables (not the trained ones): call `dispose()`.
 *
 * @example
 * const opt = new NamedAdam({ 'model.w': w }, { learningRate: 1e-3, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 });
 * opt.apply({ 'model.w': grad });
 */
export class NamedAdam {
  private readonly m: Record<string, tf.Variable> = {};
  private readonly v: Record<string, tf.Variable> = {};
  private readonly t: tf.Variable;

  constructor(readonly variables: Record<string, tf.Variable>, readonly options: NamedAdamOptions) {
    for (const [name, variable] of Object.entries(variables)) {
      // tidy frees the initial values; variables survive it.
      this.m[name] = tf.tidy(() => tf.variable(tf.zerosLike(variable), false));
      this.v[name] = tf.tidy(() => tf.variable(tf.zerosLike(variable), false));
    }
    this.t = tf.tidy(() => tf.variable(tf.scalar(0), false));
  }

  /**
   * Applies one update; `grads` are keyed like `variables` (missing = no gradient).
   * `learningRate` overrides the options' for this update (a schedule).
   */
  apply(grads: Record<string, tf.Tensor | undefined>, learningRate = this.options.learningRate): void {
    const { beta1, beta2, epsilon, learningRateScale } = this.options;
    tf.tidy(() => {
      this.t.assign(tf.add(this.t, 1));
      const t = this.t;
      const c1 = tf.sub(1, tf.pow(tf.scalar(beta1), t));
      const c2 = tf.sub(1, tf.pow(tf.scalar(beta2), t));
      const fused = hasFusedKernel(FUSED_KERNELS.adam);
      for (const [name, variable] of Object.entries(this.variables)) {
        const g = grads[name];
        if (g == null) continue;
        const rate = learningRate * (learningRateScale?.[name] ?? 1);
        if (fused) {
          const attrs = { beta1, beta2, epsilon, learningRate: rate };
          const [p, m, v] = tf.engine().runKernel(FUSED_KERNELS.adam, { param: variable, m: this.m[name], v: this.v[name], grad: g, c1, c2 }, attrs as never) as tf.Tensor[];
          this.m[name].assign(m);
          this.v[name].assign(v);
          variable.assign(p);
          continue;
        }
        const m = tf.add(tf.mul(this.m[name], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[name], beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[name].assign(m);
        this.v[name].assign(v);
        const step = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon));
        variable.assign(tf.sub(variable, tf.mul(step, rate)));
      }
    });
  }

  /** Number of updates applied so far. */
  steps(): number {
    return this.t.dataSync()[0];
  }

  /** The optimizer state under stable names, for checkpoints. */
  namedWeights(): Record<string, tf.Variable> {
    const out: Record<string, tf.Variable> = { t: this.t };
    for (const name of Object.keys(this.m)) {
      out[`m.${name}`] = this.m[name];
      out[`v.${name}`] = this.v[name];
    }
    return out;
  }

  dispose(): void {
    for (const x of Object.values(this.namedWeights())) x.dispose();
  }
}
