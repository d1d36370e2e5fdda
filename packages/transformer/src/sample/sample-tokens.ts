import * as tf from '@tensorflow/tfjs-core';
import { InputError, resolveOrThrow, Rng } from '@vqct/core';
import { z } from 'zod';
import type { TokenTransformer } from '../model/token-transformer';
import { conditionPrefix, gridsToSequences, isNounSlot, unconditionalPrefix, type Condition } from '../sequence/layout';
import { guidedLogits } from './guidance';
import type { PickOptions } from './pick-token';
import { pickToken } from './pick-token';
import { SequenceBatch } from './sequence-batch';

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
  const { prefixLength: P, imageLength: L, tokens } = model.layout;
  const batch = new SequenceBatch(model.layout, count, prefixes(model, count, options.condition, guided));
  const fixed = keptTokens(model, count, options.keep);
  const rngs = Array.from({ length: count }, (_, i) => sampleRng(o.seed, i));
  // The last image token that is sampled: after it, the rest is copied.
  let lastFree = -1;
  for (let j = 0; j < L; j++) if (fixed == null || !fixed.kept[j]) lastFree = j;

  const cache = o.cache ? model.createCache() : null;
  let hidden: tf.Tensor2D | null = null;
  const advance = (t: number): void => {
    const next = batch.hiddenAfter(model, t, cache);
    hidden?.dispose();
    hidden = next;
  };
  try {
    if (cache != null) for (let t = 1; t < P; t++) advance(t);
    for (let j = 0; j < L; j++) {
      const kept = fixed != null && (j > lastFree || fixed.kept[j]);
      // Without a cache a kept token needs no pass; with one, every token up to the last sampled is fed once.
      if (j <= lastFree && (cache != null || !kept)) advance(P + j);
      if (kept) {
        for (let i = 0; i < count; i++) batch.set(i, j, fixed.ids[i * L + j]);
      } else {
        const noun = isNounSlot(model.layout, j);
        const logits = tf.tidy(() => (noun ? model.nounLogits(hidden!) : model.adjectiveLogits(hidden!)));
        const raw = await logits.data();
        logits.dispose();
        const n = noun ? tokens.kNoun : tokens.kAdj;
        const values = guided ? guidedLogits(raw, count, n, o.guidance) : raw;
        for (let i = 0; i < count; i++) {
          const id = pickToken(values, i * n, n, o, rngs[i]);
          batch.set(i, j, noun ? tokens.kAdj + id : id);
        }
      }
      if (j > lastFree) continue;
      options.onToken?.(j + 1, L);
      if (options.onPosition != null && (j + 1) % (tokens.adjectives + 1) === 0) options.onPosition((j + 1) / (tokens.adjectives + 1) - 1, batch.grids());
    }
  } finally {
    (hidden as tf.Tensor2D | null)?.dispose();
    cache?.dispose();
  }
  const [h, w] = tokens.grid;
  return tf.tensor4d(batch.grids(), [count, h, w, tokens.adjectives + 1], 'int32');
}
