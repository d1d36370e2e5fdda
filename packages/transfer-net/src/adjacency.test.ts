import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { denseNormalizedAdjacency, randomPrior, rows, tinyPrior } from '../test/priors';
import { normalizedAdjacency, priorAdjacency } from './adjacency';
import { SparsePropagation } from './propagation';

describe('normalizedAdjacency', () => {
  it('matches hand-computed D^-1/2 (A + I) D^-1/2 with duplicates summed and an isolated node', () => {
    // A + I: row 0 = [1, 0, 3, 0] (1 + 2 summed), row 1 = [0, 1, 1, 0], row 2 = [3, 1, 1, 0], row 3 = [0, 0, 0, 1]
    // degrees 4, 2, 5, 1
    const a = priorAdjacency(tinyPrior());
    expect(Array.from(a.degree)).toEqual([4, 2, 5, 1]);
    expect(Array.from(a.target)).toEqual([0, 0, 1, 1, 2, 2, 2, 3]);
    expect(Array.from(a.source)).toEqual([0, 2, 1, 2, 0, 1, 2, 3]);
    const expected = [1 / 4, 3 / Math.sqrt(20), 1 / 2, 1 / Math.sqrt(10), 3 / Math.sqrt(20), 1 / Math.sqrt(10), 1 / 5, 1];
    Array.from(a.weight).forEach((w, m) => expect(w).toBeCloseTo(expected[m], 7));
  });

  it('gives every node a self-loop of weight 1 even without edges', () => {
    const a = normalizedAdjacency(3, new Int32Array(0), new Float32Array(0));
    expect(Array.from(a.source)).toEqual([0, 1, 2]);
    expect(Array.from(a.weight)).toEqual([1, 1, 1]);
  });

  it('treats (i, j) and (j, i) as the same undirected edge', () => {
    const a = normalizedAdjacency(2, new Int32Array([0, 1, 1, 0]), new Float32Array([1, 1]));
    // A + I = [[1, 2], [2, 1]], degrees 3, 3
    expect(Array.from(a.weight).map((w) => Number(w.toFixed(6)))).toEqual([1 / 3, 2 / 3, 2 / 3, 1 / 3].map((w) => Number(w.toFixed(6))));
  });

  it('rejects bad graphs with clear errors', () => {
    expect(() => normalizedAdjacency(3, new Int32Array([0, 3]), new Float32Array([1]))).toThrow(/edge 0 \(0, 3\) is out of range: node indices must be in 0\.\.2/);
    expect(() => normalizedAdjacency(3, new Int32Array([-1, 1]), new Float32Array([1]))).toThrow(/out of range/);
    expect(() => normalizedAdjacency(3, new Int32Array([1, 1]), new Float32Array([1]))).toThrow(/self-loop/);
    expect(() => normalizedAdjacency(3, new Int32Array([0, 1]), new Float32Array([Number.NaN]))).toThrow(/weight NaN/);
    expect(() => normalizedAdjacency(3, new Int32Array([0, 1]), new Float32Array([-1]))).toThrow(/finite and >= 0/);
    expect(() => normalizedAdjacency(3, new Int32Array([0, 1, 2]), new Float32Array([1]))).toThrow(/odd/);
    expect(() => normalizedAdjacency(0, new Int32Array(0), new Float32Array(0))).toThrow(/at least one node, got K = 0/);
  });
});

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

const unitWeights = { ...randomPrior(7, 9, 4, 30, 3), edgeWeight: new Float32Array(30).fill(1) };
const earlyWeighted = { kAdj: 2, kNoun: 14, edgeIndex: new Int32Array([0, 2, 1, 2, 0, 15]), edgeWeight: new Float32Array([2.5, 1, 1]) };
const graphs = [
  ['weights 1..3', randomPrior(7, 9, 4, 30, 3)],
  ['all weights 1', unitWeights],
  ['one weighted pair far from the last node', earlyWeighted],
] as const;

describe.each(['sparse-segment', 'gather-scatter'] as const)('SparsePropagation (%s)', (aggregation) => {
  it.each(graphs)('computes Â H like the dense product, and its gradient is Âᵀ dY (%s)', async (_, prior) => {
    const dense = denseNormalizedAdjacency(prior);
    const k = 16;
    const before = tf.memory().numTensors;
    const prop = new SparsePropagation(priorAdjacency(prior), aggregation);
    const hData = Float32Array.from({ length: k * 5 }, (_, i) => Math.sin(i));
    const h = tf.tensor2d(hData, [k, 5]);
    const y = prop.apply(h);
    const a = tf.tensor2d(dense);
    const ref = tf.matMul(a, h);
    expect(maxAbsDiff(y, ref)).toBeLessThan(1e-5);
    // d/dH sum(Â H ⊙ G) = Âᵀ G, with a non-uniform G
    const g = tf.tensor2d(Float32Array.from({ length: k * 5 }, (_, i) => Math.cos(3 * i)), [k, 5]);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(prop.apply(x as tf.Tensor2D), g)))(h);
    const refGrad = tf.matMul(a, g, true, false);
    expect(maxAbsDiff(grad, refGrad)).toBeLessThan(1e-5);
    expect(rows(await y.data(), 5).length).toBe(k);
    tf.dispose([h, y, a, ref, g, grad, refGrad]);
    prop.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
