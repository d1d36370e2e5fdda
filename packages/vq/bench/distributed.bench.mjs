// @vqct/vq data-parallel bench (docs/distributed.md): the bench-32 training step
// (batch 8 per worker, no PatchGAN) with 1 worker (all cores) and with 2 workers
// on loopback (c10d over Gloo, cores split between them), and the all-reduce of
// bench-32's gradients alone. On a 2-core machine two workers share the cores a
// single worker already uses, so this measures the overhead of data parallelism
// (collectives, a second process), not a speed-up. Needs the torch backend with
// Gloo; imports the built dist. Each worker is this file again (VQCT_BENCH_RANK set).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { initProcessGroup, launchEnv, torchAvailability } from '@vqct/backend-torch';
import { seededBenchmarkPrior } from '@vqct/prior';
import { createTransferNet } from '@vqct/transfer-net';
import { machineLine, measureWithCpu, quick, report } from '../../../bench/lib.mjs';
import { createVqModel, createVqganStep, resolveVqModelConfig } from '../dist/index.js';

const preset = quick ? 'tiny' : 'bench-32';
const batch = quick ? 2 : 8;
const timing = quick ? { warmup: 1, runs: 1 } : { warmup: 2, runs: Number(process.env.VQCT_BENCH_RUNS ?? 6) };

function dataParallelOf(pg) {
  const named = (op) => (m) => {
    const keys = Object.keys(m);
    const got = op(keys.map((k) => m[k]));
    return Object.fromEntries(keys.map((k, i) => [k, got[i]]));
  };
  return { rank: pg.rank, worldSize: pg.worldSize, mean: named((t) => pg.allReduceMean(t)), sum: named((t) => pg.allReduceSum(t)), broadcast: named((t) => pg.broadcast(t)) };
}

/** One worker: times the step, then the gradient all-reduce alone; rank 0 prints JSON. */
async function worker() {
  await useNodeBackend({ backend: 'torch' }); // registers the gradients too; threads from VQCT_TORCH_THREADS
  const env = launchEnv();
  const pg = env != null ? initProcessGroup({ ...env, timeoutMs: 120_000 }) : null;
  const config = resolveVqModelConfig(preset);
  const prior = seededBenchmarkPrior({ kAdj: config.kAdj, kNoun: config.kNoun, dim: quick ? 16 : 100, seed: 1 });
  const net = createTransferNet(prior, { codeDim: config.codeDim, seed: 1 });
  const model = createVqModel(config, { codebook: net, seed: 1 });
  const step = createVqganStep({ model, codebook: net, learningRate: 4.5e-6 * batch, kAdj: config.kAdj, kNoun: config.kNoun, dataParallel: pg != null ? dataParallelOf(pg) : undefined });
  const x = tf.tidy(() => tf.randomUniform([batch, 32, 32, 3], -1, 1, 'float32', 2 + (env?.rank ?? 0)));
  let i = 0;
  const t = await measureWithCpu(() => { step.run(x, i, i); i += 1; }, timing);
  const grads = model.trainableVariables();
  const params = grads.reduce((n, v) => n + v.size, 0);
  const ar = pg != null ? await measureWithCpu(() => tf.dispose(pg.allReduceMean(grads)), { warmup: 3, runs: quick ? 3 : 20 }) : null;
  if ((env?.rank ?? 0) === 0) process.stdout.write(`${JSON.stringify({ step: t, allReduce: ar, params, tensors: grads.length })}\n`);
  pg?.barrier();
  pg?.destroy();
  x.dispose();
  step.dispose();
  model.dispose();
  net.dispose();
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Runs `workers` copies of this file as a job; resolves with rank 0's JSON. */
async function job(workers) {
  const port = String(await freePort());
  const threads = String(Math.max(1, Math.floor(availableParallelism() / workers)));
  const self = fileURLToPath(import.meta.url);
  const runs = Array.from({ length: workers }, (_, rank) => new Promise((resolve, reject) => {
    const env = { ...process.env, VQCT_BENCH_RANK: String(rank), VQCT_TORCH_THREADS: threads, ...(workers > 1 ? { RANK: String(rank), WORLD_SIZE: String(workers), MASTER_ADDR: '127.0.0.1', MASTER_PORT: port } : { WORLD_SIZE: '' }) };
    const child = spawn(process.execPath, [self], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(out.trim() === '' ? null : JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`bench worker rank ${rank} exited with ${code}`))));
  }));
  return { threads, ...(await Promise.all(runs))[0] };
}

async function main() {
  const found = torchAvailability();
  if (!found.available || !found.native.distInfo().gloo) {
    console.log(`distributed bench skipped: ${found.available ? 'the addon was built without Gloo (apt-get install libgloo-dev)' : found.reason}`);
    return;
  }
  const rows = [];
  for (const workers of [1, 2]) {
    const r = await job(workers);
    const ips = (batch * workers * 1000) / r.step.median;
    rows.push({
      name: `train step ${preset}, ${workers} worker${workers > 1 ? 's' : ''} x b${batch}`, backend: `torch ${r.threads}t/worker`, ...r.step, unit: 'ms',
      note: `${ips.toFixed(1)} img/s (all workers); rank 0 cpu-time ${r.step.cpu.toFixed(0)} ms/step${workers > 1 ? '; 2 cores shared: overhead, not speed-up' : ''}`,
    });
    if (r.allReduce != null) {
      const mb = (r.params * 4) / 2 ** 20;
      rows.push({
        name: `all-reduce (mean) of ${preset} gradients, ${workers} workers`, backend: 'gloo loopback', ...r.allReduce, unit: 'ms',
        note: `${r.params.toLocaleString('en-US')} params in ${r.tensors} tensors (${mb.toFixed(1)} MB, 25 MB buckets); cpu-time ${r.allReduce.cpu.toFixed(1)} ms; ${(100 * r.allReduce.median / r.step.median).toFixed(1)}% of the step`,
      });
    }
  }
  report(`@vqct/vq data-parallel (c10d) — ${machineLine()}`, rows);
}

if (process.env.VQCT_BENCH_RANK != null) await worker();
else await main();
