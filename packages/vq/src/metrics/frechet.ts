import { InputError } from '@vqct/core';
import { symmetricEigen } from './symmetric-eigen';

/** Largest Gram/covariance side the Jacobi solver is asked to handle. */
export const MAX_FRECHET_RANK = 600;

function center(rows: Float32Array[], d: number): { x: Float64Array; mean: Float64Array } {
  const n = rows.length;
  const mean = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / n;
  const x = new Float64Array(n * d);
  rows.forEach((r, i) => { for (let j = 0; j < d; j++) x[i * d + j] = r[j] - mean[j]; });
  return { x, mean };
}

/** a [n1, d] times b [n2, d] transposed -> [n1, n2], scaled. */
function gram(a: Float64Array, n1: number, b: Float64Array, n2: number, d: number, scale: number): Float64Array {
  const g = new Float64Array(n1 * n2);
  for (let i = 0; i < n1; i++) {
    for (let k = 0; k < n2; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += a[i * d + j] * b[k * d + j];
      g[i * n2 + k] = s * scale;
    }
  }
  return g;
}

/**
 * Fréchet distance between Gaussians fitted to two feature sets:
 * ||mu1 - mu2||^2 + tr S1 + tr S2 - 2 tr sqrt(S1 S2), with unbiased
 * covariances. tr sqrt(S1 S2) is the nuclear norm of X1 X2^T / sqrt((n1-1)(n2-1))
 * (X centered features), computed from the eigenvalues of the smaller Gram
 * matrix, so it is exact for few samples with wide features (a d x d
 * covariance would be singular there). Sample counts (or d) above
 * MAX_FRECHET_RANK are refused.
 *
 * @example
 * frechetDistance(realFeatures, reconFeatures, 2048); // 0 for identical sets
 */
export function frechetDistance(real: Float32Array[], fake: Float32Array[], d: number): number {
  const n1 = real.length;
  const n2 = fake.length;
  if (n1 < 2 || n2 < 2) throw new InputError(`the Fréchet distance needs at least 2 feature vectors per set, got ${n1} and ${n2}`);
  const a = center(real, d);
  const b = center(fake, d);
  let meanTerm = 0;
  for (let j = 0; j < d; j++) meanTerm += (a.mean[j] - b.mean[j]) ** 2;
  let tr1 = 0;
  let tr2 = 0;
  for (const v of a.x) tr1 += v * v;
  for (const v of b.x) tr2 += v * v;
  tr1 /= n1 - 1;
  tr2 /= n2 - 1;
  let cross = 0;
  const scale = 1 / Math.sqrt((n1 - 1) * (n2 - 1));
  if (Math.min(n1, n2) <= d) {
    if (Math.min(n1, n2) > MAX_FRECHET_RANK) throw new InputError(`the Fréchet distance is limited to ${MAX_FRECHET_RANK} samples per set here, got ${Math.min(n1, n2)}`);
    // Singular values of C = X1 X2^T * scale: eigenvalues of C C^T (or C^T C), smaller side.
    const c = gram(a.x, n1, b.x, n2, d, scale);
    const [r, k] = n1 <= n2 ? [n1, n2] : [n2, n1];
    const cct = new Float64Array(r * r);
    for (let i = 0; i < r; i++) {
      for (let j = i; j < r; j++) {
        let s = 0;
        for (let t = 0; t < k; t++) s += n1 <= n2 ? c[i * n2 + t] * c[j * n2 + t] : c[t * n2 + i] * c[t * n2 + j];
        cct[i * r + j] = s;
        cct[j * r + i] = s;
      }
    }
    for (const ev of symmetricEigen(cct, r).values) cross += Math.sqrt(Math.max(ev, 0));
  } else {
    if (d > MAX_FRECHET_RANK) throw new InputError(`feature dimension ${d} is above ${MAX_FRECHET_RANK}`);
    // sqrt(S1) via its eigenvectors, then the eigenvalues of sqrt(S1) S2 sqrt(S1).
    const transpose = (x: Float64Array, n: number): Float64Array => {
      const t = new Float64Array(n * d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) t[j * n + i] = x[i * d + j];
      return t;
    };
    const s1 = gram(transpose(a.x, n1), d, transpose(a.x, n1), d, n1, 1 / (n1 - 1));
    const s2 = gram(transpose(b.x, n2), d, transpose(b.x, n2), d, n2, 1 / (n2 - 1));
    const e = symmetricEigen(s1, d, true);
    const vecs = e.vectors!;
    const root = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += vecs[i * d + k] * Math.sqrt(Math.max(e.values[k], 0)) * vecs[j * d + k];
        root[i * d + j] = s;
      }
    }
    const mul = (p: Float64Array, q: Float64Array): Float64Array => {
      const o = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
        const pik = p[i * d + k];
        for (let j = 0; j < d; j++) o[i * d + j] += pik * q[k * d + j];
      }
      return o;
    };
    const m = mul(mul(root, s2), root);
    for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) m[i * d + j] = m[j * d + i] = (m[i * d + j] + m[j * d + i]) / 2;
    for (const ev of symmetricEigen(m, d).values) cross += Math.sqrt(Math.max(ev, 0));
  }
  return Math.max(meanTerm + tr1 + tr2 - 2 * cross, 0);
}
