// @vqct/vq training bench (BENCH.md): one training step — forward, L1 +
// quantizer loss, backward, one Adam update of every trainable weight (encoder,
// decoder, quant convs, transfer net over a seeded 4·K-edge graph) — at bench-32
// (batch 8, 32x32, word dim 100) without and with the PatchGAN (discStart 0: the
// adaptive weight's second generator pass plus a discriminator update), and at
// paper-256 (batch 1, 256x256, word dim 512) on torch. Every ratio is to the
// PyTorch peer (bench/peer/torch_bench32.py) measured in this same run.
// Imports the built dist: run `pnpm exec turbo run build --filter=@vqct/vq` first.
// VQCT_BENCH_BACKENDS=wasm,torch,cpu picks backends (default: wasm, cpu and torch
// where built; the cpu backend is very slow for convolutions, so it gets 2 warm-up
// + 2 timed steps, noted in the table); VQCT_BENCH_RUNS overrides the timed steps.
// On torch also: an emoji-32 step (batch 16, 103 + 450 codes from a 1024-wide net, as
// the shipped grounded model's) with the codebook held (codebookLearningRateScale 0: no
// gradient for the transfer net) against the same step training it, in this run.
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { torchAvailability } from '@vqct/backend-torch';
import { seededBenchmarkPrior } from '@vqct/prior';
import { createTransferNet } from '@vqct/transfer-net';
import { machineLine, measureWithCpu, peakRssMiB, quick, report, backendLabel, runPeer, peerRatio } from '../../../bench/lib.mjs';
import { PatchDiscriminator, createVqModel, createVqganStep, resolveVqModelConfig } from '../dist/index.js';

const hasTorch = torchAvailability().available;
// --quick (the test suite's smoke run): wasm (and torch) only; one cpu-backend train step takes minutes even at the tiny size.
const backends = process.env.VQCT_BENCH_BACKENDS?.split(',') ?? [...(quick ? [] : ['cpu']), 'wasm', ...(hasTorch ? ['torch'] : [])];
const side = 32; // the PatchGAN needs at least 3 * 2^3 = 24 pixels
const bench32 = { preset: quick ? 'tiny' : 'bench-32', batch: quick ? 1 : 8, side, wordDim: quick ? 16 : 100 };
const paper256 = { preset: quick ? 'tiny' : 'paper-256', batch: 1, side: quick ? 32 : 256, wordDim: quick ? 16 : 512 };

async function timeStep(shape, withDisc, timing) {
  const config = resolveVqModelConfig({ preset: shape.preset, ...(shape.kAdj != null ? { kAdj: shape.kAdj, kNoun: shape.kNoun } : {}) });
  const prior = seededBenchmarkPrior({ kAdj: config.kAdj, kNoun: config.kNoun, dim: shape.wordDim, seed: 1 });
  const net = createTransferNet(prior, { codeDim: config.codeDim, seed: 1, ...(shape.hiddenDim != null ? { hiddenDim: shape.hiddenDim, dropout: 0 } : {}) });
  const model = createVqModel(config, { codebook: net, seed: 1 });
  const disc = withDisc ? new PatchDiscriminator({ inChannels: 3, seed: 1 }) : undefined;
  const step = createVqganStep({
    model, codebook: net, discriminator: disc, learningRate: 4.5e-6 * shape.batch, loss: { discStart: 0 }, kAdj: config.kAdj, kNoun: config.kNoun,
    ...(shape.codebookScale != null ? { codebookLearningRateScale: shape.codebookScale } : {}),
  });
  const x = tf.tidy(() => tf.randomUniform([shape.batch, shape.side, shape.side, 3], -1, 1, 'float32', 2));
  let i = 0;
  const t = await measureWithCpu(async () => { step.run(x, i, i); i += 1; }, timing);
  x.dispose();
  step.dispose();
  disc?.dispose();
  model.dispose();
  net.dispose();
  return t;
}

// The peer first, in this run: bench-32 without and with the PatchGAN, and paper-256.
// (--quick measures tiny shapes, which the peer does not have: no ratios there.)
const peers = quick ? {} : {
  plain: runPeer(['--runs', '5'])?.train_step_ms,
  disc: runPeer(['--disc', '--runs', '5'])?.train_step_ms,
  paper: backends.includes('torch') ? runPeer(['--config', 'paper-256', '--runs', '3'])?.train_step_ms : undefined,
};
const ratio = (t, peer) => (quick ? 'quick: tiny shapes, no peer ratio' : peerRatio(t, peer));

const rows = [];
for (const backend of backends) {
  const b = await useNodeBackend({ backend });
  const runs = Number(process.env.VQCT_BENCH_RUNS ?? (backend === 'cpu' ? 2 : 5));
  const timing = quick ? { warmup: 1, runs: 1 } : { warmup: Math.min(2, runs), runs };
  for (const withDisc of [false, true]) {
    const t = await timeStep(bench32, withDisc, timing);
    rows.push({
      name: `train step ${bench32.preset} b${bench32.batch} ${withDisc ? '+ PatchGAN' : 'no disc'}`,
      backend: backendLabel(b), ...t, unit: 'ms',
      note: `cpu-time ${t.cpu.toFixed(0)} ms; ${ratio(t, withDisc ? peers.disc : peers.plain)}${timing.runs < 5 ? `; only ${timing.runs} timed steps` : ''}`,
    });
  }
  // paper-256 runs for minutes on wasm/cpu: torch only.
  if (backend === 'torch') {
    const timing256 = quick ? { warmup: 1, runs: 1 } : { warmup: 1, runs: 3 };
    const t = await timeStep(paper256, false, timing256);
    rows.push({ name: `train step ${paper256.preset} b1 ${paper256.side}px no disc`, backend: backendLabel(b), ...t, unit: 'ms', note: `cpu-time ${t.cpu.toFixed(0)} ms; ${ratio(t, peers.paper)}; ${timing256.runs} timed steps` });
    rows.push(...(await heldCodebookRows(backendLabel(b), timing)));
  }
}
// The held codebook against the trained one, alternating so both see the same machine load.
async function heldCodebookRows(label, timing) {
  const emoji = { preset: quick ? 'tiny' : 'emoji-32', batch: quick ? 2 : 16, side, wordDim: quick ? 16 : 100, kAdj: 103, kNoun: 450, hiddenDim: quick ? 64 : 1024 };
  const times = { 0: [], 1: [] };
  for (let r = 0; r < (quick ? 1 : 3); r++) for (const scale of [1, 0]) times[scale].push(await timeStep({ ...emoji, codebookScale: scale }, false, timing));
  const best = (ts) => ts.reduce((a, t) => (t.median < a.median ? t : a));
  const [trained, held] = [best(times[1]), best(times[0])];
  const name = `train step ${emoji.preset} b${emoji.batch} no disc, 103+450 codes, net ${emoji.hiddenDim} wide`;
  return [
    { name: `${name}, codebook trained`, backend: label, ...trained, unit: 'ms', note: `cpu-time ${trained.cpu.toFixed(0)} ms; best of ${times[1].length} runs` },
    { name: `${name}, codebook held (scale 0)`, backend: label, ...held, unit: 'ms', note: `cpu-time ${held.cpu.toFixed(0)} ms; ${(trained.median / held.median).toFixed(2)}x faster than training it, same run` },
  ];
}

report(`@vqct/vq training — ${machineLine(`peak RSS ${peakRssMiB().toFixed(0)} MiB`)}`, rows);
