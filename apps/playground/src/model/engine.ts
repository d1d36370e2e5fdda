/**
 * The playground's contract with a model: what the worker needs from "a trained VQCT
 * tokenizer", kept small so the UI and the worker protocol do not depend on how
 * @vqct/vq spells things. `vqct-engine.ts` implements it with the real packages.
 */

/** What the page shows about a loaded model. */
export interface ModelInfo {
  /** The checkpoint's name (file name without extension). */
  name: string;
  /** Input size the model was trained on; every image is resized to it. */
  height: number;
  width: number;
  /** 1 (grey) or 3 (RGB). */
  channels: number;
  /** Token grid size (height / downsampling factor). */
  gridH: number;
  gridW: number;
  /** Adjectives per position (k); each position has k + 1 tokens. */
  k: number;
  kAdj: number;
  kNoun: number;
  /** The prior's K words: adjectives first, then nouns. */
  words: string[];
  /** Training step of the checkpoint, when the sidecar says. */
  step?: number;
  /**
   * Milliseconds of one encode + decode of a blank image right after loading: the first
   * run compiles the GPU programs, so the times shown for real images are steady-state.
   */
  warmupMs?: number;
  /** sha256 of the checkpoint's weights (a generator is tied to it). */
  weightsSha256?: string;
  /** A shipped model's card (@vqct/models): its version and held-out figures, shown as they are. */
  card?: ModelCardSummary;
}

/** What the page shows of a shipped model's card. */
export interface ModelCardSummary {
  version: string;
  description: string;
  heldOut: { images: number; psnr: number; ssim: number };
}

/** Bytes of the three files that make a model (see files.ts for how drops are matched). */
export interface ModelFiles {
  checkpoint: { name: string; bytes: Uint8Array };
  /** The checkpoint's JSON sidecar, as text. */
  sidecar: { name: string; text: string };
  prior: { name: string; bytes: Uint8Array };
}

/** An image as the model takes it: [h, w, c] row-major, values in [-1, 1]. */
export interface ModelImage {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** One word and how far its code is from the patch's vector (squared L2). */
export interface WordDistance {
  index: number;
  word: string;
  distance: number;
}

export interface NearestWords {
  adjectives: WordDistance[];
  nouns: WordDistance[];
}

export interface Engine {
  readonly info: ModelInfo;
  /** Tokens int32 [gridH, gridW, k + 1]: k adjective indices (0..kAdj-1), then a noun index (0..kNoun-1). */
  encode(image: ModelImage): Promise<Int32Array>;
  /** Rebuilds an image from tokens (any tokens: edited ones too). */
  decode(tokens: Int32Array): Promise<ModelImage>;
  /**
   * The words nearest to position `patch` (row-major over the grid) of the last encoded
   * image: adjectives by the adjective half, nouns by the noun half.
   */
  nearest(patch: number, count: number): Promise<NearestWords>;
  dispose(): void;
}

export type EngineLoader = (files: ModelFiles) => Promise<Engine>;

/** Loads a model of @vqct/models by name from the folder (URL) holding `<name>/`. */
export type ShippedLoader = (name: string, baseUrl: string) => Promise<Engine>;
