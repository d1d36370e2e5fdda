import { InputError } from '@vqct/core';

/**
 * The assignment of rows to columns of a square n x n score matrix that
 * maximizes the total score (each row to a different column): the Hungarian
 * method with potentials (Kuhn–Munkres, O(n³); n = 450 takes well under a
 * second). Scores are row-major, `scores[r * n + c]`; they must be finite.
 *
 * @returns `column[r]`, the column of row r (a permutation of 0..n-1)
 * @example
 * maximumWeightAssignment(Float64Array.from([1, 5, 4, 2]), 2); // Int32Array [1, 0] (5 + 4)
 */
export function maximumWeightAssignment(scores: ArrayLike<number>, n: number): Int32Array {
  if (!Number.isInteger(n) || n < 1) throw new InputError(`an assignment needs a positive size, got ${n}`);
  if (scores.length !== n * n) throw new InputError(`an ${n} x ${n} assignment needs ${n * n} scores, got ${scores.length}`);
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) throw new InputError(`score ${i} (row ${Math.floor(i / n)}, column ${i % n}) is ${scores[i]}; scores must be finite`);
  }
  // 1-based arrays; index 0 is the virtual start column. Costs are -scores (minimized).
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const rowOf = new Int32Array(n + 1); // rowOf[c]: the row matched to column c (0: none)
  const way = new Int32Array(n + 1);
  const minTo = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let row = 1; row <= n; row++) {
    rowOf[0] = row;
    let col0 = 0;
    minTo.fill(Infinity);
    used.fill(0);
    do {
      used[col0] = 1;
      const r0 = rowOf[col0];
      let delta = Infinity;
      let col1 = 0;
      for (let c = 1; c <= n; c++) {
        if (used[c]) continue;
        const reduced = -scores[(r0 - 1) * n + (c - 1)] - u[r0] - v[c];
        if (reduced < minTo[c]) {
          minTo[c] = reduced;
          way[c] = col0;
        }
        if (minTo[c] < delta) {
          delta = minTo[c];
          col1 = c;
        }
      }
      for (let c = 0; c <= n; c++) {
        if (used[c]) {
          u[rowOf[c]] += delta;
          v[c] -= delta;
        } else {
          minTo[c] -= delta;
        }
      }
      col0 = col1;
    } while (rowOf[col0] !== 0);
    do {
      const prev = way[col0];
      rowOf[col0] = rowOf[prev];
      col0 = prev;
    } while (col0 !== 0);
  }
  const column = new Int32Array(n);
  for (let c = 1; c <= n; c++) column[rowOf[c] - 1] = c - 1;
  return column;
}
