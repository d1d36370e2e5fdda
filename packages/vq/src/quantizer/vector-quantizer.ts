import * as tf from '@tensorflow/tfjs-core';
import type { VqModelConfig } from '../config/types';
import type { ParamStore } from '../model/param-store';
import { layoutFromConfig } from './layout-from-config';
import { channelsOf, lookupTwoHalves, quantizeTwoHalves, splitCodebook, tokensPerPositionOf, withoutAssignments, type TwoHalfLayout } from './two-half';
import type { QuantizeOptions, QuantizeResult, Quantizer } from './types';

/**
 * taming's VectorQuantizer (a codebook learned by gradient, init
 * U(-1/K, 1/K)) in the two-half layout: rows 0..kAdj-1 adjective codes, the
 * rest noun codes; kAdj = 0 gives taming's plain single-codebook VQ.
 * The variable `<prefix>.embedding` [K, e] lives in the model's ParamStore.
 *
 * @example
 * const q = new VectorQuantizer(resolveVqModelConfig({ preset: 'tiny', quantizer: 'vq' }), new ParamStore(1));
 */
export class VectorQuantizer implements Quantizer {
  readonly kind = 'vq' as const;
  readonly kAdj: number;
  readonly kNoun: number;
  readonly codeDim: number;
  readonly topK: number;
  readonly channels: number;
  readonly tokensPerPosition: number;
  /** [kAdj + kNoun, e] */
  readonly embedding: tf.Variable;
  private readonly layout: TwoHalfLayout;
  private readonly name: string;

  constructor(config: VqModelConfig, store: ParamStore, prefix = 'quantize') {
    this.layout = layoutFromConfig(config, config, true);
    this.kAdj = config.kAdj;
    this.kNoun = config.kNoun;
    this.codeDim = config.codeDim;
    this.topK = config.topK;
    this.channels = channelsOf(this.layout);
    this.tokensPerPosition = tokensPerPositionOf(this.layout);
    const k = config.kAdj + config.kNoun;
    this.name = `${prefix}.embedding`;
    this.embedding = store.create(this.name, [k, config.codeDim], { kind: 'uniform', bound: 1 / k });
  }

  quantize(z: tf.Tensor4D, options: QuantizeOptions): QuantizeResult {
    return tf.tidy(() => {
      const codes = splitCodebook(this.embedding as tf.Tensor2D, this.kAdj);
      return withoutAssignments(quantizeTwoHalves(z, codes, this.layout, options.training));
    });
  }

  lookup(tokens: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => lookupTwoHalves(tokens, splitCodebook(this.embedding as tf.Tensor2D, this.kAdj), this.layout));
  }

  trainableVariables(): tf.Variable[] {
    return [this.embedding];
  }

  namedWeights(): Record<string, tf.Variable> {
    return { [this.name]: this.embedding };
  }

  afterStep(): void {}

  /** The variable belongs to the ParamStore, which disposes it. */
  dispose(): void {}
}
