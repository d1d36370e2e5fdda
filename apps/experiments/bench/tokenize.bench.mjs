// Tokenization throughput (BENCH.md "Other figures"): images/second through
// encode only (encoder + quantizer -> tokens) at batch 8, and the latency of
// decoding one image's tokens, for the bench-32 VQCT model on cpu and wasm.
// The weights are a seeded init, not a trained model: the cost of a forward
// pass does not depend on the weights' values. Run after `pnpm build`.
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { seededBenchmarkPrior } from '@vqct/prior';
import { createTransferNet } from '@vqct/transfer-net';
import { createVqModel, resolveVqModelConfig } from '@vqct/vq';
import { machineLine, measure, peakRssMiB, quick, report, backendLabel } from '../../../bench/lib.mjs';

const backends = (process.env.VQCT_BENCH_BACKENDS ?? 'cpu,wasm').split(',');
const config = resolveVqModelConfig(quick ? 'tiny' : 'bench-32');
const batch = quick ? 2 : 8;
const side = quick ? 16 : 32;
const wordDim = quick ? 16 : 100;


const rows = [];
for (const backend of backends) {
  const b = await useNodeBackend({ backend });
  // The cpu backend's convolutions are slow: fewer timed runs there.
  const timing = quick ? { warmup: 1, runs: 1 } : backend === 'cpu' ? { warmup: 1, runs: 3 } : { warmup: 2, runs: 5 };
  const net = createTransferNet(seededBenchmarkPrior({ kAdj: config.kAdj, kNoun: config.kNoun, dim: wordDim, seed: 1 }), { codeDim: config.codeDim, seed: 1 });
  const model = createVqModel(config, { codebook: net, seed: 1 });
  const x = tf.tidy(() => tf.randomUniform([batch, side, side, 3], -1, 1, 'float32', 2));
  const enc = await measure(async () => {
    const t = model.encode(x);
    await t.data();
    t.dispose();
  }, timing);
  const tokens = tf.tidy(() => tf.slice(model.encode(x), 0, 1));
  const dec = await measure(async () => {
    const y = model.decodeTokens(tokens);
    await y.data();
    y.dispose();
  }, timing);
  const what = `${quick ? 'tiny' : 'bench-32'} ${side}x${side}`;
  rows.push({ name: `encode only (tokens), ${what} b${batch}`, backend: backendLabel(b), ...enc, unit: 'ms', rssMiB: peakRssMiB(), note: `${((batch / enc.median) * 1000).toFixed(1)} images/s` });
  rows.push({ name: `decode latency, ${what}, 1 image`, backend: backendLabel(b), ...dec, unit: 'ms', rssMiB: peakRssMiB(), note: `token grid ${tokens.shape.slice(1, 3).join('x')} x ${tokens.shape[3]}` });
  tf.dispose([x, tokens]);
  model.dispose();
  net.dispose();
}
report(`tokenization — ${machineLine()}`, rows);
