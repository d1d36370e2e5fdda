import * as tf from '@tensorflow/tfjs-core';
import type { VqModelConfig } from '../config/types';
import { AttnBlock } from './layers/attn-block';
import type { ForwardContext } from './layers/context';
import { Conv2d } from './layers/conv2d';
import { GroupNorm } from './layers/group-norm';
import { ResnetBlock } from './layers/resnet-block';
import { Upsample } from './layers/resample';
import type { ParamStore } from './param-store';

interface Level {
  blocks: ResnetBlock[];
  attns: AttnBlock[];
  upsample: Upsample | null;
}

/**
 * taming's VQGAN Decoder (METHOD.md §4): conv_in from zChannels, middle
 * res/attn/res, then from the coarsest level up numResBlocks+1 res blocks per
 * level (attention after each where the side is in attnResolutions), nearest
 * 2x upsample + conv between levels, GroupNorm, swish, conv_out; no output
 * activation. Parameters under `decoder.*` with taming's names (`up.{level}`
 * indexed by level, as in taming).
 *
 * @example
 * const dec = new Decoder(store, resolveVqModelConfig('tiny'));
 * const x = dec.apply(h, forwardContext(false)); // [b, 8, 8, 32] -> [b, 32, 32, 3]
 */
export class Decoder {
  private readonly convIn: Conv2d;
  private readonly mid: { block1: ResnetBlock; attn: AttnBlock | null; block2: ResnetBlock };
  /** Coarsest level first (the order they run in). */
  private readonly levels: Level[] = [];
  private readonly normOut: GroupNorm;
  private readonly convOut: Conv2d;
  /** The final conv's kernel [3, 3, blockIn, outChannels] (the adaptive GAN weight's "last layer"). */
  readonly lastLayerWeight: tf.Variable;

  constructor(store: ParamStore, config: VqModelConfig, prefix = 'decoder') {
    const { ch, chMult, numResBlocks, attnResolutions, dropout } = config;
    const n = chMult.length;
    let blockIn = ch * chMult[n - 1];
    let res = config.resolution / 2 ** (n - 1);
    this.convIn = new Conv2d(store, `${prefix}.conv_in`, config.zChannels, blockIn, { kernelSize: 3 });
    this.mid = {
      block1: new ResnetBlock(store, `${prefix}.mid.block_1`, blockIn, blockIn, dropout),
      attn: config.midAttention ? new AttnBlock(store, `${prefix}.mid.attn_1`, blockIn) : null,
      block2: new ResnetBlock(store, `${prefix}.mid.block_2`, blockIn, blockIn, dropout),
    };
    for (let i = n - 1; i >= 0; i--) {
      const level: Level = { blocks: [], attns: [], upsample: null };
      const blockOut = ch * chMult[i];
      for (let j = 0; j < numResBlocks + 1; j++) {
        level.blocks.push(new ResnetBlock(store, `${prefix}.up.${i}.block.${j}`, blockIn, blockOut, dropout));
        blockIn = blockOut;
        if (attnResolutions.includes(res)) level.attns.push(new AttnBlock(store, `${prefix}.up.${i}.attn.${j}`, blockIn));
      }
      if (i !== 0) {
        level.upsample = new Upsample(store, `${prefix}.up.${i}.upsample`, blockIn);
        res = res * 2;
      }
      this.levels.push(level);
    }
    this.normOut = new GroupNorm(store, `${prefix}.norm_out`, blockIn);
    this.convOut = new Conv2d(store, `${prefix}.conv_out`, blockIn, config.outChannels, { kernelSize: 3 });
    this.lastLayerWeight = this.convOut.kernel;
  }

  /** @param z [b, h, w, zChannels] @returns [b, h*f, w*f, outChannels] */
  apply(z: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return tf.tidy(() => this.convOut.apply(this.trunk(z, ctx)));
  }

  /**
   * Like `apply`, also returning the final conv's input (after norm_out and
   * swish), from which the adaptive GAN weight takes last-layer gradients.
   */
  applyKeepingLastInput(z: tf.Tensor4D, ctx: ForwardContext): { out: tf.Tensor4D; lastInput: tf.Tensor4D } {
    return tf.tidy(() => {
      const lastInput = this.trunk(z, ctx);
      return { out: this.convOut.apply(lastInput), lastInput };
    });
  }

  /** d/d(kernel) of sum(conv_out(input) * dy): the last layer's weight gradient for an upstream dy. */
  lastLayerWeightGrad(input: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
    return this.convOut.kernelGrad(input, dy);
  }

  /** Everything before conv_out: [b, h*f, w*f, blockIn]. */
  private trunk(z: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return tf.tidy(() => {
      let h = this.convIn.apply(z);
      h = this.mid.block1.apply(h, ctx);
      if (this.mid.attn) h = this.mid.attn.apply(h);
      h = this.mid.block2.apply(h, ctx);
      for (const level of this.levels) {
        level.blocks.forEach((block, j) => {
          h = block.apply(h, ctx);
          if (level.attns.length > 0) h = level.attns[j].apply(h);
        });
        if (level.upsample) h = level.upsample.apply(h);
      }
      return this.normOut.applySwish(h);
    });
  }
}
