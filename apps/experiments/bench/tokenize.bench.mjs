// Tokenization throughput (BENCH.md "Other figures"): images/second through
// encode only (encoder + quantizer -> tokens) at batch 8, and the latency of
// decoding one image's tokens, for the bench-32 VQCT model on cpu and wasm.
// The weights are a seeded init, not a trained model: the cost of a forward
// pass does not depend on the weights' values. Run after `pnpm build`.
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { Rng } from '@vqct/core';
import { createTransferNet } from '@vqct/transfer-net';
import { createVqModel, resolveVqModelConfig } from '@vqct/vq';
import { machineLine, measure, peakRssMiB, quick, report } from '../../../bench/lib.mjs';

const backends = (process.env.VQCT_BENCH_BACKENDS ?? 'cpu,wasm').split(',');
const config = resolveVqModelConfig(quick ? 'tiny' : 'bench-32');
const batch = quick ? 2 : 8;
const side = quick ? 16 : 32;
const wordDim = quick ? 16 : 100;

function seededPrior(kAdj, kNoun, dim, seed) {
  const rng = new Rng(seed);
  const k = kAdj + kNoun;
  const edges = 4 * k;
  const edgeIndex = new Int32Array(2 * edges);
  for (let e = 0; e < edges; e++) {
    edgeIndex[2 * e] = rng.int(kAdj);
    edgeIndex[2 * e + 1] = kAdj + rng.int(kNoun);
  }
  return {
    words: Array.from({ length: k }, (_, i) => `w${i}`), kAdj, kNoun, dim,
    vectors: Float32Array.from({ length: k * dim }, () => rng.normal()),
    edgeIndex, edgeWeight: new Float32Array(edges).fill(1), counts: new Int32Array(k).fill(1),
    meta: { formatVersion: 1, corpusDigest: 'bench', embeddingSource: 'seeded-normal', minCount: 1 },
  };
}

const rows = [];
for (const backend of backends) {
  const b = await useNodeBackend({ backend });
  // The cpu backend's convolutions are slow: fewer timed runs there.
  const timing = quick ? { warmup: 1, runs: 1 } : backend === 'cpu' ? { warmup: 1, runs: 3 } : { warmup: 2, runs: 5 };
  const net = createTransferNet(seededPrior(config.kAdj, config.kNoun, wordDim, 1), { codeDim: config.codeDim, seed: 1 });
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
  rows.push({ name: `encode only (tokens), ${what} b${batch}`, backend: b.name, ...enc, unit: 'ms', rssMiB: peakRssMiB(), note: `${((batch / enc.median) * 1000).toFixed(1)} images/s` });
  rows.push({ name: `decode latency, ${what}, 1 image`, backend: b.name, ...dec, unit: 'ms', rssMiB: peakRssMiB(), note: `token grid ${tokens.shape.slice(1, 3).join('x')} x ${tokens.shape[3]}` });
  tf.dispose([x, tokens]);
  model.dispose();
  net.dispose();
}
report(`tokenization — ${machineLine()}`, rows);
