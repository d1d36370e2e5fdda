/**
 * The GPU check's body, bundled by scripts/gpu-pack.mjs into one file that runs
 * with a bare Node (no node_modules) on a machine with a CUDA libtorch: the parity
 * spec (kernels, transfer net, VqModel) on torch's device against tfjs's cpu
 * backend, then bench-32 and paper-256 training steps on that device. Prints one
 * table. VQCT_TORCH_DEVICE picks the device (the script sets cuda).
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { seededBenchmarkPrior } from '../../prior/src/index';
import { createTransferNet } from '../../transfer-net/src/index';
import { createVqganStep, createVqModel, resolveVqModelConfig } from '../../vq/src/index';
import { compareCase, PARITY_CASES, runCase } from '../../backend-node/test/parity/spec';
import { MODEL_PARITY_CASES } from '../../backend-node/test/parity/model-spec';
import { registerTorchBackend } from '../src/index';

const rows: string[] = [];
const row = (...cells: Array<string | number>) => rows.push(`| ${cells.join(' | ')} |`);

async function parity(device: string): Promise<number> {
  let failures = 0;
  for (const c of [...PARITY_CASES, ...MODEL_PARITY_CASES.filter((m) => !m.slow)]) {
    await tf.setBackend('cpu');
    const cpu = await runCase(c);
    await tf.setBackend('torch');
    const before = tf.memory().numTensors;
    let verdict: string;
    try {
      const got = await runCase(c);
      const leak = tf.memory().numTensors - before;
      verdict = compareCase(c, got, cpu) ?? (leak !== 0 ? `leaked ${leak} tensors` : 'ok');
    } catch (e) {
      verdict = `threw: ${(e as Error).message.split('\n')[0]}`;
    }
    if (verdict !== 'ok') failures++;
    row('parity', c.name, device, verdict);
  }
  return failures;
}

async function stepMs(preset: 'bench-32' | 'paper-256', batch: number, side: number, wordDim: number, runs: number): Promise<number[]> {
  const config = resolveVqModelConfig(preset);
  const net = createTransferNet(seededBenchmarkPrior({ kAdj: config.kAdj, kNoun: config.kNoun, dim: wordDim, seed: 1 }), { codeDim: config.codeDim, seed: 1 });
  const model = createVqModel(config, { codebook: net, seed: 1 });
  const step = createVqganStep({ model, codebook: net, learningRate: 4.5e-6 * batch, loss: { discStart: 0 }, kAdj: config.kAdj, kNoun: config.kNoun });
  const x = tf.tidy(() => tf.randomUniform([batch, side, side, 3], -1, 1, 'float32', 2));
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    step.run(x, i, i); // reads its losses back: the step has finished on the device
    if (i >= 2) times.push(performance.now() - t0);
  }
  tf.dispose(x);
  step.dispose();
  model.dispose();
  net.dispose();
  return times.sort((a, b) => a - b);
}

console.log(`tfjs cpu backend ${version_cpu} as the reference`);
const report = registerTorchBackend({});
const info = report.info;
console.log(`libtorch ${info.version}, device ${report.device}, cuda ${info.cuda} (${info.cudaDevices} GPUs), ${report.threads} CPU threads`);
rows.push('| what | case | device | result |', '|---|---|---|---|');
const failures = await parity(report.device);
await tf.setBackend('torch');
for (const [preset, batch, side, dim, runs] of [['bench-32', 8, 32, 100, 5], ['paper-256', 1, 256, 512, 3]] as const) {
  const t = await stepMs(preset, batch, side, dim, runs);
  row('train step', `${preset} b${batch} ${side}px`, report.device, `median ${t[Math.floor(t.length / 2)].toFixed(1)} ms (min ${t[0].toFixed(1)}, ${runs} runs)`);
}
const mem = tf.memory() as tf.MemoryInfo & { numBytesInNative?: number };
row('memory', 'after the benches', report.device, `${mem.numTensors} tensors, ${((mem.numBytesInNative ?? 0) / 2 ** 20).toFixed(1)} MiB native`);
console.log(rows.join('\n'));
process.exit(failures === 0 ? 0 : 1);
