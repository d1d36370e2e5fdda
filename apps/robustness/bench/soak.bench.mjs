// Soak: several thousand training steps of the tiny preset (narrowed, as the fuzzer's
// run), then thousands of encode/decode round trips the way the playground's engine
// makes them. tf.memory().numTensors must stay flat, RSS within a stated bound.
// Full: 3,000 steps + 3,000 round trips (~30 min on 2 cores); --quick: 10 + 10.
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { seededBenchmarkPrior } from '@vqct/prior';
import { createTransferNet } from '@vqct/transfer-net';
import {
  ArrayImageDataset, BatchLoader, PatchDiscriminator, Trainer, createVqModel, createVqganStep, learningRate, resolveTrainOptions, resolveVqModelConfig,
} from '@vqct/vq';
import { backendLabel, quick, report } from '../../../bench/lib.mjs';

/** RSS may grow at most this much from the end of warm-up to the end (MiB). */
const RSS_BOUND_MIB = 64;
const STEPS = Number(process.env.VQCT_SOAK_STEPS ?? (quick ? 10 : 3000));
const TRIPS = Number(process.env.VQCT_SOAK_TRIPS ?? (quick ? 10 : 3000));
const WARMUP = Math.max(5, Math.floor(STEPS / 20));

const backend = await useNodeBackend();
const prior = seededBenchmarkPrior({ kAdj: 12, kNoun: 20, dim: 8, seed: 1 });
const config = resolveVqModelConfig({ preset: 'tiny', ch: 32, chMult: [1, 1], zChannels: 8, codeDim: 8, midAttention: false, kAdj: prior.kAdj, kNoun: prior.kNoun });
const net = createTransferNet(prior, { codeDim: config.codeDim, hiddenDim: config.codeDim });
const model = createVqModel(config, { codebook: net, seed: 1 });
const disc = new PatchDiscriminator({ inChannels: 3, baseFilters: 8, layers: 1, seed: 1 });
const train = resolveTrainOptions({ steps: STEPS, batchSize: 2, seed: 1, baseLearningRate: 2.5e-5, checkpointEvery: 0, sampleEvery: 0 });
const step = createVqganStep({ model, codebook: net, discriminator: disc, loss: train.loss, learningRate: learningRate(train), betas: train.betas, epsilon: train.epsilon, kAdj: config.kAdj, kNoun: config.kNoun });
const side = config.resolution;
const n = 16;
const data = Float32Array.from({ length: n * side * side * 3 }, (_, i) => Math.sin(i * 0.013) * Math.cos(i * 0.0007));
const ds = new ArrayImageDataset(data, { count: n, height: side, width: side, channels: 3, name: 'waves' });
const loader = new BatchLoader(ds, { batchSize: 2, seed: 1 });

const mib = () => process.memoryUsage.rss() / 2 ** 20;
const samples = [];
let base = null;
const t0 = performance.now();
const trainer = new Trainer(step, loader, { steps: STEPS, seed: 1, checkpointEvery: 0, sampleEvery: 0, sampleCount: 2 }, {
  onStep: (e) => {
    if (e.step === WARMUP) { globalThis.gc?.(); base = { tensors: tf.memory().numTensors, rss: mib() }; }
    if (e.step % Math.max(1, Math.floor(STEPS / 50)) === 0 || e.step === STEPS - 1) samples.push({ step: e.step, tensors: tf.memory().numTensors, rss: mib() });
  },
});
await trainer.run();
globalThis.gc?.();
const trainMs = performance.now() - t0;
const endTrain = { tensors: tf.memory().numTensors, rss: mib() };
const after = samples.filter((s) => s.step >= WARMUP);
const tensorRange = [Math.min(...after.map((s) => s.tensors)), Math.max(...after.map((s) => s.tensors))];
const rssMax = Math.max(...after.map((s) => s.rss));

// Encode/decode round trips: the playground engine's calls (tidy + data + dispose).
const x = new Float32Array(side * side * 3).map((_, i) => Math.sin(i * 0.01));
const trip = async () => {
  const t = tf.tidy(() => model.encode(tf.tensor4d(x, [1, side, side, 3], 'float32')));
  const tokens = await t.data();
  t.dispose();
  const g = side / 4;
  const y = tf.tidy(() => tf.clipByValue(model.decodeTokens(tf.tensor4d(tokens, [1, t.shape[1] ?? g, t.shape[2] ?? g, config.topK + 1], 'int32')), -1, 1));
  await y.data();
  y.dispose();
};
for (let i = 0; i < 5; i++) await trip();
globalThis.gc?.();
const tripBase = { tensors: tf.memory().numTensors, rss: mib() };
let tripRssMax = tripBase.rss;
const t1 = performance.now();
for (let i = 0; i < TRIPS; i++) {
  await trip();
  if (i % 100 === 0) tripRssMax = Math.max(tripRssMax, mib());
}
globalThis.gc?.();
const tripMs = performance.now() - t1;
const tripEnd = { tensors: tf.memory().numTensors, rss: mib() };

const rows = [
  { name: `train ${STEPS} steps: numTensors after warm-up / end`, backend: backendLabel(backend), median: endTrain.tensors - base.tensors, min: tensorRange[0] - base.tensors, max: tensorRange[1] - base.tensors, unit: 'tensors vs warm-up', note: `${base.tensors} at step ${WARMUP}, ${endTrain.tensors} at the end` },
  { name: `train ${STEPS} steps: RSS growth after warm-up`, backend: backendLabel(backend), median: endTrain.rss - base.rss, min: 0, max: rssMax - base.rss, unit: 'MiB', note: `${base.rss.toFixed(0)} -> ${endTrain.rss.toFixed(0)} MiB (bound ${RSS_BOUND_MIB}); ${(trainMs / STEPS).toFixed(0)} ms/step` },
  { name: `encode+decode x${TRIPS}: numTensors growth`, backend: backendLabel(backend), median: tripEnd.tensors - tripBase.tensors, min: 0, max: tripEnd.tensors - tripBase.tensors, unit: 'tensors', note: `${tripBase.tensors} -> ${tripEnd.tensors}` },
  { name: `encode+decode x${TRIPS}: RSS growth`, backend: backendLabel(backend), median: tripEnd.rss - tripBase.rss, min: 0, max: tripRssMax - tripBase.rss, unit: 'MiB', note: `${tripBase.rss.toFixed(0)} -> ${tripEnd.rss.toFixed(0)} MiB (bound ${RSS_BOUND_MIB}); ${(tripMs / TRIPS).toFixed(1)} ms/trip` },
];
report('robustness: soak (numTensors and RSS over long runs)', rows);
const failed = [];
if (endTrain.tensors > base.tensors || tensorRange[1] > base.tensors) failed.push(`training leaks tensors (${base.tensors} -> ${endTrain.tensors}, max ${tensorRange[1]})`);
if (tripEnd.tensors > tripBase.tensors) failed.push(`encode/decode leaks tensors (${tripBase.tensors} -> ${tripEnd.tensors})`);
if (!quick && endTrain.rss - base.rss > RSS_BOUND_MIB) failed.push(`training RSS grew ${(endTrain.rss - base.rss).toFixed(0)} MiB > ${RSS_BOUND_MIB}`);
if (!quick && tripEnd.rss - tripBase.rss > RSS_BOUND_MIB) failed.push(`encode/decode RSS grew ${(tripEnd.rss - tripBase.rss).toFixed(0)} MiB > ${RSS_BOUND_MIB}`);
if (process.env.VQCT_SOAK_JSON) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.env.VQCT_SOAK_JSON, JSON.stringify({ steps: STEPS, trips: TRIPS, warmup: WARMUP, base, endTrain, tensorRange, rssMax, tripBase, tripEnd, tripRssMax, trainMs, tripMs, samples, bound: RSS_BOUND_MIB, backend: backendLabel(backend) }, null, 2));
}
if (process.env.VQCT_SOAK_DOCS) {
  // The soak section of docs/robustness.md (scripts/robustness-report.sh sets this).
  const { readFileSync, writeFileSync } = await import('node:fs');
  const doc = readFileSync(process.env.VQCT_SOAK_DOCS, 'utf8');
  const [b, e] = ['<!-- soak:begin -->', '<!-- soak:end -->'];
  const f = (v) => v.toFixed(0);
  const table = [
    '| soak | length | numTensors (after warm-up -> end; min..max) | RSS MiB (after warm-up -> end; peak) | bound | speed |',
    '|---|---:|---|---|---:|---|',
    `| training, tiny preset (narrowed), batch 2, ${backendLabel(backend)} | ${STEPS} steps (warm-up ${WARMUP}) | ${base.tensors} -> ${endTrain.tensors}; ${tensorRange[0]}..${tensorRange[1]} | ${f(base.rss)} -> ${f(endTrain.rss)}; ${f(rssMax)} | ${RSS_BOUND_MIB} MiB | ${(trainMs / STEPS).toFixed(0)} ms/step |`,
    `| encode + decode (the playground engine's calls), 1 image | ${TRIPS} round trips | ${tripBase.tensors} -> ${tripEnd.tensors} | ${f(tripBase.rss)} -> ${f(tripEnd.rss)}; ${f(tripRssMax)} | ${RSS_BOUND_MIB} MiB | ${(tripMs / TRIPS).toFixed(1)} ms/trip |`,
    '',
    failed.length === 0 ? `Within bounds${quick ? ' (quick mode: sizes reduced, not a soak)' : ''}.` : `FAILED: ${failed.join('; ')}`,
  ];
  writeFileSync(process.env.VQCT_SOAK_DOCS, `${doc.slice(0, doc.indexOf(b) + b.length)}\n${table.join('\n')}\n${doc.slice(doc.indexOf(e))}`);
}
for (const f of failed) process.stderr.write(`soak: ${f}\n`);
model.dispose(); net.dispose(); disc.dispose(); step.dispose();
process.exitCode = failed.length > 0 ? 1 : 0;
