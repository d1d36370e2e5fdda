import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { denseNormalizedAdjacency, matmul, randomPrior, rows, tinyPrior } from '../test/priors';
import type { CodebookSourceShape } from './codebook-source';
import { createTransferNet } from './transfer-net';

function values(t: tf.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

describe('TransferNet', () => {
  let before = 0;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  it('computes C = Â ReLU(Â X W1 + b1) W2 + b2 (checked against a dense reference)', () => {
    const prior = tinyPrior();
    const net = createTransferNet(prior, { hiddenDim: 5, codeDim: 4, seed: 3 });
    const w = net.namedWeights();
    expect(Object.keys(w)).toEqual(['gcn.0.weight', 'gcn.0.bias', 'gcn.1.weight', 'gcn.1.bias']);
    expect(w['gcn.0.weight'].shape).toEqual([3, 5]);
    expect(w['gcn.1.weight'].shape).toEqual([5, 4]);
    expect(Array.from(values(w['gcn.0.bias']))).toEqual([0, 0, 0, 0, 0]); // PyG: zero bias
    tf.tidy(() => {
      w['gcn.0.bias'].assign(tf.tensor1d([0.1, -0.2, 0.3, -0.4, 0.5]));
      w['gcn.1.bias'].assign(tf.tensor1d([1, 2, 3, 4]));
    });
    net.invalidate();
    const a = denseNormalizedAdjacency(prior);
    const x = rows(prior.vectors, 3);
    const b1 = Array.from(values(w['gcn.0.bias']));
    const b2 = Array.from(values(w['gcn.1.bias']));
    const h = matmul(matmul(a, x), rows(values(w['gcn.0.weight']), 5)).map((r) => r.map((v, j) => Math.max(0, v + b1[j])));
    const ref = matmul(matmul(a, h), rows(values(w['gcn.1.weight']), 4)).map((r) => r.map((v, j) => v + b2[j]));
    const c = net.inferenceCodebook();
    expect(c.shape).toEqual([4, 4]);
    rows(values(c), 4).forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(ref[i][j], 5)));
    net.dispose();
  });

  it('satisfies the CodebookSource contract and splits adjective and noun rows', () => {
    const net = createTransferNet(tinyPrior(), { hiddenDim: 8, codeDim: 6 });
    const source: CodebookSourceShape = net;
    expect([source.kAdj, source.kNoun, source.codeDim]).toEqual([2, 2, 6]);
    expect(source.trainableVariables()).toHaveLength(4);
    // Created inside someone else's tidy, the cached codebook still survives it.
    let inside: tf.Tensor2D | undefined;
    tf.tidy(() => {
      inside = source.inferenceCodebook();
    });
    const c = source.inferenceCodebook();
    expect(c).toBe(inside);
    expect(source.inferenceCodebook()).toBe(c); // cached
    expect(c.isDisposed).toBe(false);
    const { adjective, noun } = net.splitCodebook(c);
    expect(adjective.shape).toEqual([2, 6]);
    expect(noun.shape).toEqual([2, 6]);
    expect(Array.from(values(noun))).toEqual(Array.from(values(c)).slice(12));
    tf.dispose([adjective, noun]);
    source.invalidate();
    expect(c.isDisposed).toBe(true);
    expect(source.inferenceCodebook()).not.toBe(c);
    net.dispose();
    expect(() => net.inferenceCodebook()).toThrow(/disposed/);
  });

  it('applies dropout in training only, seeded', () => {
    const prior = randomPrior(20, 30, 8, 80);
    const net = createTransferNet(prior, { hiddenDim: 32, codeDim: 16, seed: 5 });
    const noDrop = createTransferNet(prior, { hiddenDim: 32, codeDim: 16, seed: 5, dropout: 0 });
    tf.tidy(() => {
      const inf = values(net.inferenceCodebook());
      expect(values(net.inferenceCodebook())).toEqual(inf);
      // With dropout 0, a training codebook is the inference codebook.
      expect(values(noDrop.trainingCodebook({ seed: 1 }))).toEqual(values(noDrop.inferenceCodebook()));
      expect(values(noDrop.inferenceCodebook())).toEqual(inf);
      const t1 = values(net.trainingCodebook({ seed: 1 }));
      const t1again = values(net.trainingCodebook({ seed: 1 }));
      const t2 = values(net.trainingCodebook({ seed: 2 }));
      expect(t1again).toEqual(t1);
      expect(t2).not.toEqual(t1);
      expect(t1).not.toEqual(inf);
      // Unseeded calls follow the net's own stream, restorable from rngState().
      const state = net.rngState();
      const u1 = values(net.trainingCodebook());
      const u2 = values(net.trainingCodebook());
      expect(u2).not.toEqual(u1);
      net.setRngState(state);
      expect(values(net.trainingCodebook())).toEqual(u1);
    });
    net.dispose();
    noDrop.dispose();
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const prior = randomPrior(10, 15, 6, 40);
    const [a, b, c] = [1, 1, 2].map((seed) => createTransferNet(prior, { hiddenDim: 16, codeDim: 8, seed }));
    expect(values(a.inferenceCodebook())).toEqual(values(b.inferenceCodebook()));
    expect(values(a.inferenceCodebook())).not.toEqual(values(c.inferenceCodebook()));
    tf.tidy(() => {
      expect(values(a.trainingCodebook({ seed: 9 }))).toEqual(values(b.trainingCodebook({ seed: 9 })));
    });
    [a, b, c].forEach((n) => n.dispose());
  });

  it('lets a loss on ONE code reach W1, W2 and move EVERY row of C (no code can die)', () => {
    const prior = randomPrior(30, 50, 8, 60, 11); // sparse: some words have no edge at all
    const net = createTransferNet(prior, { hiddenDim: 16, codeDim: 8, seed: 2, dropout: 0 });
    const vars = net.trainableVariables();
    const c0 = values(net.inferenceCodebook()).slice();
    const { grads, value } = tf.variableGrads(() => {
      const c = net.trainingCodebook({ seed: 0 });
      return tf.sum(tf.square(tf.slice(c, [42, 0], [1, 8]))) as tf.Scalar; // touches code 42 only
    }, vars);
    value.dispose();
    const gradNorms = vars.map((v) => tf.tidy(() => tf.norm(grads[v.name]).dataSync()[0]));
    expect(gradNorms[0]).toBeGreaterThan(0); // W1
    expect(gradNorms[2]).toBeGreaterThan(0); // W2
    tf.tidy(() => vars.forEach((v) => v.assign(tf.sub(v, tf.mul(0.01, grads[v.name])))));
    tf.dispose(Object.values(grads));
    net.invalidate();
    const c1 = values(net.inferenceCodebook());
    const moved = rows(c1, 8).map((r, i) => Math.max(...r.map((v, j) => Math.abs(v - c0[i * 8 + j]))));
    expect(Math.min(...moved)).toBeGreaterThan(1e-7); // every one of the 80 codes moved
    expect(moved.filter((m) => m > 0)).toHaveLength(80);
    net.dispose();
  });

  it.each(['gcn', 'mlp'] as const)('has no tensor leaks over 100 forward/backward passes (%s)', (kind) => {
    const net = createTransferNet(randomPrior(40, 60, 12, 150), { kind, hiddenDim: 24, codeDim: 16 });
    const vars = net.trainableVariables();
    const step = (seed: number): void => {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(net.trainingCodebook({ seed }))) as tf.Scalar, vars);
      tf.tidy(() => vars.forEach((v) => v.assign(tf.sub(v, tf.mul(0.1, grads[v.name])))));
      net.invalidate();
      net.inferenceCodebook();
      value.dispose();
      tf.dispose(Object.values(grads));
    };
    step(0); // builds the propagation's per-width constants (kept by the net) and the cache
    const start = tf.memory().numTensors;
    for (let i = 1; i <= 100; i++) step(i);
    expect(tf.memory().numTensors).toBe(start);
    net.dispose();
  });

  it('offers the MLP and random-feature ablations', () => {
    const prior = randomPrior(10, 10, 6, 30);
    const gcn = createTransferNet(prior, { hiddenDim: 8, codeDim: 4 });
    const mlp = createTransferNet(prior, { kind: 'mlp', hiddenDim: 8, codeDim: 4 });
    const rnd = createTransferNet(prior, { features: 'random', hiddenDim: 8, codeDim: 4 });
    expect(Object.keys(mlp.namedWeights())).toEqual(['mlp.0.weight', 'mlp.0.bias', 'mlp.1.weight', 'mlp.1.bias']);
    expect(mlp.numAdjacencyEntries).toBe(0);
    // Same seed, same weights: only the graph / the features differ.
    expect(values(mlp.namedWeights()['mlp.0.weight'])).toEqual(values(gcn.namedWeights()['gcn.0.weight']));
    expect(values(mlp.inferenceCodebook())).not.toEqual(values(gcn.inferenceCodebook()));
    expect(rnd.inferenceCodebook().shape).toEqual([20, 4]);
    expect(values(rnd.inferenceCodebook())).not.toEqual(values(gcn.inferenceCodebook()));
    [gcn, mlp, rnd].forEach((n) => n.dispose());
  });

  it("starts from PyTorch's nn.Linear init with init: 'torch-linear' (weights and biases U(±1/√fanIn))", () => {
    const prior = randomPrior(40, 60, 100, 10);
    const glorot = createTransferNet(prior, { kind: 'mlp', hiddenDim: 32, codeDim: 32, seed: 4 });
    const torch = createTransferNet(prior, { kind: 'mlp', hiddenDim: 32, codeDim: 32, seed: 4, init: 'torch-linear' });
    expect(glorot.config.init).toBe('glorot');
    const g = glorot.namedWeights();
    const t = torch.namedWeights();
    expect(values(g['mlp.0.bias']).every((v) => v === 0)).toBe(true);
    for (const [layer, fanIn, fanOut] of [[0, 100, 32], [1, 32, 32]]) {
      const bound = 1 / Math.sqrt(fanIn);
      const w = values(t[`mlp.${layer}.weight`]);
      const b = values(t[`mlp.${layer}.bias`]);
      expect(t[`mlp.${layer}.weight`].shape).toEqual([fanIn, fanOut]);
      expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
      // U(-b, b) has standard deviation b / √3; 3,200 or 1,024 draws land within 6% of it.
      const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
      expect(std / (bound / Math.sqrt(3))).toBeGreaterThan(0.94);
      expect(std / (bound / Math.sqrt(3))).toBeLessThan(1.06);
      expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(b.filter((v) => v !== 0)).toHaveLength(fanOut);
      // Glorot's bound here is √(6 / (fanIn + fanOut)): wider than torch's.
      const gStd = Math.sqrt(values(g[`mlp.${layer}.weight`]).reduce((s, v) => s + v * v, 0) / w.length);
      expect(gStd / std).toBeCloseTo(Math.sqrt(6 / (fanIn + fanOut)) / bound, 1);
    }
    expect(() => createTransferNet(prior, { init: 'kaiming' as never })).toThrow(/init: /);
    [glorot, torch].forEach((n) => n.dispose());
  });

  it('has configurable depth, width and activation; both aggregations agree', () => {
    const prior = randomPrior(10, 14, 6, 40);
    const one = createTransferNet(prior, { layers: 1, codeDim: 5 });
    const three = createTransferNet(prior, { layers: 3, hiddenDim: 7, codeDim: 5, activation: 'tanh' });
    expect(Object.keys(one.namedWeights())).toEqual(['gcn.0.weight', 'gcn.0.bias']);
    expect(three.trainableVariables().map((v) => v.shape)).toEqual([[6, 7], [7], [7, 7], [7], [7, 5], [5]]);
    expect(one.inferenceCodebook().shape).toEqual([24, 5]);
    expect(three.inferenceCodebook().shape).toEqual([24, 5]);
    const a = createTransferNet(prior, { hiddenDim: 12, codeDim: 4, seed: 8 });
    const b = createTransferNet(prior, { hiddenDim: 12, codeDim: 4, seed: 8, aggregation: 'gather-scatter' });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a.trainingCodebook({ seed: 3 }), b.trainingCodebook({ seed: 3 })))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    [one, three, a, b].forEach((n) => n.dispose());
  });

  it.each([
    ['an edge index out of range', (p: ReturnType<typeof tinyPrior>) => { p.edgeIndex[3] = 4; }, /edge 1 \(0, 4\) is out of range/],
    ['a NaN vector', (p: ReturnType<typeof tinyPrior>) => { p.vectors[7] = Number.NaN; }, /word 2 "bird" has a non-finite value NaN at component 1/],
    ['K = 0', (p: ReturnType<typeof tinyPrior>) => { Object.assign(p, { kAdj: 0, kNoun: 0, words: [], vectors: new Float32Array(0), edgeIndex: new Int32Array(0), edgeWeight: new Float32Array(0) }); }, /no words \(K = 0\)/],
    ['vectors that do not match K x dim', (p: ReturnType<typeof tinyPrior>) => { p.dim = 4; }, /has 12 values; K x dim = 4 x 4 needs 16/],
    ['edge weights that do not match the edges', (p: ReturnType<typeof tinyPrior>) => { p.edgeWeight = new Float32Array([1]); }, /edgeWeight has 1 values for 3 edges/],
  ])('rejects %s with a clear error', (_, mutate, message) => {
    const prior = tinyPrior();
    mutate(prior);
    expect(() => createTransferNet(prior)).toThrow(message);
  });

  it('rejects bad options naming the field', () => {
    expect(() => createTransferNet(tinyPrior(), { dropout: 1 })).toThrow(/dropout: .*got 1/);
    expect(() => createTransferNet(tinyPrior(), { kind: 'gat' as never, layers: 0 })).toThrow(/kind: [\s\S]*layers: /);
    expect(() => createTransferNet(tinyPrior(), { hiddenDim: 8, codeDims: 4 } as never)).toThrow(/codeDims/);
  });
});
