/** The files of one shipped model, relative to its folder under `weights/`. */
export interface PretrainedFiles {
  weights: string;
  sidecar: string;
  prior: string;
  card: string;
}

/** What a shipped model is: where it came from and how well it does (its `card.json`). */
export interface ModelCard {
  name: string;
  /** The artefact's own version: bumped whenever the weights change. */
  version: string;
  preset: string;
  description: string;
  /** The image side the model encodes and decodes. */
  resolution: number;
  data: { source: string; heldOut: string; attribution: string[] };
  training: { steps: number; minutes: number; commands: string[]; objective: string };
  /** Measured on the held-out emoji (never trained on, in any style). */
  heldOut: {
    images: number; psnr: number; ssim: number; usage: { adjective: number; noun: number };
    /** Caption recall@5 of a grounded model's words (issue 17), with its chance level; absent on older cards. */
    captionRecall?: { nounAt5: number; nounChanceAt5: number; nounAt5BeyondTheCommonWords: number; adjectiveAt5: number; adjectiveChanceAt5: number };
  };
  /** sha256 of each file, checked on load. */
  sha256: Record<string, string>;
}

/** The models this package ships. */
export const PRETRAINED_MODELS = ['emoji-32'] as const;
export type PretrainedName = (typeof PRETRAINED_MODELS)[number];

/** Every model's files follow one naming scheme. */
export function pretrainedFiles(name: PretrainedName): PretrainedFiles {
  return { weights: `${name}.safetensors`, sidecar: `${name}.json`, prior: 'prior.safetensors', card: 'card.json' };
}
