import { Rng } from '@vqct/core';
import type { ConditionSpec, TransformerOptions } from '../config/options';
import { TokenTransformer } from '../model/token-transformer';

/** A small token grid: 6 adjectives + 8 nouns, k = 2, 2 x 3 positions (18 image tokens). For tests; not exported. */
export const TINY_TOKENS = { kAdj: 6, kNoun: 8, adjectives: 2, grid: [2, 3] as [number, number] };

export function tinyOptions(condition: ConditionSpec = { kind: 'none' }, extra: Partial<TransformerOptions> = {}): TransformerOptions {
  return { tokens: TINY_TOKENS, condition, layers: 2, heads: 2, embedding: 16, ...extra };
}

export function tinyTransformer(condition: ConditionSpec = { kind: 'none' }, seed = 1, extra: Partial<TransformerOptions> = {}): TokenTransformer {
  return new TokenTransformer(tinyOptions(condition, extra), { seed });
}

/** n random valid token grids [n, h, w, k+1] (tokenizer ids). */
export function randomGrids(n: number, seed: number, tokens = TINY_TOKENS): Int32Array {
  const rng = new Rng(seed);
  const k1 = tokens.adjectives + 1;
  const out = new Int32Array(n * tokens.grid[0] * tokens.grid[1] * k1);
  for (let p = 0; p < out.length; p += k1) {
    for (let a = 0; a < tokens.adjectives; a++) out[p + a] = rng.int(tokens.kAdj);
    out[p + k1 - 1] = rng.int(tokens.kNoun);
  }
  return out;
}
