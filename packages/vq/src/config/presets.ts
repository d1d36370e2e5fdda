import type { VqModelConfig, VqModelPresetName } from './types';

const common = {
  inChannels: 3,
  outChannels: 3,
  midAttention: true,
  dropout: 0,
  quantizer: 'vqct',
  topK: 2,
  beta: 0.25,
  betaPlacement: 'authors',
  emaDecay: 0.99,
  emaEpsilon: 1e-5,
  distanceBlockElements: 1 << 21,
} as const;

/** The tiny network: 32x32 images, an 8x8 token grid, attention only in the middle block. */
const TINY: VqModelConfig = {
  ...common,
  resolution: 32,
  ch: 32,
  chMult: [1, 2, 2],
  numResBlocks: 1,
  attnResolutions: [],
  zChannels: 32,
  codeDim: 32,
  kAdj: 64,
  kNoun: 128,
};

/**
 * Built-in configurations. `paper-256` is the authors' (METHOD.md §4);
 * `bench-32` is BENCH.md's; `tiny` trains in minutes on 32x32 images on
 * wasm (8x8 token grid, no attention outside the middle block); `emoji-32`
 * is the shipped emoji tokenizer's: the tiny network (what one shared CPU
 * core trains in an hour); the CLI trains it with the paper's objective.
 *
 * @example
 * VQ_MODEL_PRESETS['bench-32'].codeDim; // 64
 */
export const VQ_MODEL_PRESETS: Readonly<Record<VqModelPresetName, VqModelConfig>> = Object.freeze({
  tiny: TINY,
  // The shipped emoji tokenizer is the tiny network; what differs is how the CLI trains it.
  'emoji-32': TINY,
  'bench-32': {
    ...common,
    resolution: 32,
    ch: 64,
    chMult: [1, 2, 2],
    numResBlocks: 1,
    attnResolutions: [8],
    zChannels: 64,
    codeDim: 64,
    kAdj: 512,
    kNoun: 1024,
  },
  'paper-256': {
    ...common,
    resolution: 256,
    ch: 128,
    chMult: [1, 1, 2, 2, 4],
    numResBlocks: 2,
    attnResolutions: [16],
    zChannels: 256,
    codeDim: 256,
    kAdj: 1000,
    kNoun: 3000,
  },
});
