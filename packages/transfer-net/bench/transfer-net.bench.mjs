// Transfer-net benchmark (BENCH.md, "Other figures"): forward + backward for
// K = 10,000 words, d 100 -> 256 -> 256, E = 40,000 random seeded adjective–noun
// edges of weight 1, on the cpu and wasm backends. Medians of BENCH_STEPS (default 5)
// steps after 2 warm-ups. Imports the built package: run `pnpm build` first.
//   pnpm --filter @vqct/transfer-net bench
//   BENCH_STEPS=3 BENCH_BACKENDS=wasm node bench/transfer-net.bench.mjs
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@vqct/core';
import { useNodeBackend } from '@vqct/backend-node';
import { createTransferNet } from '../dist/index.js';
import { peakRssMiB, quick, report } from '../../../bench/lib.mjs';

// `pnpm bench --quick` (the test suite's smoke run): a small graph, one step.
const K_ADJ = quick ? 100 : 2500;
const K_NOUN = quick ? 300 : 7500;
const DIM = 100;
const EDGES = quick ? 1600 : 40_000;
const STEPS = Number(process.env.BENCH_STEPS ?? (quick ? 1 : 5));
const WARMUP = quick ? 1 : 2;
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'cpu,wasm').split(',');

function makePrior(seed = 1) {
  const rng = new Rng(seed);
  const k = K_ADJ + K_NOUN;
  const vectors = new Float32Array(k * DIM);
  for (let i = 0; i < vectors.length; i++) vectors[i] = rng.normal();
  const edgeIndex = new Int32Array(2 * EDGES);
  for (let e = 0; e < EDGES; e++) {
    edgeIndex[2 * e] = rng.int(K_ADJ);
    edgeIndex[2 * e + 1] = K_ADJ + rng.int(K_NOUN);
  }
  return { kAdj: K_ADJ, kNoun: K_NOUN, dim: DIM, vectors, edgeIndex, edgeWeight: new Float32Array(EDGES).fill(1) };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function measure(prior, aggregation) {
  const tBuild = performance.now();
  const net = createTransferNet(prior, { aggregation, hiddenDim: 256, codeDim: 256, seed: 0 });
  const buildMs = performance.now() - tBuild;
  const vars = net.trainableVariables();
  const step = async (seed) => {
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(net.trainingCodebook({ seed }))), vars);
    await Promise.all(Object.values(grads).map((g) => g.data()));
    value.dispose();
    tf.dispose(Object.values(grads));
  };
  const forward = async () => {
    net.invalidate();
    await net.inferenceCodebook().data();
  };
  for (let i = 0; i < WARMUP; i++) await step(i);
  const train = [];
  for (let i = 0; i < STEPS; i++) train.push(await time(() => step(100 + i)));
  await forward();
  const fwd = [];
  for (let i = 0; i < STEPS; i++) fwd.push(await time(forward));
  const entries = net.numAdjacencyEntries;
  net.dispose();
  return { buildMs, train: median(train), fwd: median(fwd), entries, trainMin: Math.min(...train), trainMax: Math.max(...train), fwdMin: Math.min(...fwd), fwdMax: Math.max(...fwd), rss: peakRssMiB() };
}

const prior = makePrior();
const rows = [];
for (const backend of BACKENDS) {
  const report = await useNodeBackend({ backend });
  for (const aggregation of ['sparse-segment', 'gather-scatter']) {
    const row = { backend: report.line.split(';')[0].replace('backend ', ''), aggregation };
    if (aggregation === 'gather-scatter' && tf.getKernel('UnsortedSegmentSum', tf.getBackend()) == null) {
      rows.push({ ...row, note: 'missing kernel (UnsortedSegmentSum)' });
      continue;
    }
    if (aggregation === 'gather-scatter' && backend === 'cpu') {
      rows.push({ ...row, note: 'skipped: tfjs-backend-cpu UnsortedSegmentSum is O(K·E·e)' });
      continue;
    }
    const before = tf.memory().numTensors;
    const r = await measure(prior, aggregation);
    const leaked = tf.memory().numTensors - before;
    rows.push({ ...row, ...r, note: leaked === 0 ? '' : `LEAK ${leaked} tensors` });
  }
}

const fmt = (ms) => (ms == null ? '—' : `${ms.toFixed(0)} ms`);
const lines = [
  `transfer net: K = ${K_ADJ + K_NOUN} (${K_ADJ} adj + ${K_NOUN} noun), d ${DIM} -> 256 -> 256, E = ${EDGES}; median of ${STEPS} after ${WARMUP} warm-ups`,
  '',
  '| backend | aggregation | Â entries | build | forward + backward | forward (inference) | rss | note |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.backend} | ${r.aggregation} | ${r.entries ?? '—'} | ${fmt(r.buildMs)} | ${fmt(r.train)} | ${fmt(r.fwd)} | ${r.train == null ? '—' : `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`} | ${r.note} |`),
];
process.stdout.write(`${lines.join('\n')}\n`);

report(`transfer net K = ${K_ADJ + K_NOUN}, ${DIM} -> 256 -> 256, E = ${EDGES}`, rows.flatMap((r) => (r.train == null
  ? [{ name: `fwd+bwd (${r.aggregation})`, backend: r.backend, note: r.note }]
  : [
      { name: `fwd+bwd (${r.aggregation})`, backend: r.backend, median: r.train, min: r.trainMin, max: r.trainMax, runs: STEPS, unit: 'ms', rssMiB: r.rss, note: r.note || `Â ${r.entries} entries` },
      { name: `forward, inference (${r.aggregation})`, backend: r.backend, median: r.fwd, min: r.fwdMin, max: r.fwdMax, runs: STEPS, unit: 'ms', rssMiB: r.rss, note: r.note },
    ])));
