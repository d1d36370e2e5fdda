import type { CollapseOptions } from './options';

/** One training run, as the parent hands it to a child process. */
export interface Job {
  id: string;
  group: 'main' | 'sweep';
  variant: 'vqct' | 'vq' | 'ema' | 'mlp' | 'random';
  priorFile: string;
  steps: number;
  dir: string;
  options: Pick<CollapseOptions, 'size' | 'batch' | 'baseLr' | 'seed' | 'trainPerClass' | 'testPerClass' | 'curveImages' | 'curvePoints' | 'fidSize' | 'backend' | 'mlpInit' | 'mlpDropout'> & { cacheDir: string };
}

/** Held-out usage at one step (share of codes used at least once on the probe set). */
export interface UsagePoint {
  step: number;
  adjective: number;
  noun: number;
  perplexityAdjective: number;
  perplexityNoun: number;
}

export interface RunResult {
  id: string;
  group: Job['group'];
  variant: Job['variant'];
  steps: number;
  prior: { file: string; kAdj: number; kNoun: number; edges: number; embeddings: string };
  K: number;
  kAdj: number;
  kNoun: number;
  heldOut: {
    images: number;
    usage: { adjective: number; noun: number };
    used: { adjective: number; noun: number };
    dead: { adjective: number; noun: number; total: number };
    perplexity: { adjective: number; noun: number };
    psnr: number;
    ssim: number;
    perceptual: number | null;
    perceptualName: string | null;
    fidLike: number | null;
    fidLikeName: string | null;
    /** Caption recall (class names as captions, issue 17); null for the learned codebooks or without such words. */
    captionRecall?: {
      noun: { images: number; at: Array<{ n: number; recall: number; chance: number; frequent: number }> };
      adjective: { images: number; at: Array<{ n: number; recall: number; chance: number; frequent: number }> };
    } | null;
  };
  curve: UsagePoint[];
  trainL1: Array<{ step: number; l1: number }>;
  finalTrainL1: number | null;
  seconds: number;
  trainSeconds: number;
  backend: string;
  resumedFrom: number | null;
}
