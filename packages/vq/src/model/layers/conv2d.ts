import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '../param-store';

export interface Conv2dOptions {
  kernelSize: number;
  stride?: number;
  /** 'same' (3x3 stride 1, i.e. PyTorch padding 1) or 'valid'. */
  pad?: 'same' | 'valid';
}

/**
 * A 2-D convolution with bias: kernel [kh, kw, in, out] (`<name>.kernel`) and
 * bias [out] (`<name>.bias`), both U(-1/sqrt(fan_in), 1/sqrt(fan_in)) as
 * PyTorch's default init.
 *
 * @example
 * const conv = new Conv2d(store, 'encoder.conv_in', 3, 128, { kernelSize: 3 });
 * const y = conv.apply(x); // x [b, h, w, 3] -> [b, h, w, 128]
 */
export class Conv2d {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  private readonly stride: number;
  private readonly pad: 'same' | 'valid';

  constructor(store: ParamStore, name: string, readonly inChannels: number, readonly outChannels: number, options: Conv2dOptions) {
    const k = options.kernelSize;
    const bound = 1 / Math.sqrt(inChannels * k * k);
    this.kernel = store.create(`${name}.kernel`, [k, k, inChannels, outChannels], { kind: 'uniform', bound });
    this.bias = store.create(`${name}.bias`, [outChannels], { kind: 'uniform', bound });
    this.stride = options.stride ?? 1;
    this.pad = options.pad ?? (k === 1 ? 'valid' : 'same');
  }

  /** @param x [b, h, w, in] @returns [b, h', w', out] */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.fused.conv2d({
      x,
      filter: this.kernel as tf.Tensor4D,
      strides: this.stride,
      pad: this.pad,
      bias: this.bias,
    });
  }

  /**
   * The kernel's gradient of sum(apply(x) * dy) (a Conv2DBackpropFilter; the bias
   * and x get none). Caller owns the tensor.
   * @param x [b, h, w, in] @param dy [b, h', w', out] @returns [k, k, in, out]
   */
  kernelGrad(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => tf.grad((k) => tf.sum(tf.mul(tf.conv2d(x, k as tf.Tensor4D, this.stride, this.pad), dy)))(this.kernel) as tf.Tensor4D);
  }
}
