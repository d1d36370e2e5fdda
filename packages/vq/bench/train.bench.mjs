// @vqct/vq training bench (BENCH.md, bench-32): one training step at batch 8,
// 32x32 — forward, L1 + quantizer loss, backward, one Adam update of every
// trainable weight (encoder, decoder, quant convs, transfer net over a seeded
// 4·K-edge graph, word dim 100) — without and with the PatchGAN (discStart 0:
// the adaptive weight's second generator pass plus a discriminator update).
// Imports the built dist: run `pnpm exec turbo run build --filter=@vqct/vq` first.
// VQCT_BENCH_BACKENDS=wasm,cpu picks backends; the cpu backend is very slow for
// convolutions, so it gets 2 warm-up + 2 timed steps (noted in the table);
// VQCT_BENCH_RUNS overrides the timed steps (BENCH.md asks for at least 5).
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { seededBenchmarkPrior } from '@vqct/prior';
import { createTransferNet } from '@vqct/transfer-net';
import { machineLine, measure, peakRssMiB, quick, report, backendLabel } from '../../../bench/lib.mjs';
import { PatchDiscriminator, createVqModel, createVqganStep, resolveVqModelConfig } from '../dist/index.js';

// PyTorch 1.13 CPU peer, same machine kind (BENCH.md): bench-32 train step, no discriminator.
const PEER_MS = 680;
// --quick (the test suite's smoke run): wasm only; one cpu-backend train step takes minutes even at the tiny size.
const backends = (process.env.VQCT_BENCH_BACKENDS ?? (quick ? 'wasm' : 'wasm,cpu')).split(',');
const config = resolveVqModelConfig(quick ? 'tiny' : 'bench-32');
const batch = quick ? 1 : 8;
const side = 32; // the PatchGAN needs at least 3 * 2^3 = 24 pixels
const wordDim = quick ? 16 : 100;

/** Wall and process-CPU medians (CPU time, all threads, is the fairer figure on a loaded machine). */
async function measureBoth(fn, timing) {
  const cpu = [];
  const wall = await measure(async () => {
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }, timing);
  const timed = cpu.slice(timing.warmup).sort((a, b) => a - b);
  return { ...wall, cpu: timed[Math.floor(timed.length / 2)] };
}

const rows = [];
for (const backend of backends) {
  const b = await useNodeBackend({ backend });
  const runs = Number(process.env.VQCT_BENCH_RUNS ?? (backend === 'cpu' ? 2 : 5));
  const timing = quick ? { warmup: 1, runs: 1 } : { warmup: Math.min(2, runs), runs };
  for (const withDisc of [false, true]) {
    const prior = seededBenchmarkPrior({ kAdj: config.kAdj, kNoun: config.kNoun, dim: wordDim, seed: 1 });
    const net = createTransferNet(prior, { codeDim: config.codeDim, seed: 1 });
    const model = createVqModel(config, { codebook: net, seed: 1 });
    const disc = withDisc ? new PatchDiscriminator({ inChannels: 3, seed: 1 }) : undefined;
    const step = createVqganStep({ model, codebook: net, discriminator: disc, learningRate: 4.5e-6 * batch, loss: { discStart: 0 }, kAdj: model.config.kAdj, kNoun: model.config.kNoun });
    const x = tf.tidy(() => tf.randomUniform([batch, side, side, 3], -1, 1, 'float32', 2));
    let i = 0;
    const t = await measureBoth(async () => { step.run(x, i, i); i += 1; }, timing);
    const ratio = (v) => (v / PEER_MS).toFixed(2);
    rows.push({
      name: `train step ${quick ? 'tiny' : 'bench-32'} b${batch} ${withDisc ? '+ PatchGAN' : 'no disc'}`,
      backend: backendLabel(b), ...t, unit: 'ms',
      note: quick ? 'quick' : `cpu-time ${t.cpu.toFixed(0)} ms; ${ratio(t.median)}x PyTorch (~${PEER_MS} ms, no disc) wall, ${ratio(t.cpu)}x by cpu-time${timing.runs < 5 ? `; only ${timing.runs} timed steps` : ''}`,
    });
    x.dispose();
    step.dispose();
    disc?.dispose();
    model.dispose();
    net.dispose();
  }
}
report(`@vqct/vq training — ${machineLine(`peak RSS ${peakRssMiB().toFixed(0)} MiB`)}`, rows);
