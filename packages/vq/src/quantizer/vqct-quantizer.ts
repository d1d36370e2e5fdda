import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@vqct/core';
import type { VqModelConfig } from '../config/types';
import type { CodebookSource } from './codebook-source';
import { layoutFromConfig } from './layout-from-config';
import { channelsOf, lookupTwoHalves, quantizeTwoHalves, splitCodebook, tokensPerPositionOf, withoutAssignments, type TwoHalfLayout } from './two-half';
import type { QuantizeOptions, QuantizeResult, Quantizer } from './types';

/**
 * VQCT's dual quantizer (METHOD.md §3): the codebook comes from a
 * CodebookSource (the transfer network), recomputed every training step and
 * cached for inference. Owns no variables: the source's are trained through
 * the codebook, and the source is disposed by whoever created it.
 *
 * @example
 * const q = new VqctQuantizer(resolveVqModelConfig('tiny'), source);
 * const { quantized, tokens } = tf.tidy(() => q.quantize(z, { training: false })); // z [b, h, w, 2e]
 */
export class VqctQuantizer implements Quantizer {
  readonly kind = 'vqct' as const;
  readonly kAdj: number;
  readonly kNoun: number;
  readonly codeDim: number;
  readonly topK: number;
  readonly channels: number;
  readonly tokensPerPosition: number;
  private readonly layout: TwoHalfLayout;

  constructor(config: VqModelConfig, readonly source: CodebookSource) {
    if (source.codeDim !== config.codeDim) {
      throw new ConfigError(`codeDim: the config says ${config.codeDim} but the codebook source gives codes of ${source.codeDim}; expected them equal`);
    }
    if (source.kAdj < 1) throw new ConfigError(`the codebook source has ${source.kAdj} adjective codes; VQCT needs at least topK = ${config.topK}`);
    this.layout = layoutFromConfig(config, { kAdj: source.kAdj, kNoun: source.kNoun }, true);
    this.kAdj = source.kAdj;
    this.kNoun = source.kNoun;
    this.codeDim = config.codeDim;
    this.topK = config.topK;
    this.channels = channelsOf(this.layout);
    this.tokensPerPosition = tokensPerPositionOf(this.layout);
  }

  private codebook(options: QuantizeOptions): tf.Tensor2D {
    const c = options.training ? this.source.trainingCodebook({ seed: options.seed }) : this.source.inferenceCodebook();
    const [k, e] = c.shape;
    if (k !== this.kAdj + this.kNoun || e !== this.codeDim) {
      throw new ConfigError(`the codebook source returned [${k}, ${e}], expected [${this.kAdj + this.kNoun}, ${this.codeDim}] (kAdj + kNoun, codeDim)`);
    }
    return c;
  }

  quantize(z: tf.Tensor4D, options: QuantizeOptions): QuantizeResult {
    return tf.tidy(() => {
      const codes = splitCodebook(this.codebook(options), this.kAdj);
      return withoutAssignments(quantizeTwoHalves(z, codes, this.layout, options.training));
    });
  }

  lookup(tokens: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => lookupTwoHalves(tokens, splitCodebook(this.codebook({ training: false }), this.kAdj), this.layout));
  }

  trainableVariables(): tf.Variable[] {
    return this.source.trainableVariables();
  }

  namedWeights(): Record<string, tf.Variable> {
    return {};
  }

  afterStep(): void {
    this.source.invalidate();
  }

  dispose(): void {}
}
