// Speed of vqct's registered kernels on wasm against the cpu backend, and a
// small conv-net training step on wasm vs cpu. Run after a build:
//   pnpm --filter @vqct/backend-node bench
// Medians of REPS runs after WARM warm-ups; inputs seeded. Prints a table.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@vqct/core';
import { useNodeBackend } from '../dist/index.js';
import { quick, report } from '../../../bench/lib.mjs';

// `pnpm bench --quick`: one timed run after one warm-up (sizes stay: the kernels are quick).
const REPS = Number(process.env.BENCH_REPS ?? (quick ? 1 : 5));
const WARM = quick ? 1 : 2;
/** A run slower than this is timed once, without warm-ups beyond the first (the cpu backend). */
const SLOW_MS = 2_000;

function randn(seed, shape, scale = 1) {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

async function median(fn, reps = REPS) {
  const times = [];
  for (let i = 0; i < WARM + reps; i++) {
    const t0 = performance.now();
    const out = tf.tidy(fn);
    const list = Array.isArray(out) ? out : [out];
    await Promise.all(list.map((t) => t.data()));
    tf.dispose(list);
    const ms = performance.now() - t0;
    if (i >= WARM) times.push(ms);
    // The cpu backend can be very slow: then one warm-up and one timed run.
    if (ms > SLOW_MS && i === 0) i = WARM - 1;
    if (ms > SLOW_MS && i >= WARM) break;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const kernel = (name, inputs, attrs) => tf.engine().runKernel(name, inputs, attrs);

const CASES = [
  {
    name: 'Conv2DBackpropFilter x[4,16,16,32] f3x3 32->32',
    setup: () => ({ x: randn(1, [4, 16, 16, 32]), dy: randn(2, [4, 16, 16, 32]) }),
    run: (d) => kernel('Conv2DBackpropFilter', { x: tf.tensor4d(d.x, [4, 16, 16, 32]), dy: tf.tensor4d(d.dy, [4, 16, 16, 32]) }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 32, 32] }),
  },
  {
    name: 'Conv2DBackpropFilter x[4,8,8,64] f3x3 s2 64->64',
    setup: () => ({ x: randn(3, [4, 8, 8, 64]), dy: randn(4, [4, 4, 4, 64]) }),
    run: (d) => kernel('Conv2DBackpropFilter', { x: tf.tensor4d(d.x, [4, 8, 8, 64]), dy: tf.tensor4d(d.dy, [4, 4, 4, 64]) }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 64, 64] }),
  },
  {
    name: 'UnsortedSegmentSum [2048,64] -> 512 (gather grad)',
    setup: () => ({ x: randn(5, [2048, 64]), ids: Int32Array.from(randn(6, [2048]), (v) => Math.abs(Math.floor(v * 500)) % 512) }),
    run: (d) => tf.unsortedSegmentSum(tf.tensor2d(d.x, [2048, 64]), tf.tensor1d(d.ids, 'int32'), 512),
  },
  {
    name: 'ResizeNearestNeighborGrad [4,8,8,64] -> 16x16',
    setup: () => ({ img: randn(7, [4, 8, 8, 64]), dy: randn(8, [4, 16, 16, 64]) }),
    run: (d) => kernel('ResizeNearestNeighborGrad', { images: tf.tensor4d(d.img, [4, 8, 8, 64]), dy: tf.tensor4d(d.dy, [4, 16, 16, 64]) }, { alignCorners: false, halfPixelCenters: false }),
  },
  {
    name: 'matMul [2048,64] x [512,64]^T (distances)',
    setup: () => ({ a: randn(9, [2048, 64]), b: randn(10, [512, 64]) }),
    run: (d) => tf.matMul(tf.tensor2d(d.a, [2048, 64]), tf.tensor2d(d.b, [512, 64]), false, true),
  },
  {
    name: 'matMul [2048,64]^T x [2048,512] (codebook grad)',
    setup: () => ({ a: randn(11, [2048, 64]), b: randn(12, [2048, 512], 0.01) }),
    run: (d) => tf.matMul(tf.tensor2d(d.a, [2048, 64]), tf.tensor2d(d.b, [2048, 512]), true, false),
  },
];

function convNetStep(params, x, opt) {
  const loss = () => {
    let y = tf.conv2d(x, params[0], 1, 'same');
    y = tf.mul(y, tf.sigmoid(y));
    y = tf.conv2d(tf.pad(y, [[0, 0], [0, 1], [0, 1], [0, 0]]), params[1], 2, 'valid');
    y = tf.mul(y, tf.sigmoid(y));
    y = tf.conv2d(y, params[2], 1, 'same');
    y = tf.image.resizeNearestNeighbor(y, [16, 16]);
    y = tf.conv2d(y, params[3], 1, 'same');
    return tf.mean(tf.abs(tf.sub(y, x)));
  };
  return opt.minimize(loss, true);
}

async function trainStep(backend) {
  await useNodeBackend({ backend });
  const shapes = [[3, 3, 3, 32], [3, 3, 32, 32], [3, 3, 32, 32], [3, 3, 32, 3]];
  const params = shapes.map((s, i) => tf.variable(tf.tensor(randn(20 + i, s, 0.05), s)));
  const x = tf.tensor4d(randn(30, [4, 16, 16, 3]), [4, 16, 16, 3]);
  const opt = tf.train.adam(1e-3);
  const ms = await median(() => convNetStep(params, x, opt));
  opt.dispose();
  tf.dispose([x, ...params]);
  return ms;
}

const f = (v) => (Number.isFinite(v) ? v.toFixed(1) : '');
const collected = [];
const rows = {
  push(r) {
    collected.push(r);
    process.stdout.write(`| ${r.kernel} | ${r.backend} | ${f(r.ms)} | ${f(r.cpu)} | ${r.speedup ? `${r.speedup.toFixed(1)}x` : ''} |\n`);
  },
};
process.stdout.write(`| kernel / work | backend | ms (median of up to ${REPS}) | cpu ms | cpu / wasm |\n|---|---|---:|---:|---:|\n`);
// 1. tfjs's wasm BatchMatMul before vqct wraps it (transpose flags on).
await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('wasm');
for (const c of CASES.filter((c) => c.name.startsWith('matMul'))) {
  const d = c.setup();
  rows.push({ kernel: `${c.name}, tfjs wasm as shipped`, backend: 'wasm (flags)', ms: await median(() => c.run(d)) });
}
// 2. vqct's kernels on wasm vs the cpu backend's.
const data = CASES.map((c) => c.setup());
const results = {};
for (const backend of ['wasm', 'cpu']) {
  const report = await useNodeBackend({ backend });
  if (backend === 'wasm') rows.push({ kernel: report.line, backend: '', ms: NaN });
  for (const [i, c] of CASES.entries()) results[`${c.name}|${backend}`] = await median(() => c.run(data[i]));
}
for (const c of CASES) {
  const w = results[`${c.name}|wasm`];
  const cpu = results[`${c.name}|cpu`];
  rows.push({ kernel: c.name, backend: 'wasm (vqct)', ms: w, cpu, speedup: cpu / w });
}
// 3. A conv-net training step (forward, L1, backward, Adam), batch 4 of 16x16x3, 32 channels.
const wasmStep = await trainStep('wasm');
const cpuStep = await trainStep('cpu');
rows.push({ kernel: 'conv-net train step b4 16x16 ch32 (4 convs, Adam)', backend: 'wasm (vqct)', ms: wasmStep, cpu: cpuStep, speedup: cpuStep / wasmStep });


// The same rows for `pnpm bench` (medians only: this file keeps no min/max).
report('backend-node kernels (wasm vs cpu)', collected.filter((r) => Number.isFinite(r.ms)).map((r) => ({
  name: r.kernel, backend: r.backend, median: r.ms, unit: 'ms', note: Number.isFinite(r.cpu) ? `cpu ${r.cpu.toFixed(1)} ms, ${r.speedup.toFixed(1)}x` : '',
})));
