import { Rng } from '@vqct/core';

/**
 * The no-language ablation's features: seeded Gaussian vectors with the same
 * shape, mean and spread as the word vectors, so only the information differs.
 *
 * @param words float32 [K, dim], the word vectors to imitate
 * @returns float32 [K, dim]
 * @example
 * const x = randomFeatures(prior.vectors, 7);
 */
export function randomFeatures(words: Float32Array, seed: number): Float32Array {
  let mean = 0;
  for (let i = 0; i < words.length; i++) mean += words[i];
  mean /= Math.max(words.length, 1);
  let variance = 0;
  for (let i = 0; i < words.length; i++) variance += (words[i] - mean) ** 2;
  const std = Math.sqrt(variance / Math.max(words.length, 1)) || 1;
  const rng = new Rng(seed);
  const out = new Float32Array(words.length);
  for (let i = 0; i < out.length; i++) out[i] = mean + std * rng.normal();
  return out;
}
