/**
 * The parity spec: seeded work that every backend must compute like the cpu
 * backend. Browser-safe (tfjs-core and @vqct/core only): Node runs it on cpu
 * and wasm (parity.test.ts), headless Chromium on webgpu and wasm
 * (@vqct/backend-web's test/browser-parity.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@vqct/core';

export interface ParityCase {
  name: string;
  /** Allowed max |a - b| / max(1, max |cpu|) per output. */
  tol: number;
  /** Outputs whose values must be equal exactly (indices). */
  exact?: number[];
  /** Minutes on the cpu backend: run only with VQCT_PARITY_FULL=1. */
  slow?: boolean;
  /** Runs inside tf.tidy; returns the outputs to compare. */
  run?(): tf.Tensor[];
  /**
   * Or: an async case (a training step reads its losses back with `await data()`, as
   * GPU backends need). Not in a tidy: it disposes all but its outputs itself.
   */
  runAsync?(): Promise<tf.Tensor[]>;
}

function randn(seed: number, shape: number[], scale = 1): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal() * scale), shape);
}

function ints(seed: number, shape: number[], hi: number): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Int32Array.from({ length: n }, () => rng.int(hi)), shape, 'int32');
}

const sg = tf.customGrad(((a: tf.Tensor) => ({ value: tf.add(a, 0), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) })) as never) as unknown as (a: tf.Tensor) => tf.Tensor;

/** f's value and gradients with respect to every input. */
function vg(f: (...xs: tf.Tensor[]) => tf.Tensor, ...xs: tf.Tensor[]): tf.Tensor[] {
  const { value, grads } = tf.valueAndGrads((...a: tf.Tensor[]) => tf.sum(f(...a)) as tf.Scalar)(xs);
  return [value, ...grads];
}

function groupNormSwish(x: tf.Tensor, groups: number): tf.Tensor {
  const [b, h, w, c] = x.shape;
  const g = tf.reshape(x, [b, h, w, groups, c / groups]);
  const { mean, variance } = tf.moments(g, [1, 2, 4], true);
  const y = tf.reshape(tf.div(tf.sub(g, mean), tf.sqrt(tf.add(variance, 1e-6))), x.shape);
  return tf.mul(y, tf.sigmoid(y));
}

export const PARITY_CASES: ParityCase[] = [
  { name: 'conv2d 3x3 same, batch 2, odd size: value + grads', tol: 1e-4,
    run: () => vg((x, w) => tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')), randn(1, [2, 7, 9, 5]), randn(2, [3, 3, 5, 6])) },
  { name: 'conv2d stride 2, right/bottom pad (downsample): value + grads', tol: 1e-4,
    run: () => vg((x, w) => tf.square(tf.conv2d(tf.pad(x, [[0, 0], [0, 1], [0, 1], [0, 0]]) as tf.Tensor4D, w as tf.Tensor4D, 2, 'valid')), randn(3, [3, 8, 6, 4]), randn(4, [3, 3, 4, 3])) },
  { name: 'conv2d 1x1: value + grads', tol: 1e-4,
    run: () => vg((x, w) => tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid'), randn(5, [2, 5, 5, 7])), randn(6, [2, 5, 5, 4]), randn(7, [1, 1, 4, 7])) },
  { name: 'matMul, all transpose flags, batched: value + grads', tol: 1e-4,
    run: () => [false, true].flatMap((ta) => [false, true].flatMap((tb) => vg((a, b) => tf.matMul(a, b, ta, tb),
      randn(8, ta ? [2, 6, 5] : [2, 5, 6]), randn(9, tb ? [2, 4, 6] : [2, 6, 4])))) },
  { name: 'GroupNorm (moments) + swish: value + grad', tol: 1e-4,
    run: () => vg((x) => tf.mul(groupNormSwish(x, 4), randn(10, [2, 4, 4, 8])), randn(11, [2, 4, 4, 8], 3)) },
  { name: 'softmax attention: value + grads', tol: 1e-4,
    run: () => vg((q, k, v) => tf.mul(tf.matMul(tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(8))), v), randn(12, [2, 16, 8])),
      randn(13, [2, 16, 8]), randn(14, [2, 16, 8]), randn(15, [2, 16, 8])) },
  { name: 'resizeNearestNeighbor 2x, batch 3: value + grad', tol: 1e-5,
    run: () => vg((x) => tf.mul(tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [10, 8]), randn(16, [3, 10, 8, 2])), randn(17, [3, 5, 4, 2])) },
  { name: 'pad, slice, concat, split: value + grad', tol: 1e-5,
    run: () => vg((x) => {
      const [a, b] = tf.split(x, 2, 3);
      return tf.mul(tf.concat([tf.slice(tf.pad(a, [[0, 0], [1, 0], [0, 2], [0, 0]]), [0, 1, 1, 0], [2, 4, 5, 2]), b], 3), randn(18, [2, 4, 5, 4]));
    }, randn(19, [2, 4, 5, 4])) },
  { name: 'gather + grad (UnsortedSegmentSum), unsortedSegmentSum', tol: 1e-5,
    run: () => [...vg((t) => tf.square(tf.gather(t, ints(20, [17], 9))), randn(21, [9, 5])),
      tf.unsortedSegmentSum(randn(22, [12, 3]), ints(23, [12], 4) as tf.Tensor1D, 4)] },
  { name: 'argMin, topk (indices exact)', tol: 1e-6, exact: [0, 2],
    run: () => { const d = randn(24, [40, 13]); const { values, indices } = tf.topk(tf.neg(d), 2); return [tf.argMin(d, 1), values, indices]; } },
  { name: 'dual quantizer step: distances, k=2 adjective mean, noun argMin, straight-through + loss grads', tol: 1e-4, exact: [1, 5],
    run: () => {
      const z = randn(25, [32, 8]);
      const adj = randn(26, [10, 4]);
      const noun = randn(27, [12, 4]);
      const dist = (x: tf.Tensor, c: tf.Tensor) => tf.add(tf.sub(tf.sum(tf.square(x), 1, true), tf.mul(2, tf.matMul(x, c, false, true))), tf.sum(tf.square(c), 1));
      // Indices are found outside the gradient (TopK has no gradient in tfjs), as the quantizer does.
      const adjIdx = tf.topk(tf.neg(dist(tf.slice(z, [0, 0], [32, 4]), adj)), 2).indices;
      const nounIdx = tf.argMin(dist(tf.slice(z, [0, 4], [32, 4]), noun), 1);
      const [value, gz, ga, gn] = vg((zz, a, n) => {
        const qa = tf.mean(tf.reshape(tf.matMul(tf.oneHot(tf.reshape(adjIdx, [-1]), 10), a), [32, 2, 4]), 1);
        const qn = tf.matMul(tf.oneHot(nounIdx, 12), n);
        const q = tf.concat([qa, qn], 1);
        const st = tf.add(zz, sg(tf.sub(q, zz)));
        const loss = tf.add(tf.mean(tf.squaredDifference(sg(q), zz)), tf.mul(0.25, tf.mean(tf.squaredDifference(q, sg(zz)))));
        return tf.add(tf.sum(tf.mul(st, randn(28, [32, 8]))), loss);
      }, z, adj, noun);
      return [value, nounIdx, gz, ga, gn, adjIdx];
    } },
  { name: 'GCN layer pair (dense normalized adjacency) + dropout-free: value + grads', tol: 1e-4,
    run: () => {
      const a = tf.abs(randn(29, [20, 20]));
      const sym = tf.add(tf.add(a, tf.transpose(a)), tf.eye(20));
      const dInv = tf.rsqrt(tf.sum(sym, 1));
      const norm = tf.mul(tf.mul(sym, tf.reshape(dInv, [20, 1])), tf.reshape(dInv, [1, 20]));
      return vg((x, w1, w2) => tf.matMul(norm, tf.matMul(tf.relu(tf.matMul(norm, tf.matMul(x, w1))), w2)), randn(30, [20, 6]), randn(31, [6, 8]), randn(32, [8, 8]));
    } },
  { name: 'Adam: 3 steps on a conv + L1 loss', tol: 1e-4,
    run: () => {
      const w = tf.variable(randn(33, [3, 3, 2, 2], 0.5));
      const x = randn(34, [2, 6, 6, 2]);
      const opt = tf.train.adam(0.05);
      for (let i = 0; i < 3; i++) opt.minimize(() => tf.mean(tf.abs(tf.sub(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), x))) as tf.Scalar);
      opt.dispose();
      const out = tf.add(w, 0);
      w.dispose();
      return [out];
    } },
];

/** Runs one case and returns its outputs as plain arrays (tensors disposed). */
export async function runCase(c: ParityCase): Promise<number[][]> {
  const outs = c.runAsync != null ? await c.runAsync() : tf.tidy(() => c.run!());
  const values = await Promise.all(outs.map(async (t) => Array.from(await t.data())));
  tf.dispose(outs);
  return values;
}

/** Compares a backend's outputs to cpu's; returns a failure message or null. */
export function compareCase(c: ParityCase, got: number[][], cpu: number[][]): string | null {
  if (got.length !== cpu.length) return `${c.name}: ${got.length} outputs, cpu has ${cpu.length}`;
  for (let i = 0; i < cpu.length; i++) {
    if (got[i].length !== cpu[i].length) return `${c.name} output ${i}: ${got[i].length} values, cpu has ${cpu[i].length}`;
    if (c.exact?.includes(i)) {
      const j = cpu[i].findIndex((v, k) => v !== got[i][k]);
      if (j >= 0) return `${c.name} output ${i}: index ${j} is ${got[i][j]}, cpu says ${cpu[i][j]}`;
      continue;
    }
    const scale = Math.max(1, ...cpu[i].map(Math.abs));
    const err = Math.max(0, ...cpu[i].map((v, k) => Math.abs(v - got[i][k]))) / scale;
    if (!(err <= c.tol)) return `${c.name} output ${i}: relative error ${err.toExponential(2)} > ${c.tol}`;
  }
  return null;
}
