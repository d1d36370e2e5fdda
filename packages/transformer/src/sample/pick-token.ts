import type { Rng } from '@vqct/core';

/** How the next token is drawn from its logits. */
export interface PickOptions {
  /** Divides the logits; 0 = greedy (argmax). */
  temperature: number;
  /** Keep only the k most likely (0 = all). */
  topK: number;
  /** Keep the smallest set whose probability reaches p (nucleus; 1 = all). */
  topP: number;
}

function argmax(x: ArrayLike<number>, from: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (x[from + i] > x[from + best]) best = i;
  return best;
}

/**
 * Draws one index from logits[from .. from + n) with temperature, top-k and
 * top-p, on the CPU with a seeded Rng (the same seed draws the same token on
 * every backend, given the same logits).
 *
 * @example
 * const id = pickToken(logits, 0, kNoun, { temperature: 1, topK: 50, topP: 0.95 }, rng);
 */
export function pickToken(logits: ArrayLike<number>, from: number, n: number, o: PickOptions, rng: Rng): number {
  if (o.temperature === 0) return argmax(logits, from, n);
  let order: number[];
  if (o.topK > 0 || o.topP < 1) {
    order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[from + b] - logits[from + a] || a - b);
    if (o.topK > 0) order = order.slice(0, Math.min(o.topK, n));
  } else {
    order = Array.from({ length: n }, (_, i) => i);
  }
  const max = logits[from + (o.topK > 0 || o.topP < 1 ? order[0] : argmax(logits, from, n))];
  const weights = order.map((i) => Math.exp((logits[from + i] - max) / o.temperature));
  let total = weights.reduce((a, b) => a + b, 0);
  if (o.topP < 1) {
    // order is sorted by probability here: cut after the nucleus.
    let cum = 0;
    let keep = 0;
    while (keep < weights.length && cum < o.topP * total) cum += weights[keep++];
    weights.length = Math.max(1, keep);
    order = order.slice(0, weights.length);
    total = weights.reduce((a, b) => a + b, 0);
  }
  let u = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return order[i];
  }
  return order[order.length - 1];
}
