import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '../param-store';
import { Conv2d } from './conv2d';

/**
 * taming's Downsample (with_conv): pad one row/column at the right and
 * bottom only, then a 3x3 stride-2 conv (`<name>.conv`). Halves h and w.
 * @example const y = new Downsample(store, 'encoder.down.0.downsample', 128).apply(x); // [b, 32, 32, 128] -> [b, 16, 16, 128]
 */
export class Downsample {
  private readonly conv: Conv2d;

  constructor(store: ParamStore, name: string, channels: number) {
    this.conv = new Conv2d(store, `${name}.conv`, channels, channels, { kernelSize: 3, stride: 2, pad: 'valid' });
  }

  /** @param x [b, h, w, c] @returns [b, h/2, w/2, c] */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.conv.apply(tf.pad(x, [[0, 0], [0, 1], [0, 1], [0, 0]])));
  }
}

const nearest2x = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor4D;
  const [b, h, w, c] = x.shape;
  return {
    value: tf.reshape(tf.broadcastTo(tf.reshape(x, [b, h, 1, w, 1, c]), [b, h, 2, w, 2, c]), [b, 2 * h, 2 * w, c]),
    gradFunc: (dy: tf.Tensor) => tf.sum(tf.reshape(dy, [b, h, 2, w, 2, c]), [2, 4]),
  };
});

/**
 * Nearest-neighbour 2x upsampling (out[i] = in[floor(i/2)], PyTorch's
 * `interpolate(scale_factor=2, mode="nearest")`). Its gradient sums each 2x2
 * block, on every backend (tfjs-cpu's ResizeNearestNeighborGrad is wrong for
 * batch > 1; Tile's gradient does not handle rank 6).
 * @param x [b, h, w, c] @returns [b, 2h, 2w, c]
 */
export function upsampleNearest2x(x: tf.Tensor4D): tf.Tensor4D {
  return nearest2x(x) as tf.Tensor4D;
}

/**
 * taming's Upsample (with_conv): nearest 2x, then a 3x3 conv (`<name>.conv`).
 * @example const y = new Upsample(store, 'decoder.up.1.upsample', 128).apply(x); // [b, 8, 8, 128] -> [b, 16, 16, 128]
 */
export class Upsample {
  private readonly conv: Conv2d;

  constructor(store: ParamStore, name: string, channels: number) {
    this.conv = new Conv2d(store, `${name}.conv`, channels, channels, { kernelSize: 3 });
  }

  /** @param x [b, h, w, c] @returns [b, 2h, 2w, c] */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.conv.apply(upsampleNearest2x(x)));
  }
}
