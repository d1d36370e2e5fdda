import { NumericError, ShapeError } from '@vqct/core';

/**
 * The minimum-norm ridge solution of F θ ≈ Y for a wide F (rows ≤ cols):
 * θ = Fᵀ (F Fᵀ + λ I)⁻¹ Y, with λ = `ridge` · trace(F Fᵀ) / rows, by a
 * Cholesky factorization in float64. With λ → 0 it fits every row exactly
 * where the rows of F are independent.
 *
 * @param f rows x cols, row-major
 * @param y rows x outCols, row-major
 * @returns θ, cols x outCols, row-major
 * @example
 * ridgeSolve(Float64Array.from([1, 0, 0, 1]), 2, 2, Float64Array.from([3, 4]), 1, 0); // [3, 4]
 */
export function ridgeSolve(f: Float64Array, rows: number, cols: number, y: Float64Array, outCols: number, ridge: number): Float64Array {
  if (f.length !== rows * cols || y.length !== rows * outCols) throw new ShapeError(`ridgeSolve: F is ${f.length} values for ${rows} x ${cols}, Y ${y.length} for ${rows} x ${outCols}`);
  const g = new Float64Array(rows * rows);
  let trace = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0, a = i * cols, b = j * cols; k < cols; k++) s += f[a + k] * f[b + k];
      g[i * rows + j] = s;
    }
    trace += g[i * rows + i];
  }
  const lambda = (ridge * trace) / rows;
  // In-place Cholesky of the lower triangle: G + λI = L Lᵀ.
  for (let j = 0; j < rows; j++) {
    let d = g[j * rows + j] + lambda;
    for (let k = 0; k < j; k++) d -= g[j * rows + k] ** 2;
    if (!(d > 0)) throw new NumericError(`ridgeSolve: the system is not positive definite at row ${j} (pivot ${d}); raise the ridge`);
    d = Math.sqrt(d);
    g[j * rows + j] = d;
    for (let i = j + 1; i < rows; i++) {
      let t = g[i * rows + j];
      for (let k = 0; k < j; k++) t -= g[i * rows + k] * g[j * rows + k];
      g[i * rows + j] = t / d;
    }
  }
  // z = (L Lᵀ)⁻¹ y, column by column; then θ = Fᵀ z.
  const z = Float64Array.from(y);
  for (let c = 0; c < outCols; c++) {
    for (let i = 0; i < rows; i++) {
      let t = z[i * outCols + c];
      for (let k = 0; k < i; k++) t -= g[i * rows + k] * z[k * outCols + c];
      z[i * outCols + c] = t / g[i * rows + i];
    }
    for (let i = rows - 1; i >= 0; i--) {
      let t = z[i * outCols + c];
      for (let k = i + 1; k < rows; k++) t -= g[k * rows + i] * z[k * outCols + c];
      z[i * outCols + c] = t / g[i * rows + i];
    }
  }
  const theta = new Float64Array(cols * outCols);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < cols; k++) {
      const v = f[i * cols + k];
      if (v !== 0) for (let c = 0; c < outCols; c++) theta[k * outCols + c] += v * z[i * outCols + c];
    }
  }
  return theta;
}
