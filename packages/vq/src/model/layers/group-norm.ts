import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, hasFusedKernel } from '../../fused/fused-kernels';
import { fusedGroupNorm } from '../../fused/fused-group-norm';
import type { ParamStore } from '../param-store';

/**
 * GroupNorm as taming's `Normalize`: 32 groups, eps 1e-6, affine
 * (`<name>.gamma` ones, `<name>.beta` zeros).
 *
 * @example
 * const norm = new GroupNorm(store, 'encoder.norm_out', 256);
 * const y = norm.apply(x); // [b, h, w, 256]
 */
export class GroupNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;

  constructor(store: ParamStore, name: string, readonly channels: number, readonly groups = 32, readonly epsilon = 1e-6) {
    this.gamma = store.create(`${name}.gamma`, [channels], { kind: 'constant', value: 1 });
    this.beta = store.create(`${name}.beta`, [channels], { kind: 'constant', value: 0 });
  }

  /**
   * Two-pass statistics as `tf.moments` over each group, but every op on the
   * full tensor is [b, h, w, c] against a per-(b, c) [b, 1, 1, c] operand:
   * broadcasting against the grouped [b, h·w, groups, c/groups] layout is ~20x
   * slower on wasm (inner runs of c/groups = 2 floats). A group's mean is the
   * mean of its channels' means (equal counts), so the result is the same up
   * to float rounding.
   * @param x [b, h, w, c]
   */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return this.normalize(x, false);
  }

  /** swish(GroupNorm(x)), fused where the backend has `VqctGroupNorm`. @param x [b, h, w, c] */
  applySwish(x: tf.Tensor4D): tf.Tensor4D {
    return this.normalize(x, true);
  }

  /** The backend's fused kernel where it has one (and its gradient), else the composed reference. */
  private normalize(x: tf.Tensor4D, withSwish: boolean): tf.Tensor4D {
    if (hasFusedKernel(FUSED_KERNELS.groupNorm) && hasFusedKernel(FUSED_KERNELS.groupNormGrad)) {
      return tf.tidy(() => fusedGroupNorm(x, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D, { groups: this.groups, epsilon: this.epsilon, swish: withSwish }));
    }
    return withSwish ? tf.tidy(() => swish(this.composed(x))) : this.composed(x);
  }

  /** The reference: tfjs ops only. @param x [b, h, w, c] */
  private composed(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const [b, , , c] = x.shape;
      const perGroup = (t: tf.Tensor): tf.Tensor => {
        // [b, 1, 1, c] channel means -> group means broadcast back to [b, 1, 1, c]
        const g = tf.mean(tf.reshape(t, [b, this.groups, c / this.groups]), 2, true);
        return tf.reshape(tf.broadcastTo(g, [b, this.groups, c / this.groups]), [b, 1, 1, c]);
      };
      const mean = perGroup(tf.mean(x, [1, 2], true));
      const centered = tf.sub(x, mean);
      const variance = perGroup(tf.mean(tf.square(centered), [1, 2], true));
      const scale = tf.mul(tf.rsqrt(tf.add(variance, tf.scalar(this.epsilon))), this.gamma);
      return tf.add(tf.mul(centered, scale), this.beta) as tf.Tensor4D;
    });
  }
}

/** swish / SiLU: x * sigmoid(x). */
export function swish<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
}
