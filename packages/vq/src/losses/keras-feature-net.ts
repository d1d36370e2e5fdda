import * as tf from '@tensorflow/tfjs-core';
import { FormatError, check } from '@vqct/core';

/** One layer of a Keras `model_config` (the parts this runner reads). */
export interface KerasLayerSpec {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: Array<Array<[string, number, number, unknown]>>;
}

/**
 * Runs the convolutional trunk of a Keras functional model (as nsfwjs ships
 * MobileNetV2 and InceptionV3) with tfjs-core ops only, so no tfjs-layers or
 * converter is needed. Supports the layer kinds those two nets use up to their
 * pooled features; the classifier head (Flatten/Dense/Dropout) is never run.
 * Frozen: weights are plain tensors, gradients flow to the input only.
 * Owns its weight tensors: call `dispose()`.
 *
 * @example
 * const net = new KerasFeatureNet(layers, weights, 'nsfwjs mobilenet_v2');
 * const feats = tf.tidy(() => net.run(x01, ['block_2_add'])); // { block_2_add: [b, h, w, 24] }
 */
export class KerasFeatureNet {
  private readonly byName = new Map<string, KerasLayerSpec>();
  private readonly weights: Map<string, tf.Tensor>;

  /**
   * @param layers the `modelTopology.model_config.config.layers` array
   * @param weights weight tensors by Keras name (`Conv1/kernel`), already dequantized; taken over
   * @param source names the model in errors
   */
  constructor(layers: KerasLayerSpec[], weights: Map<string, tf.Tensor>, readonly source: string) {
    for (const l of layers) this.byName.set(l.name, l);
    this.weights = weights;
  }

  has(layer: string): boolean {
    return this.byName.has(layer);
  }

  /**
   * Activations at the named layers. Returns new tensors; the caller owns them.
   * @param x [b, h, w, c] in the range the network was trained on
   */
  run(x: tf.Tensor4D, outputs: string[]): Record<string, tf.Tensor4D> {
    for (const o of outputs) {
      if (!this.byName.has(o)) throw new FormatError(`no layer "${o}" in the model`, { file: this.source });
    }
    const cache = new Map<string, tf.Tensor4D>();
    const evalLayer = (name: string): tf.Tensor4D => {
      const hit = cache.get(name);
      if (hit != null) return hit;
      const spec = this.byName.get(name);
      if (spec == null) throw new FormatError(`layer "${name}" is referenced but not defined`, { file: this.source });
      const inputs = (spec.inbound_nodes[0] ?? []).map((n) => evalLayer(n[0]));
      const out = spec.class_name === 'InputLayer' ? x : this.apply(spec, inputs);
      cache.set(name, out);
      return out;
    };
    const result: Record<string, tf.Tensor4D> = {};
    for (const o of outputs) result[o] = evalLayer(o);
    return result;
  }

  private w(name: string): tf.Tensor {
    const t = this.weights.get(name);
    if (t == null) throw new FormatError(`weight "${name}" is missing`, { file: this.source });
    return t;
  }

  private apply(spec: KerasLayerSpec, inputs: tf.Tensor4D[]): tf.Tensor4D {
    const c = spec.config;
    const n = spec.name;
    const x = inputs[0];
    switch (spec.class_name) {
      case 'ZeroPadding2D': {
        const p = c.padding as [[number, number], [number, number]];
        return tf.pad(x, [[0, 0], p[0], p[1], [0, 0]]) as tf.Tensor4D;
      }
      case 'Conv2D': {
        const s = c.strides as [number, number];
        let y = tf.conv2d(x, this.w(`${n}/kernel`) as tf.Tensor4D, s, c.padding as 'same' | 'valid');
        if (c.use_bias === true) y = tf.add(y, this.w(`${n}/bias`));
        return activation(y, c.activation as string, this.source);
      }
      case 'DepthwiseConv2D': {
        const s = c.strides as [number, number];
        let y = tf.depthwiseConv2d(x, this.w(`${n}/depthwise_kernel`) as tf.Tensor4D, s, c.padding as 'same' | 'valid');
        if (c.use_bias === true) y = tf.add(y, this.w(`${n}/bias`));
        return activation(y, c.activation as string, this.source);
      }
      case 'BatchNormalization': {
        const scale = c.scale === false ? undefined : this.w(`${n}/gamma`);
        const offset = c.center === false ? undefined : this.w(`${n}/beta`);
        return tf.batchNorm(x, this.w(`${n}/moving_mean`), this.w(`${n}/moving_variance`), offset, scale, c.epsilon as number) as tf.Tensor4D;
      }
      case 'ReLU': {
        const max = c.max_value as number | null;
        return max === 6 ? tf.relu6(x) : max == null ? tf.relu(x) : tf.clipByValue(x, 0, max);
      }
      case 'Activation':
        return activation(x, c.activation as string, this.source);
      case 'Add':
        return inputs.slice(1).reduce((a, b) => tf.add(a, b), x);
      case 'Concatenate':
        return tf.concat(inputs, c.axis as number);
      case 'MaxPooling2D':
        return tf.maxPool(x, c.pool_size as [number, number], c.strides as [number, number], c.padding as 'same' | 'valid');
      case 'AveragePooling2D':
        return tf.avgPool(x, c.pool_size as [number, number], c.strides as [number, number], c.padding as 'same' | 'valid');
      default:
        throw new FormatError(`layer "${n}" of kind ${spec.class_name} is not supported by the feature runner`, { file: this.source });
    }
  }

  dispose(): void {
    for (const t of this.weights.values()) t.dispose();
    this.weights.clear();
  }
}

function activation(y: tf.Tensor4D, kind: string, source: string): tf.Tensor4D {
  switch (kind) {
    case 'linear': return y;
    case 'relu': return tf.relu(y);
    case 'relu6': return tf.relu6(y);
    default:
      check(false, () => `activation "${kind}" is not supported`, FormatError, { file: source });
      return y;
  }
}
