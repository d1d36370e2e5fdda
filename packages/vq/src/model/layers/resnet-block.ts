import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '../param-store';
import type { ForwardContext } from './context';
import { Conv2d } from './conv2d';
import { GroupNorm } from './group-norm';

/**
 * taming's ResnetBlock: norm1, swish, conv1 (3x3), norm2, swish, dropout,
 * conv2 (3x3), plus the input (through a 1x1 `nin_shortcut` when channels change).
 *
 * @example
 * const block = new ResnetBlock(store, 'encoder.down.1.block.0', 128, 256, 0);
 * const y = block.apply(x, forwardContext(false)); // [b, h, w, 128] -> [b, h, w, 256]
 */
export class ResnetBlock {
  private readonly norm1: GroupNorm;
  private readonly conv1: Conv2d;
  private readonly norm2: GroupNorm;
  private readonly conv2: Conv2d;
  private readonly shortcut: Conv2d | null;

  constructor(store: ParamStore, name: string, readonly inChannels: number, readonly outChannels: number, readonly dropout: number) {
    this.norm1 = new GroupNorm(store, `${name}.norm1`, inChannels);
    this.conv1 = new Conv2d(store, `${name}.conv1`, inChannels, outChannels, { kernelSize: 3 });
    this.norm2 = new GroupNorm(store, `${name}.norm2`, outChannels);
    this.conv2 = new Conv2d(store, `${name}.conv2`, outChannels, outChannels, { kernelSize: 3 });
    this.shortcut = inChannels !== outChannels ? new Conv2d(store, `${name}.nin_shortcut`, inChannels, outChannels, { kernelSize: 1 }) : null;
  }

  /** @param x [b, h, w, in] @returns [b, h, w, out] */
  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return tf.tidy(() => {
      let h = this.conv1.apply(this.norm1.applySwish(x));
      h = this.norm2.applySwish(h);
      if (ctx.training && this.dropout > 0) h = tf.dropout(h, this.dropout, undefined, ctx.nextSeed()) as tf.Tensor4D;
      h = this.conv2.apply(h);
      return tf.add(this.shortcut ? this.shortcut.apply(x) : x, h) as tf.Tensor4D;
    });
  }
}
