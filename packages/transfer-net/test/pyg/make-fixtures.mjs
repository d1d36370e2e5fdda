// Makes the inputs of the PyTorch Geometric parity check (packages/transfer-net/test/pyg/pyg_parity.py):
// a prior with duplicate edges and isolated nodes, a transfer net's weights and
// the codebook our TypeScript GCN computes from them, all as safetensors.
//   node packages/transfer-net/test/pyg/make-fixtures.mjs OUT_DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { Rng, encodeSafetensors } from '@vqct/core';
import { encodePrior } from '@vqct/prior';
import { createTransferNet } from '@vqct/transfer-net';

const out = process.argv[2] ?? '.device-fixtures';
mkdirSync(out, { recursive: true });
await useNodeBackend({ backend: 'cpu' });

const rng = new Rng(2024);
const kAdj = 40, kNoun = 110, dim = 24, K = kAdj + kNoun;
const vectors = Float32Array.from({ length: K * dim }, () => rng.normal());
const pairs = [];
for (let i = 0; i < 400; i++) pairs.push(rng.int(kAdj - 5), kAdj + rng.int(kNoun - 10)); // last adjs/nouns isolated
for (let i = 0; i < 30; i++) pairs.push(pairs[2 * i], pairs[2 * i + 1]); // explicit duplicates
const edgeIndex = Int32Array.from(pairs);
const E = edgeIndex.length / 2;
const edgeWeight = Float32Array.from({ length: E }, () => 1 + rng.int(3));
const words = Array.from({ length: K }, (_, i) => (i < kAdj ? `adj${i}` : `noun${i - kAdj}`));
const prior = {
  words, kAdj, kNoun, dim, vectors, edgeIndex, edgeWeight,
  counts: Int32Array.from({ length: K }, () => 11 + rng.int(100)),
  meta: { formatVersion: 1, corpusDigest: 'synthetic', embeddingSource: 'random', minCount: 10 },
};
writeFileSync(join(out, 'prior.safetensors'), encodePrior(prior));

for (const [name, options] of [
  ['gcn', { hiddenDim: 32, codeDim: 16, seed: 5 }],
  ['gcn3', { hiddenDim: 20, codeDim: 12, layers: 3, seed: 6 }],
]) {
  const net = createTransferNet(prior, options);
  writeFileSync(join(out, `${name}.safetensors`), net.toSafetensors());
  const c = net.inferenceCodebook();
  writeFileSync(join(out, `${name}.expected.safetensors`), encodeSafetensors({
    codebook: { dtype: 'F32', shape: c.shape, data: c.dataSync() },
  }));
  net.dispose();
}
console.log(`fixtures in ${out}: K=${K}, E=${E}, tensors=${tf.memory().numTensors}`);
