/** Which quantizer sits between encoder and decoder (METHOD.md §3). */
export type QuantizerKind = 'vqct' | 'vq' | 'ema';

/**
 * Where beta goes in the quantizer loss. `'authors'` (VQCT's and taming's
 * `legacy=True` code): mean((sg[q]-z)^2) + beta * mean((q-sg[z])^2).
 * `'vqvae'` (the VQ-VAE paper): mean((q-sg[z])^2) + beta * mean((sg[q]-z)^2).
 */
export type BetaPlacement = 'authors' | 'vqvae';

/**
 * The resolved (every field defined) configuration of a VqModel: the taming
 * VQGAN autoencoder knobs plus the quantizer's. Build it with
 * `resolveVqModelConfig`.
 */
export interface VqModelConfig {
  /** Nominal image side; decides at which levels attention sits (taming's `resolution`). */
  resolution: number;
  inChannels: number;
  outChannels: number;
  /** Base channel count (taming `ch`). */
  ch: number;
  /** Channel multiplier per level; `chMult.length - 1` stride-2 downsamples. */
  chMult: number[];
  numResBlocks: number;
  /** Feature-map sides (in the config's `resolution`) at which self-attention blocks follow each res block. */
  attnResolutions: number[];
  /** The attention block between the two middle res blocks (always on in taming). */
  midAttention: boolean;
  /** Encoder output / decoder input channels (taming `z_channels`). */
  zChannels: number;
  /** Dropout rate inside the res blocks (training only). */
  dropout: number;
  quantizer: QuantizerKind;
  /** e: the dimension of one code; the quant conv outputs 2e channels (e with kAdj = 0). */
  codeDim: number;
  /** k: adjective codes averaged per position. */
  topK: number;
  beta: number;
  betaPlacement: BetaPlacement;
  /** Adjective codes of a learned codebook ('vq' / 'ema'); 0 = one half only (plain taming VQ). For 'vqct' the CodebookSource decides. */
  kAdj: number;
  /** Noun codes of a learned codebook ('vq' / 'ema'). For 'vqct' the CodebookSource decides. */
  kNoun: number;
  /** EMA decay ('ema' only). */
  emaDecay: number;
  /** Laplace smoothing of the EMA cluster sizes ('ema' only). */
  emaEpsilon: number;
  /** Upper bound on the elements of one distance block (rows x codes), to bound memory for large K x N. */
  distanceBlockElements: number;
}

/** Names of the built-in configurations. */
export type VqModelPresetName = 'tiny' | 'emoji-32' | 'bench-32' | 'paper-256';

/** User-facing options: any subset of the config, optionally on top of a named preset. */
export type VqModelOptions = Partial<VqModelConfig> & { preset?: VqModelPresetName };

