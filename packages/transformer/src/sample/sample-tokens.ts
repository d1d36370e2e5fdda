import * as tf from '@tensorflow/tfjs-core';
import { InputError, resolveOrThrow, Rng } from '@vqct/core';
import { z } from 'zod';
import type { TokenTransformer } from '../model/token-transformer';
import { conditionPrefix, gridsToSequences, isNounSlot, sequencesToGrids, unconditionalPrefix, type Condition } from '../sequence/layout';
import { guidedLogits } from './guidance';
import type { PickOptions } from './pick-token';
import { pickToken } from './pick-token';

/** Sampling options (partial, user-facing). */
export interface SampleOptions extends Partial<PickOptions> {
  /** Samples to draw (one batch). */
  count: number;
  /** One condition for all samples, or one per sample. Default: none. */
  condition?: Condition | Condition[];
  /** Same seed, count and condition: the same tokens. Sample i draws from its own generator. */
  seed?: number;
  /** Use the key/value cache (one pass over one position per token); false reruns the whole prefix each token. */
  cache?: boolean;
  /**
   * Classifier-free guidance scale: each token is drawn from
   * `u + guidance * (c - u)`, c the logits with the condition, u without it
   * (`unconditionalPrefix`); 1 (default) is plain conditional sampling, 0
   * unconditional. Other values need a model trained with condition dropout
   * (`conditionDropout`), and cost a second row per sample.
   */
  guidance?: number;
  /**
   * Partial sampling (inpainting): these positions keep the given tokens, the
   * rest are sampled. `tokens`: tokenizer ids [n, h, w, k+1] with n = count
   * or 1 (shared); `positions`: h * w flags in raster order, true = keep.
   */
  keep?: { tokens: ArrayLike<number>; positions: ArrayLike<boolean> };
  /** Progress: image tokens done (kept or sampled) out of L. */
  onToken?(done: number, total: number): void;
  /**
   * Called when position `position` (raster order) has all its k + 1 tokens,
   * with the grids so far: tokenizer ids [count, h, w, k+1], a fresh copy;
   * positions after `position` are not sampled yet (their values mean
   * nothing). For a page that shows the grid filling in.
   */
  onPosition?(position: number, grids: Int32Array): void;
}

const schema = z.object({
  count: z.number().int().positive(),
  temperature: z.number().min(0),
  topK: z.number().int().min(0),
  topP: z.number().gt(0).max(1),
  seed: z.number().int(),
  cache: z.boolean(),
  guidance: z.number().min(0).max(100),
});

/** The generator of sample i: a pure function of (seed, i). */
function sampleRng(seed: number, i: number): Rng {
  return new Rng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0);
}

/** The prefix of every row: the samples' conditions, then (guided) the same count of unconditional rows. */
function prefixes(model: TokenTransformer, count: number, condition: Condition | Condition[] | undefined, guided: boolean): Int32Array[] {
  const list = Array.isArray(condition) ? condition : Array.from({ length: count }, () => condition ?? { kind: 'none' as const });
  if (list.length !== count) throw new InputError(`${list.length} conditions for ${count} samples; expected one, or one per sample`);
  const out = list.map((c) => conditionPrefix(model.layout, c));
  return guided ? [...out, ...list.map(() => unconditionalPrefix(model.layout))] : out;
}

/** Fixed image tokens [count, L] (global ids) and the per-image-token keep flags. */
function keptTokens(model: TokenTransformer, count: number, keep: SampleOptions['keep']): { ids: Int32Array; kept: boolean[] } | null {
  if (keep == null) return null;
  const { imageLength: L, tokens } = model.layout;
  const hw = tokens.grid[0] * tokens.grid[1];
  if (keep.positions.length !== hw) throw new InputError(`keep.positions has ${keep.positions.length} flags; the grid has ${hw} positions`);
  const seq = gridsToSequences(model.layout, keep.tokens);
  const n = seq.length / L;
  if (n !== 1 && n !== count) throw new InputError(`keep.tokens holds ${n} grids; expected 1 or ${count}`);
  const ids = new Int32Array(count * L);
  for (let i = 0; i < count; i++) ids.set(seq.subarray((n === 1 ? 0 : i) * L, (n === 1 ? 1 : i + 1) * L), i * L);
  const kept = Array.from({ length: L }, (_, j) => Boolean(keep.positions[Math.floor(j / (tokens.adjectives + 1))]));
  return { ids, kept };
}

/** The image parts of the sequences as tokenizer-id grids [count, h, w, k+1] (a copy). */
function partialGrids(model: TokenTransformer, seqs: Int32Array, count: number): Int32Array {
  const { prefixLength: P, imageLength: L } = model.layout;
  const image = new Int32Array(count * L);
  for (let i = 0; i < count; i++) image.set(seqs.subarray(i * (P + L) + P, (i + 1) * (P + L)), i * L);
  return sequencesToGrids(model.layout, image);
}

/**
 * Draws token grids from a TokenTransformer, token by token: nouns from the
 * noun head, adjectives from the adjective head, so every grid is valid input
 * for `VqModel.decodeTokens`. With `cache` (default) each token costs one
 * pass over one position. Reads logits back with `await data()` (fine on GPU
 * backends); owns nothing when it returns.
 *
 * @returns int32 [count, h, w, k+1] (k adjective ids, then the noun id); the caller disposes
 * @example
 * const tokens = await sampleTokens(model, { count: 16, condition: { kind: 'class', label: 3 }, topK: 100, seed: 7 });
 * const images = vq.decodeTokens(tokens);
 */
export async function sampleTokens(model: TokenTransformer, options: SampleOptions): Promise<tf.Tensor4D> {
  const o = resolveOrThrow(schema, { temperature: 1, topK: 0, topP: 1, seed: 0, cache: true, guidance: 1, ...options }, 'sample options');
  const { count } = o;
  const guided = o.guidance !== 1;
  if (guided && model.layout.condition.kind === 'none') throw new InputError(`guidance ${o.guidance} needs a conditioned transformer; this one is conditioned on nothing (use guidance 1)`);
  /** Rows of the batch: the samples, then (guided) their unconditional twins. */
  const rows = guided ? 2 * count : count;
  const { prefixLength: P, imageLength: L, tokens } = model.layout;
  const S = P + L;
  const seqs = new Int32Array(rows * S);
  prefixes(model, count, options.condition, guided).forEach((p, i) => seqs.set(p, i * S));
  /** Sets image token j of sample i (and of its twin). */
  const put = (i: number, j: number, id: number): void => {
    seqs[i * S + P + j] = id;
    if (guided) seqs[(count + i) * S + P + j] = id;
  };
  const fixed = keptTokens(model, count, options.keep);
  const rngs = Array.from({ length: count }, (_, i) => sampleRng(o.seed, i));
  // The last image token that is sampled: after it, the rest is copied.
  let lastFree = -1;
  for (let j = 0; j < L; j++) if (fixed == null || !fixed.kept[j]) lastFree = j;

  const cache = o.cache ? model.createCache() : null;
  let hidden: tf.Tensor2D | null = null;
  /** Hidden state after the first `t` tokens of every sequence. */
  const advance = (t: number): void => {
    const next: tf.Tensor2D = tf.tidy(() => {
      if (cache != null) {
        const col = new Int32Array(rows);
        for (let i = 0; i < rows; i++) col[i] = seqs[i * S + t - 1];
        return model.step(tf.tensor2d(col, [rows, 1], 'int32'), cache);
      }
      const ids = new Int32Array(rows * t);
      for (let i = 0; i < rows; i++) ids.set(seqs.subarray(i * S, i * S + t), i * t);
      const h = model.forward(tf.tensor2d(ids, [rows, t], 'int32'));
      return tf.reshape(tf.slice(h, [0, t - 1, 0], [rows, 1, model.config.embedding]), [rows, model.config.embedding]) as tf.Tensor2D;
    });
    hidden?.dispose();
    hidden = next;
  };
  try {
    if (cache != null) for (let t = 1; t < P; t++) advance(t);
    for (let j = 0; j < L; j++) {
      if (j > lastFree) {
        for (let i = 0; i < count; i++) put(i, j, fixed!.ids[i * L + j]);
        continue;
      }
      const kept = fixed != null && fixed.kept[j];
      // Without a cache a kept token needs no pass; with one, every token is fed once.
      if (cache != null || !kept) advance(P + j);
      if (kept) {
        for (let i = 0; i < count; i++) put(i, j, fixed!.ids[i * L + j]);
      } else {
        const noun = isNounSlot(model.layout, j);
        const logits = tf.tidy(() => (noun ? model.nounLogits(hidden!) : model.adjectiveLogits(hidden!)));
        const raw = await logits.data();
        logits.dispose();
        const n = noun ? tokens.kNoun : tokens.kAdj;
        const values = guided ? guidedLogits(raw, count, n, o.guidance) : raw;
        for (let i = 0; i < count; i++) {
          const id = pickToken(values, i * n, n, o, rngs[i]);
          put(i, j, noun ? tokens.kAdj + id : id);
        }
      }
      options.onToken?.(j + 1, L);
      if (options.onPosition != null && (j + 1) % (tokens.adjectives + 1) === 0) options.onPosition((j + 1) / (tokens.adjectives + 1) - 1, partialGrids(model, seqs, count));
    }
  } finally {
    (hidden as tf.Tensor2D | null)?.dispose();
    cache?.dispose();
  }
  const [h, w] = tokens.grid;
  return tf.tensor4d(partialGrids(model, seqs, count), [count, h, w, tokens.adjectives + 1], 'int32');
}
