// Per-kernel profile of one bench-32 training step (BENCH.md) on wasm.
// Wraps every registered wasm kernel's kernelFunc with a timer (wasm kernels
// are synchronous, so the time is the kernel's own), runs 2 warm-up + N timed
// steps, and prints kernels by total time with the input shapes that cost most.
// Run after building @vqct/backend-node and @vqct/vq:
//   node packages/backend-node/bench/profile-train-step.mjs            (N = 2)
//   VQCT_PROFILE_STEPS=3 VQCT_PROFILE_TOP=25 node ...
import * as tf from '@tensorflow/tfjs-core';
import { getKernelsForBackend, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { useNodeBackend } from '../dist/index.js';
import { seededBenchmarkPrior } from '../../prior/dist/index.js';
import { createTransferNet } from '../../transfer-net/dist/index.js';
import { createVqModel, createVqganStep, resolveVqModelConfig } from '../../vq/dist/index.js';

const STEPS = Number(process.env.VQCT_PROFILE_STEPS ?? 2);
const TOP = Number(process.env.VQCT_PROFILE_TOP ?? 20);
const backend = process.env.VQCT_BACKEND ?? 'wasm';
await useNodeBackend({ backend });

const stats = new Map(); // kernel -> { ms, calls, byShape: Map }
let recording = false;
// Kernels that call other kernels (our Conv2DBackpropFilter/Input call BatchMatMul,
// Conv2D, Transpose): a kernel's "self" time excludes its nested kernels' time.
const childMs = [];
for (const k of getKernelsForBackend(backend)) {
  const inner = k.kernelFunc;
  unregisterKernel(k.kernelName, backend);
  registerKernel({
    ...k,
    kernelFunc: (args) => {
      if (!recording) return inner(args);
      childMs.push(0);
      const t0 = performance.now();
      const out = inner(args);
      const ms = performance.now() - t0;
      const self = ms - childMs.pop();
      if (childMs.length > 0) childMs[childMs.length - 1] += ms;
      let s = stats.get(k.kernelName);
      if (s == null) stats.set(k.kernelName, (s = { ms: 0, self: 0, calls: 0, byShape: new Map() }));
      s.ms += ms;
      s.self += self;
      s.calls += 1;
      const key = Object.values(args.inputs).map((t) => (t == null ? '-' : `[${t.shape}]`)).join(' ')
        + (args.attrs?.transposeA || args.attrs?.transposeB ? ` tA${+!!args.attrs.transposeA}tB${+!!args.attrs.transposeB}` : '')
        + (args.attrs?.axis != null ? ` axis ${args.attrs.axis}` : '') + (args.attrs?.perm != null ? ` perm ${args.attrs.perm}` : '');
      const b = s.byShape.get(key) ?? { ms: 0, calls: 0 };
      b.ms += ms;
      b.calls += 1;
      s.byShape.set(key, b);
      return out;
    },
  });
}

const config = resolveVqModelConfig('bench-32');
const net = createTransferNet(seededBenchmarkPrior({ kAdj: config.kAdj, kNoun: config.kNoun, dim: 100, seed: 1 }), { codeDim: config.codeDim, seed: 1 });
const model = createVqModel(config, { codebook: net, seed: 1 });
const step = createVqganStep({ model, codebook: net, learningRate: 3.6e-5, loss: { discStart: 0 }, kAdj: config.kAdj, kNoun: config.kNoun });
const x = tf.tidy(() => tf.randomUniform([8, 32, 32, 3], -1, 1, 'float32', 2));
for (let i = 0; i < 2; i++) step.run(x, i, i);
recording = true;
const walls = [];
const cpus = [];
for (let i = 0; i < STEPS; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  step.run(x, 2 + i, 2 + i);
  walls.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpus.push((c.user + c.system) / 1000);
}
recording = false;
const kernelMs = [...stats.values()].reduce((a, s) => a + s.self, 0) / STEPS;
const wall = walls.reduce((a, b) => a + b, 0) / STEPS;
const cpu = cpus.reduce((a, b) => a + b, 0) / STEPS;
console.log(`backend ${backend}; ${STEPS} steps; per step: wall ${wall.toFixed(0)} ms, cpu ${cpu.toFixed(0)} ms, in kernels ${kernelMs.toFixed(0)} ms (wall, self times summed)`);
console.log('| kernel | self ms/step | % of step | incl. nested | calls/step | costliest inputs (incl. ms/step, calls) |');
console.log('|---|---:|---:|---:|---:|---|');
const rows = [...stats.entries()].sort((a, b) => b[1].self - a[1].self).slice(0, TOP);
for (const [name, s] of rows) {
  const shapes = [...s.byShape.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 3)
    .map(([k, v]) => `${k} (${(v.ms / STEPS).toFixed(0)}, ${v.calls / STEPS})`).join('; ');
  console.log(`| ${name} | ${(s.self / STEPS).toFixed(0)} | ${((100 * s.self) / STEPS / wall).toFixed(1)} | ${(s.ms / STEPS).toFixed(0)} | ${s.calls / STEPS} | ${shapes} |`);
}
