import * as tf from '@tensorflow/tfjs-core';
import type { KerasFeatureNet } from './keras-feature-net';

/**
 * An LPIPS-style perceptual distance on a frozen pretrained network: at each
 * tapped layer, activations are unit-normalized along channels, squared
 * differences are summed over channels and averaged over positions, then the
 * layers are averaged with equal weights. Unlike LPIPS (VGG16 + learned
 * per-channel weights), the network here is nsfwjs's ImageNet-pretrained,
 * NSFW-finetuned MobileNetV2, and there are no learned weights, so values are
 * not comparable to published LPIPS.
 *
 * @example
 * const p = new FeaturePerceptualDistance(net, MOBILENET_V2_TAPS);
 * const d = tf.tidy(() => p.distance(x, recon)); // scalar
 */
export class FeaturePerceptualDistance {
  /**
   * @param net frozen feature network (not owned; dispose it yourself)
   * @param taps layer names whose activations are compared
   * @param name what it is, for reports
   */
  constructor(readonly net: KerasFeatureNet, readonly taps: string[], readonly name = 'lpips-style/mobilenet_v2(nsfwjs)') {}

  /**
   * Per-image distances. New tensor, caller owns it.
   * @param x [b, h, w, c] in [-1, 1] (c = 1 is repeated to RGB)
   * @param y [b, h, w, c] in [-1, 1]
   * @returns [b]
   */
  perImage(x: tf.Tensor4D, y: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => {
      const b = x.shape[0];
      // nsfwjs feeds images in [0, 1].
      const prep = (t: tf.Tensor4D): tf.Tensor4D => {
        const rgb = t.shape[3] === 1 ? tf.tile(t, [1, 1, 1, 3]) : t;
        return tf.mul(tf.add(rgb, 1), 0.5);
      };
      const both = tf.concat([prep(x), prep(y)], 0);
      const feats = this.net.run(both, this.taps);
      const perLayer = this.taps.map((name) => {
        const f = feats[name];
        const norm = tf.sqrt(tf.add(tf.sum(tf.square(f), -1, true), 1e-10));
        const unit = tf.div(f, norm);
        const [fx, fy] = tf.split(unit, [b, b], 0);
        return tf.mean(tf.sum(tf.square(tf.sub(fx, fy)), -1), [1, 2]);
      });
      return tf.div(tf.addN(perLayer), perLayer.length) as tf.Tensor1D;
    });
  }

  /** Mean over the batch; a scalar the caller owns. */
  distance(x: tf.Tensor4D, y: tf.Tensor4D): tf.Scalar {
    return tf.tidy(() => tf.mean(this.perImage(x, y)));
  }
}

/** MobileNetV2 layers tapped by default: resolutions /2, /4, /8, /16 of the input. */
export const MOBILENET_V2_TAPS = ['Conv1_relu', 'block_2_add', 'block_5_add', 'block_12_add'];
