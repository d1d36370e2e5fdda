import * as tf from '@tensorflow/tfjs-core';
import { check, ShapeError } from '@vqct/core';
import { downsampleFactor, resolveVqModelConfig } from '../config/resolve-config';
import type { VqModelConfig } from '../config/types';
import type { CodebookSource } from '../quantizer/codebook-source';
import { createQuantizer } from '../quantizer/create-quantizer';
import type { Quantizer } from '../quantizer/types';
import { Decoder } from './decoder';
import { Encoder } from './encoder';
import { forwardContext, type ForwardContext } from './layers/context';
import { Conv2d } from './layers/conv2d';
import { ParamStore } from './param-store';
import type { TensorSum } from '../train/data-parallel';

const INFERENCE: ForwardContext = forwardContext(false);

export interface VqModelForwardOptions {
  training: boolean;
  /** Seeds dropout (res blocks and the codebook source) for this step. */
  seed?: number;
  /** Also return the quantizer input as `latent` (for losses on the encodings). */
  latent?: boolean;
  /** Also return the decoder's last-layer input (for the one-pass adaptive GAN weight). */
  keepLastLayerInput?: boolean;
}

/** One forward pass; new tensors owned by the caller. */
export type VqModelForward = {
  /** [b, h, w, outChannels] */
  reconstruction: tf.Tensor4D;
  /** Scalar: adjective + noun quantizer loss. */
  quantLoss: tf.Scalar;
  parts: { adjective: tf.Scalar; noun: tf.Scalar };
  /** int32 [b, h/f, w/f, k+1] */
  tokens: tf.Tensor4D;
  /** The quantizer input [b, h/f, w/f, channels], when asked for (`latent: true`). */
  latent?: tf.Tensor4D;
  /** [b, h, w, ch] before conv_out; only with `keepLastLayerInput`. */
  lastLayerInput?: tf.Tensor4D;
};

export interface CreateVqModelOptions {
  /** The codebook for quantizer 'vqct' (e.g. a @vqct/transfer-net TransferNet). Not owned: not disposed by the model. */
  codebook?: CodebookSource;
  /** Seed of the deterministic parameter init (default 0). */
  seed?: number;
  /**
   * The shapes the parameters must have, by name (e.g. a checkpoint's `model.*`
   * tensors): each parameter is checked before it is allocated, so a config that
   * does not belong to the weights (a lying sidecar) fails with a CheckpointError
   * instead of allocating what it claims.
   */
  expectShapes?: { shapes: Record<string, readonly number[]>; file?: string };
}

/**
 * The VQCT image tokenizer (METHOD.md §3-4): encoder -> 1x1 quant_conv to
 * 2e -> quantizer -> 1x1 post_quant_conv -> decoder. Images NHWC in [-1, 1].
 * Create with `createVqModel`.
 */
export class VqModel {
  readonly config: VqModelConfig;
  readonly quantizer: Quantizer;
  private readonly store: ParamStore;
  private readonly encoder: Encoder;
  private readonly decoder: Decoder;
  private readonly quantConv: Conv2d;
  private readonly postQuantConv: Conv2d;

  constructor(config: VqModelConfig, options: CreateVqModelOptions = {}) {
    this.store = new ParamStore(options.seed ?? 0, options.expectShapes);
    try {
      const base = resolveVqModelConfig(config);
      this.quantizer = createQuantizer(base, this.store, options.codebook);
      this.config = { ...base, kAdj: this.quantizer.kAdj, kNoun: this.quantizer.kNoun };
      this.encoder = new Encoder(this.store, this.config);
      this.quantConv = new Conv2d(this.store, 'quant_conv', this.config.zChannels, this.quantizer.channels, { kernelSize: 1 });
      this.postQuantConv = new Conv2d(this.store, 'post_quant_conv', this.quantizer.channels, this.config.zChannels, { kernelSize: 1 });
      this.decoder = new Decoder(this.store, this.config);
    } catch (e) {
      this.store.dispose();
      throw e;
    }
  }

  /** Token grid [h', w'] for an image of h x w. */
  tokenGridShape(height: number, width: number): [number, number] {
    const f = downsampleFactor(this.config);
    return [height / f, width / f];
  }

  private checkImages(images: tf.Tensor): asserts images is tf.Tensor4D {
    const f = downsampleFactor(this.config);
    const c = this.config.inChannels;
    check(images.rank === 4, () => `images must be [b, h, w, ${c}] (NHWC), got rank ${images.rank} [${images.shape.join(', ')}]`);
    const [, h, w, ch] = images.shape;
    check(ch === c, () => `images must have ${c} channels (inChannels), got [${images.shape.join(', ')}]`);
    check(h % f === 0 && w % f === 0 && h > 0 && w > 0, () => `image sides must be positive multiples of the downsampling factor ${f}, got ${h}x${w}`);
    check(images.dtype === 'float32', () => `images must be float32 in [-1, 1], got ${images.dtype}`, ShapeError);
  }

  private quantInput(images: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return this.quantConv.apply(this.encoder.apply(images, ctx));
  }

  private decode(quantized: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return this.decoder.apply(this.postQuantConv.apply(quantized), ctx);
  }

  /**
   * Encoder -> quantizer -> decoder. Returns new tensors (the caller owns
   * them; normally inside tf.tidy or tf.variableGrads).
   * @param images [b, h, w, inChannels] in [-1, 1]
   * @example
   * const { value, grads } = tf.variableGrads(() => {
   *   const out = model.forward(x, { training: true, seed: step });
   *   return tf.add(tf.mean(tf.abs(tf.sub(x, out.reconstruction))), out.quantLoss);
   * }, model.trainableVariables());
   */
  forward(images: tf.Tensor4D, options: VqModelForwardOptions): VqModelForward {
    this.checkImages(images);
    return tf.tidy(() => {
      const ctx = forwardContext(options.training, options.seed);
      const z = this.quantInput(images, ctx);
      const q = this.quantizer.quantize(z, options);
      const out: Omit<VqModelForward, 'reconstruction'> = { quantLoss: q.loss, parts: q.parts, tokens: q.tokens };
      if (options.latent === true) out.latent = z;
      if (options.keepLastLayerInput !== true) return { ...out, reconstruction: this.decode(q.quantized, ctx) };
      const d = this.decoder.applyKeepingLastInput(this.postQuantConv.apply(q.quantized), ctx);
      return { ...out, reconstruction: d.out, lastLayerInput: d.lastInput };
    });
  }

  /**
   * Images -> tokens: k adjective indices (0..kAdj-1) then 1 noun index (0..kNoun-1) per position.
   * @param images [b, h, w, inChannels] @returns int32 [b, h/f, w/f, k+1]
   * @example const tokens = model.encode(images); // [1, 8, 8, 3] for tiny
   */
  encode(images: tf.Tensor4D): tf.Tensor4D {
    this.checkImages(images);
    return tf.tidy(() => this.quantizer.quantize(this.quantInput(images, INFERENCE), { training: false }).tokens);
  }

  /**
   * Tokens -> images; `decodeTokens(encode(x))` equals `reconstruct(x)` exactly.
   * @param tokens int32 [b, h', w', k+1] @returns [b, h'*f, w'*f, outChannels]
   * @example const images = model.decodeTokens(model.encode(x));
   */
  decodeTokens(tokens: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.decode(this.quantizer.lookup(tokens), INFERENCE));
  }

  /**
   * Inference reconstruction.
   * @param images [b, h, w, inChannels] @returns [b, h, w, outChannels]
   * @example const y = model.reconstruct(x);
   */
  reconstruct(images: tf.Tensor4D): tf.Tensor4D {
    this.checkImages(images);
    return tf.tidy(() => this.decode(this.quantizer.quantize(this.quantInput(images, INFERENCE), { training: false }).quantized, INFERENCE));
  }

  /** Encoder, decoder, quant convs, a learned codebook if any, plus the codebook source's variables. */
  trainableVariables(): tf.Variable[] {
    return [...this.store.trainable(), ...(this.config.quantizer === 'vqct' ? this.quantizer.trainableVariables() : [])];
  }

  /** The decoder's final conv kernel [3, 3, ch, outChannels] (for the adaptive GAN weight). */
  lastLayerWeight(): tf.Variable {
    return this.decoder.lastLayerWeight;
  }

  /** The last layer's kernel gradient of sum(conv_out(input) * dy); caller owns it. */
  lastLayerWeightGrad(input: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor {
    return this.decoder.lastLayerWeightGrad(input, dy);
  }

  /** Every variable the model owns (EMA buffers too), by stable name, e.g. `encoder.down.0.block.0.conv1.kernel`. Not the codebook source's. */
  namedWeights(): Record<string, tf.Variable> {
    return this.store.named();
  }

  /** Number of values in the model's own variables (trainable or not). */
  parameterCount(): number {
    return Object.values(this.store.named()).reduce((n, v) => n + v.size, 0);
  }

  /**
   * Call after each optimizer step: EMA codebook updates, and the codebook source's
   * cache is invalidated. `sum` (data-parallel) totals the EMA statistics over workers.
   */
  afterStep(sum?: TensorSum): void {
    this.quantizer.afterStep(sum);
  }

  /** Frees the model's variables (not the codebook source, which its creator disposes). */
  dispose(): void {
    this.quantizer.dispose();
    this.store.dispose();
  }
}

/**
 * Builds a VqModel with seeded deterministic init.
 *
 * @example
 * const model = createVqModel(resolveVqModelConfig('tiny'), { codebook: transferNet, seed: 1 });
 * const recon = tf.tidy(() => model.reconstruct(images)); // images [b, 32, 32, 3] in [-1, 1]
 * model.dispose();
 */
export function createVqModel(config: VqModelConfig, options: CreateVqModelOptions = {}): VqModel {
  return new VqModel(config, options);
}
