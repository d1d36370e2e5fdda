import * as tf from '@tensorflow/tfjs-core';
import { FormatError, InputError } from '@vqct/core';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { KerasLayerSpec } from '../losses/keras-feature-net';
import { KerasFeatureNet } from '../losses/keras-feature-net';
import { FeaturePerceptualDistance, MOBILENET_V2_TAPS } from '../losses/perceptual';
import type { FeatureExtractor } from '../metrics/evaluate';

/** The pretrained networks nsfwjs ships (ImageNet-pretrained, finetuned on its 5 NSFW classes). */
export type NsfwjsModel = 'mobilenet_v2' | 'inception_v3';

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { min?: number; scale?: number; dtype: string };
}

interface ModelJson {
  modelTopology: { model_config: { config: { layers: KerasLayerSpec[] } } };
  weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }>;
}

/**
 * Loads one of nsfwjs's Keras models without tfjs-layers: the model files are
 * CommonJS modules (`model.min.js` exports model.json; each shard exports its
 * bytes as base64); uint8-quantized weights are dequantized to float32
 * (min + scale * q).
 *
 * @example
 * const net = loadNsfwjsFeatureNet('mobilenet_v2'); // KerasFeatureNet; dispose() when done
 */
export function loadNsfwjsFeatureNet(model: NsfwjsModel): KerasFeatureNet {
  const require = createRequire(import.meta.url);
  let base: string;
  let json: ModelJson;
  try {
    // The package's "exports" hide dist/models; resolve its root and read the files by path.
    const root = join(dirname(require.resolve('nsfwjs')), '..', '..');
    base = join(root, 'dist', 'models', model);
    json = require(join(base, 'model.min.js')) as ModelJson;
  } catch (e) {
    throw new InputError(`nsfwjs is not installed (needed for the ${model} features): ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  const source = `${base}/model.min.js`;
  const weights = new Map<string, tf.Tensor>();
  for (const group of json.weightsManifest) {
    const parts = group.paths.map((p) => Buffer.from(require(join(base, `${p}.min.js`)) as string, 'base64'));
    const bytes = Buffer.concat(parts);
    let offset = 0;
    for (const w of group.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const q = w.quantization;
      const values = new Float32Array(n);
      if (q != null) {
        if (q.dtype !== 'uint8' || q.min == null || q.scale == null) throw new FormatError(`weight "${w.name}": quantization ${q.dtype} is not supported`, { file: source });
        for (let i = 0; i < n; i++) values[i] = q.min + q.scale * bytes[offset + i];
        offset += n;
      } else {
        if (w.dtype !== 'float32') throw new FormatError(`weight "${w.name}": dtype ${w.dtype} is not supported`, { file: source });
        values.set(new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * n)));
        offset += 4 * n;
      }
      if (offset > bytes.length) throw new FormatError(`weights end after ${bytes.length} bytes (truncated shard?) at "${w.name}"`, { file: source });
      weights.set(w.name, tf.tensor(values, w.shape));
    }
  }
  return new KerasFeatureNet(json.modelTopology.model_config.config.layers, weights, source);
}

/**
 * The LPIPS-style perceptual distance on nsfwjs's MobileNetV2 (see
 * FeaturePerceptualDistance). Dispose `.net` when done.
 *
 * @example
 * const p = loadMobileNetPerceptual();
 * const d = tf.tidy(() => p.distance(x, recon));
 */
export function loadMobileNetPerceptual(taps: string[] = MOBILENET_V2_TAPS): FeaturePerceptualDistance {
  return new FeaturePerceptualDistance(loadNsfwjsFeatureNet('mobilenet_v2'), taps);
}

/**
 * InceptionV3 (nsfwjs) global-average-pooled `mixed10` features (2048-d), for
 * the FID-like score. Images are resized to `size` (default 150; the classic
 * FID uses 299, and the net needs at least 75) — heavy on 2 CPU cores, hence
 * optional. Dispose `.net` when done.
 *
 * @example
 * const fx = loadInceptionPoolFeatures(); const f = tf.tidy(() => fx.features(x)); // [b, 2048]
 */
export function loadInceptionPoolFeatures(size = 150): FeatureExtractor & { net: KerasFeatureNet } {
  const net = loadNsfwjsFeatureNet('inception_v3');
  return {
    name: `inception_v3(nsfwjs)@${size}`,
    dim: 2048,
    net,
    features(x) {
      return tf.tidy(() => {
        const rgb = x.shape[3] === 1 ? tf.tile(x, [1, 1, 1, 3]) : x;
        const resized = tf.image.resizeBilinear(tf.mul(tf.add(rgb, 1), 0.5) as tf.Tensor4D, [size, size]);
        return tf.mean(net.run(resized, ['mixed10']).mixed10, [1, 2]) as tf.Tensor2D;
      });
    },
  };
}
