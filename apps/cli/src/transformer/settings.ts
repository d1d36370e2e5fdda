import type { TransformerConfig, TransformerTrainOptions } from '@vqct/transformer';
import type { AugmentOptions } from '@vqct/vq';

/** Where a transformer run keeps its copy of the tokenizer checkpoint (inside checkpoints/). */
export const TOKENIZER_DIR = 'tokenizer';

/** What condition a transformer run trains with. */
export type ConditionKind = 'none' | 'class' | 'words';

/** run.json of a transformer run folder: everything needed to resume it, or to sample from it. */
export interface TransformerRunSettings {
  format: 'vqct-transformer-run';
  version: 1;
  /** The tokenizer the tokens come from: where it was (checkpointLabel; a copy is in checkpoints/tokenizer/) and its weights digest. */
  tokenizer: { checkpoint: string; weightsSha256: string };
  /**
   * perClass / heldOutPerClass: fashion-mnist and mnist; images: emoji training images (null: the whole train split; held out: the whole held-out split);
   * augment: variants of each training image also trained on (`--augment`; null or absent: none; the held-out images stay as they are).
   */
  data: { source: string; perClass: number; heldOutPerClass: number; images?: number | null; augment?: AugmentOptions | null };
  condition: ConditionKind;
  /** Per class label, the caption (prior words) of the `words` condition; null for emoji (each image has its own). */
  captions: string[] | null;
  /** Class names (labels) for the `class` condition. */
  classes: string[] | null;
  model: TransformerConfig;
  train: TransformerTrainOptions;
}

/** The flags of `vqct transformer train`. */
export interface TransformerTrainFlags {
  tokenizer?: string;
  data: string;
  condition: ConditionKind;
  perClass: number;
  heldOut: number;
  images?: number;
  /** Variants of each training image (parseAugment's list), e.g. "flip". */
  augment?: string;
  layers: number;
  heads: number;
  embedding: number;
  dropout: number;
  /** Condition dropout (classifier-free guidance at sampling). */
  condDropout: number;
  steps?: number;
  batchSize: number;
  lr: number;
  seed: number;
  checkpointEvery: number;
  maxMinutes?: number;
  out: string;
  resume?: boolean;
}
