import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveVqModelConfig } from '../config/resolve-config';
import { nearestCodes } from './nearest-codes';
import { VariableCodebookSource } from './variable-codebook-source';
import { VqctQuantizer } from './vqct-quantizer';

// 3 adjective codes then 2 noun codes, e = 2.
const CODES = [
  [0, 0],
  [2, 0],
  [0, 2],
  [1, 1],
  [-1, -1],
];

function make(overrides: Parameters<typeof resolveVqModelConfig>[0] = {}) {
  const source = new VariableCodebookSource(3, 2, CODES);
  const config = resolveVqModelConfig({ preset: 'tiny', codeDim: 2, ...(overrides as object) });
  return { source, q: new VqctQuantizer(config, source) };
}

describe('VqctQuantizer', () => {
  let before = 0;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  it('picks the top-k mean of adjective codes and the nearest noun code', async () => {
    const { source, q } = make();
    // position 0: adj z=(0.9,0.1): nearest (0,0) d=.82, then (2,0) d=1.22 -> mean (1,0); noun z=(0.8,0.9) -> (1,1)
    // position 1: adj z=(0.1,1.8): (0,2) then (0,0) -> (0,1); noun z=(-2,0) -> (-1,-1)
    const z = tf.tensor4d([0.9, 0.1, 0.8, 0.9, 0.1, 1.8, -2, 0], [1, 1, 2, 4]);
    const out = tf.tidy(() => {
      const r = q.quantize(z, { training: false });
      return [r.quantized, r.tokens];
    });
    expect(Array.from(await out[0].data())).toEqual([1, 0, 1, 1, 0, 1, -1, -1]);
    expect(out[1].dtype).toBe('int32');
    expect(Array.from(await out[1].data())).toEqual([0, 1, 0, 2, 0, 1]);
    tf.dispose([...out, z]);
    source.dispose();
  });

  it('breaks ties to the lowest index', async () => {
    const codes = tf.tensor2d([
      [1, 0],
      [0, 1],
      [-1, 0],
      [1, 0],
    ]);
    // (0,0) is at distance 1 from all four codes; (1,0) ties codes 0 and 3.
    const z = tf.tensor2d([
      [0, 0],
      [1, 0],
    ]);
    const idx = nearestCodes(z, codes, 3);
    expect(await idx.array()).toEqual([
      [0, 1, 2],
      [0, 3, 1],
    ]);
    // blocked search (one row per block) gives the same answer
    const blocked = nearestCodes(z, codes, 3, 1);
    expect(await blocked.array()).toEqual(await idx.array());
    tf.dispose([codes, z, idx, blocked]);
  });

  it.each(['authors', 'vqvae'] as const)('loss and gradients on a hand-computed case (%s placement)', async (placement) => {
    const { source, q } = make({ betaPlacement: placement, beta: 0.25 });
    // one position; adj z=(0.9,0.1) -> q=(1,0); noun z=(0.8,0.9) -> q=(1,1)
    const z = tf.tidy(() => tf.variable(tf.tensor4d([0.9, 0.1, 0.8, 0.9], [1, 1, 1, 4])));
    const { value, grads } = tf.variableGrads(() => q.quantize(z as tf.Tensor4D, { training: true }).loss, [z, source.codebook]);
    // per half mse: adj ((0.1)^2 + (0.1)^2)/2 = 0.01, noun ((0.2)^2 + (0.1)^2)/2 = 0.025
    expect(await value.data()).toBeCloseTo((1 + 0.25) * (0.01 + 0.025), 6);
    const cz = placement === 'authors' ? 1 : 0.25;
    const cq = placement === 'authors' ? 0.25 : 1;
    // d/dz of c * mean((z - q)^2) over e = 2 values: c * (z - q)
    const gz = Array.from(await grads[z.name].data());
    [0.9 - 1, 0.1 - 0, 0.8 - 1, 0.9 - 1].forEach((d, i) => expect(gz[i]).toBeCloseTo(cz * d, 6));
    // the codebook: adjective codes 0 and 1 each get half of cq * (q - z); noun code 3 gets all of it
    const gw = (await grads[source.codebook.name].array()) as number[][];
    const adj = [cq * (1 - 0.9) * 0.5, cq * (0 - 0.1) * 0.5];
    expect(gw[0][0]).toBeCloseTo(adj[0], 6);
    expect(gw[0][1]).toBeCloseTo(adj[1], 6);
    expect(gw[1][0]).toBeCloseTo(adj[0], 6);
    expect(gw[2]).toEqual([0, 0]);
    expect(gw[3][0]).toBeCloseTo(cq * (1 - 0.8), 6);
    expect(gw[3][1]).toBeCloseTo(cq * (1 - 0.9), 6);
    expect(gw[4]).toEqual([0, 0]);
    tf.dispose([value, z, ...Object.values(grads)]);
    source.dispose();
  });

  it('passes the incoming gradient straight through to z', async () => {
    const { source, q } = make();
    const z = tf.tensor4d([0.9, 0.1, 0.8, 0.9, 0.1, 1.8, -2, 0], [1, 1, 2, 4]);
    const upstream = tf.tensor4d([1, -2, 3, 0.5, -1, 4, 0.25, 7], [1, 1, 2, 4]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(q.quantize(x as tf.Tensor4D, { training: true }).quantized, upstream)))(z);
    expect(Array.from(await g.data())).toEqual(Array.from(await upstream.data()));
    tf.dispose([z, upstream, g]);
    source.dispose();
  });

  it('round-trips tokens exactly and invalidates the source after a step', async () => {
    const { source, q } = make();
    const z = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 7) as tf.Tensor4D;
    const [a, b] = tf.tidy(() => {
      const r = q.quantize(z, { training: false });
      return [r.quantized, q.lookup(r.tokens)];
    });
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    q.afterStep();
    expect(source.invalidations).toBe(1);
    tf.dispose([z, a, b]);
    source.dispose();
  });

  it('reads tokens back for the range check only when they were not made by a quantizer', () => {
    const { source, q } = make();
    const z = tf.randomNormal([1, 2, 2, 4], 0, 1, 'float32', 3) as tf.Tensor4D;
    const tokens = tf.tidy(() => q.quantize(z, { training: false }).tokens);
    const copy = tf.clone(tokens);
    tf.dispose(q.lookup(tokens)); // warm-up: the codebook is made on first use
    // Kernels may read on some backends (cpu's gather); the check adds exactly one read.
    const backend = tf.backend() as unknown as { readSync(id: unknown): unknown };
    const readSync = backend.readSync.bind(backend);
    const readsOf = (t: tf.Tensor4D): number => {
      let reads = 0;
      backend.readSync = (id) => { reads += 1; return readSync(id); };
      try {
        tf.dispose(q.lookup(t));
      } finally {
        backend.readSync = readSync;
      }
      return reads;
    };
    expect(readsOf(copy) - readsOf(tokens)).toBe(1);
    tf.dispose([z, tokens, copy]);
    source.dispose();
  });

  it('rejects bad shapes, tokens and mismatched sources clearly', () => {
    const { source, q } = make();
    const z = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    expect(() => q.quantize(z, { training: false })).toThrow(/quantizer input must be \[b, h, w, 4\].*got \[1, 2, 2, 3\]/);
    const bad = tf.tensor4d([0, 1, 9], [1, 1, 1, 3], 'int32');
    expect(() => q.lookup(bad)).toThrow(/noun token out of range.*expected 0..1/);
    const floaty = tf.zeros([1, 1, 1, 3]) as tf.Tensor4D;
    expect(() => q.lookup(floaty)).toThrow(/tokens must be int32/);
    expect(() => new VqctQuantizer(resolveVqModelConfig({ preset: 'tiny', codeDim: 3 }), source)).toThrow(/codeDim: the config says 3/);
    expect(() => new VqctQuantizer(resolveVqModelConfig({ preset: 'tiny', codeDim: 2, topK: 4 }), source)).toThrow(/topK: 4 exceeds the 3 adjective codes/);
    tf.dispose([z, bad, floaty]);
    source.dispose();
  });
});
