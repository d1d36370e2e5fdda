import * as tf from '@tensorflow/tfjs-core';
import type { VqModelConfig } from '../config/types';
import { AttnBlock } from './layers/attn-block';
import type { ForwardContext } from './layers/context';
import { Conv2d } from './layers/conv2d';
import { GroupNorm } from './layers/group-norm';
import { ResnetBlock } from './layers/resnet-block';
import { Downsample } from './layers/resample';
import type { ParamStore } from './param-store';

interface Level {
  blocks: ResnetBlock[];
  attns: AttnBlock[];
  downsample: Downsample | null;
}

/**
 * taming's VQGAN Encoder (METHOD.md §4): conv_in, per level numResBlocks res
 * blocks (each followed by attention when the level's side is in
 * attnResolutions) and a stride-2 downsample between levels, middle
 * res/attn/res, GroupNorm, swish, conv_out to zChannels. Parameters under
 * `encoder.*` with taming's names.
 *
 * @example
 * const enc = new Encoder(store, resolveVqModelConfig('tiny'));
 * const h = enc.apply(images, forwardContext(false)); // [b, 32, 32, 3] -> [b, 8, 8, 32]
 */
export class Encoder {
  private readonly convIn: Conv2d;
  private readonly levels: Level[] = [];
  private readonly mid: { block1: ResnetBlock; attn: AttnBlock | null; block2: ResnetBlock };
  private readonly normOut: GroupNorm;
  private readonly convOut: Conv2d;

  constructor(store: ParamStore, config: VqModelConfig, prefix = 'encoder') {
    const { ch, chMult, numResBlocks, attnResolutions, dropout } = config;
    this.convIn = new Conv2d(store, `${prefix}.conv_in`, config.inChannels, ch, { kernelSize: 3 });
    let res = config.resolution;
    let blockIn = ch;
    const inMult = [1, ...chMult];
    chMult.forEach((mult, i) => {
      const level: Level = { blocks: [], attns: [], downsample: null };
      blockIn = ch * inMult[i];
      const blockOut = ch * mult;
      for (let j = 0; j < numResBlocks; j++) {
        level.blocks.push(new ResnetBlock(store, `${prefix}.down.${i}.block.${j}`, blockIn, blockOut, dropout));
        blockIn = blockOut;
        if (attnResolutions.includes(res)) level.attns.push(new AttnBlock(store, `${prefix}.down.${i}.attn.${j}`, blockIn));
      }
      if (i !== chMult.length - 1) {
        level.downsample = new Downsample(store, `${prefix}.down.${i}.downsample`, blockIn);
        res = res / 2;
      }
      this.levels.push(level);
    });
    this.mid = {
      block1: new ResnetBlock(store, `${prefix}.mid.block_1`, blockIn, blockIn, dropout),
      attn: config.midAttention ? new AttnBlock(store, `${prefix}.mid.attn_1`, blockIn) : null,
      block2: new ResnetBlock(store, `${prefix}.mid.block_2`, blockIn, blockIn, dropout),
    };
    this.normOut = new GroupNorm(store, `${prefix}.norm_out`, blockIn);
    this.convOut = new Conv2d(store, `${prefix}.conv_out`, blockIn, config.zChannels, { kernelSize: 3 });
  }

  /** @param x [b, h, w, inChannels] @returns [b, h/f, w/f, zChannels], f = 2^(levels-1) */
  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return tf.tidy(() => {
      let h = this.convIn.apply(x);
      for (const level of this.levels) {
        level.blocks.forEach((block, j) => {
          h = block.apply(h, ctx);
          if (level.attns.length > 0) h = level.attns[j].apply(h);
        });
        if (level.downsample) h = level.downsample.apply(h);
      }
      h = this.mid.block1.apply(h, ctx);
      if (this.mid.attn) h = this.mid.attn.apply(h);
      h = this.mid.block2.apply(h, ctx);
      return this.convOut.apply(this.normOut.applySwish(h));
    });
  }
}
