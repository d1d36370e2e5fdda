import { describe, expect, it } from 'vitest';
import { ridgeSolve } from './ridge';

describe('ridgeSolve', () => {
  it('gives the minimum-norm exact solution of a wide system, and shrinks with the ridge', () => {
    // x + y = 2 (one row, two unknowns): the minimum-norm solution is (1, 1).
    ridgeSolve(Float64Array.from([1, 1]), 1, 2, Float64Array.from([2]), 1, 0).forEach((v) => expect(v).toBeCloseTo(1, 12));
    // A square system with two right-hand sides: [[2, 1], [1, 3]] θ = [[3, 1], [4, 2]].
    const theta = ridgeSolve(Float64Array.from([2, 1, 1, 3]), 2, 2, Float64Array.from([3, 1, 4, 2]), 2, 0);
    const want = [1, 0.2, 1, 0.6]; // θ = [[1, 0.2], [1, 0.6]]
    theta.forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
    const shrunk = ridgeSolve(Float64Array.from([1, 1]), 1, 2, Float64Array.from([2]), 1, 1);
    // λ = trace / rows = 2: θ = Fᵀ (2 + 2)⁻¹ 2 = (0.5, 0.5).
    shrunk.forEach((v) => expect(v).toBeCloseTo(0.5, 12));
  });

  it('refuses dependent rows without a ridge, and wrong sizes', () => {
    expect(() => ridgeSolve(Float64Array.from([1, 2, 2, 4]), 2, 2, Float64Array.from([1, 2]), 1, 0)).toThrow(/not positive definite at row 1/);
    expect(() => ridgeSolve(Float64Array.from([1, 2, 3]), 2, 2, Float64Array.from([1, 2]), 1, 0)).toThrow(/F is 3 values for 2 x 2/);
  });
});
