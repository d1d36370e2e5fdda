/**
 * "Re-sample around this patch": which positions partial sampling keeps.
 * The transformer reads left to right, so a re-sampled position sees the kept
 * positions before it in raster order, not those after it.
 */

/** Keep flags (raster order): false within `radius` (Chebyshev) of `patch`, true elsewhere. */
export function keepOutside(gridH: number, gridW: number, patch: number, radius: number): boolean[] {
  if (!Number.isInteger(patch) || patch < 0 || patch >= gridH * gridW) throw new RangeError(`patch ${patch} is outside 0..${gridH * gridW - 1}`);
  if (!Number.isInteger(radius) || radius < 0) throw new RangeError(`radius must be a whole number >= 0, got ${radius}`);
  const row = Math.floor(patch / gridW);
  const col = patch % gridW;
  return Array.from({ length: gridH * gridW }, (_, p) => Math.max(Math.abs(Math.floor(p / gridW) - row), Math.abs((p % gridW) - col)) > radius);
}
