/**
 * The playground's contract with a generator (stage 2: a transformer over a
 * tokenizer's tokens, conditioned on words of its prior). Kept small, as
 * engine.ts is for the tokenizer; `transformer-generator.ts` implements it
 * with @vqct/transformer.
 */

/** The generator's file (`<name>.json` beside `<name>.safetensors`), written by scripts/export-generator.mjs. */
export interface GeneratorSidecar {
  format: 'vqct-playground-generator';
  version: 1;
  name: string;
  weightsFile: string;
  weightsSha256: string;
  /** The TransformerConfig it was trained with. */
  model: unknown;
  condition: 'none' | 'words';
  /** The tokenizer whose tokens it models: a generator only fits the weights it was trained on. */
  tokenizer: { name: string; weightsSha256: string };
  step: number;
  /** Teacher-forced NLL on the held-out emoji, bits per image token, and the unigram baseline's. */
  heldOut: { sequences: number; bitsPerToken: number; unigram: { bitsPerToken: number } };
  training: { minutes: number; commands: string[] };
  /** One line a reader sees next to it (what it is, how good it is). */
  label: string;
  /**
   * The share of training sequences whose words were dropped (classifier-free
   * guidance's training half); absent or 0: guidance is off for it.
   */
  conditionDropout?: number;
  /** The guidance scale the page starts with (absent: 1, plain sampling). */
  guidance?: number;
}

/** What the page shows about a loaded generator. */
export interface GeneratorInfo {
  name: string;
  condition: 'none' | 'words';
  /** The most prompt words it takes. */
  maxWords: number;
  tokenizer: { name: string; weightsSha256: string };
  step: number;
  parameters: number;
  heldOut: GeneratorSidecar['heldOut'];
  label: string;
  /** Whether guidance other than 1 is allowed (trained with condition dropout), and the scale to start with. */
  guidance: { enabled: boolean; start: number };
}

/** How to sample: the prompt's words, a seed (same seed, same grid) and the usual knobs. */
export interface SampleRequest {
  prompt: string;
  seed: number;
  temperature: number;
  topK: number;
  topP: number;
  /** Classifier-free guidance scale (absent: 1); other values only for a generator whose info says guidance is enabled. */
  guidance?: number;
  /** Partial sampling: keep these positions (raster order, true = keep) of `tokens`, sample the rest. */
  keep?: { tokens: Int32Array; positions: boolean[] };
}

/** The tokenizer's words, which prompts are written in. */
export interface PromptVocabulary {
  words: string[];
  kAdj: number;
  kNoun: number;
}

export interface Generator {
  readonly info: GeneratorInfo;
  /**
   * Samples one token grid int32 [gridH, gridW, k + 1]; `onPosition` gets the
   * grid so far after each position (raster order).
   */
  sample(request: SampleRequest, vocabulary: PromptVocabulary, onPosition?: (position: number, tokens: Int32Array) => void): Promise<Int32Array>;
  dispose(): void;
}
