// The torch backend's fused kernels (@vqct/vq's VqctGroupNorm(+swish), its grad,
// VqctAdam): native CPU loops (native/fused.cc) against the same kernels composed
// of ATen ops (VQCT_TORCH_FUSED_LOOPS=0), in one process, alternating rounds so
// both see the same machine load. Process CPU time per call.
//   node packages/backend-torch/bench/fused.bench.mjs   (after building backend-torch)
import * as tf from '@tensorflow/tfjs-core';
import { machineLine, quick, report } from '../../../bench/lib.mjs';
import { registerTorchBackend, torchAvailability } from '../dist/index.js';

const availability = torchAvailability();
if (!availability.available) {
  report(`@vqct/backend-torch fused kernels — ${machineLine()}`, [{ name: 'fused kernels', backend: 'torch', note: `skipped: ${availability.reason}` }]);
  process.exit(0);
}
registerTorchBackend({ threads: Number(process.env.VQCT_TORCH_THREADS ?? 0) || undefined });
await tf.setBackend('torch');
const run = (name, inputs, attrs) => tf.dispose(tf.engine().runKernel(name, inputs, attrs));

function cases() {
  const x = tf.randomNormal([8, 32, 32, 64], 0, 1, 'float32', 1);
  const gamma = tf.randomNormal([64], 1, 0.1, 'float32', 2);
  const beta = tf.randomNormal([64], 0, 0.1, 'float32', 3);
  const attrs = { groups: 32, epsilon: 1e-6, swish: true };
  const [y, normalized, mean, rstd] = tf.engine().runKernel('VqctGroupNorm', { x, gamma, beta }, attrs);
  const dy = tf.randomNormal(x.shape, 0, 1, 'float32', 4);
  const p = tf.randomNormal([3, 3, 128, 128], 0, 1, 'float32', 5);
  const c = tf.scalar(0.5);
  const keep = [x, gamma, beta, y, normalized, mean, rstd, dy, p, c];
  return {
    keep,
    list: [
      { name: 'VqctGroupNorm+swish [8,32,32,64] g32', f: () => run('VqctGroupNorm', { x, gamma, beta }, attrs) },
      { name: 'VqctGroupNormGrad+swish [8,32,32,64] g32', f: () => run('VqctGroupNormGrad', { dy, x, gamma, normalized, mean, rstd }, attrs) },
      { name: 'VqctAdam [3,3,128,128]', f: () => run('VqctAdam', { param: p, m: p, v: tf.abs(p), grad: p, c1: c, c2: c }, { learningRate: 1e-3, beta1: 0.5, beta2: 0.9, epsilon: 1e-8 }) },
    ],
  };
}

const { keep, list } = cases();
const calls = Number(process.env.VQCT_BENCH_CALLS ?? (quick ? 2 : 40));
const rounds = quick ? 1 : 5;
const cpu = new Map();
for (let r = 0; r < rounds + 1; r++) {
  for (const loops of ['1', '0']) {
    process.env.VQCT_TORCH_FUSED_LOOPS = loops;
    for (const c of list) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < calls; i++) c.f();
      const u = process.cpuUsage(c0);
      if (r === 0) continue; // warm-up round
      const key = `${c.name}|${loops}`;
      cpu.set(key, [...(cpu.get(key) ?? []), (u.user + u.system) / 1000 / calls]);
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = list.map((c) => {
  const native = median(cpu.get(`${c.name}|1`));
  const aten = median(cpu.get(`${c.name}|0`));
  return { name: c.name, backend: 'torch cpu', median: native, min: Math.min(...cpu.get(`${c.name}|1`)), unit: 'ms cpu', note: `ATen ops ${aten.toFixed(3)} ms cpu: native loops ${(aten / native).toFixed(2)}x faster` };
});
tf.dispose(keep);
report(`@vqct/backend-torch fused kernels — ${machineLine()}`, rows);
