/**
 * Classifier-free guidance (Ho & Salimans, 2022) on a batch of logits whose
 * first `count` rows are conditioned and next `count` rows are the same
 * sequences without their condition: `u + scale * (c - u)` per row. Scale 1
 * is the conditioned logits, 0 the unconditioned ones; above 1 pushes the
 * draw toward what the condition adds.
 *
 * @param logits [2 * count, n] row-major
 * @returns [count, n] row-major (a new array)
 * @example guidedLogits(values, 4, kNoun, 3);
 */
export function guidedLogits(logits: ArrayLike<number>, count: number, n: number, scale: number): Float32Array {
  const out = new Float32Array(count * n);
  const off = count * n;
  for (let i = 0; i < off; i++) {
    const u = logits[off + i];
    out[i] = u + scale * (logits[i] - u);
  }
  return out;
}
