// The consumer test's Node script: what a user writes after
// `npm i @vqct/prior @vqct/transfer-net @vqct/vq @vqct/backend-node @tensorflow/tfjs-core`.
// Type-checked against the published .d.ts (tsc), then run (node).
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { InputError, VqctError } from '@vqct/core';
import { buildPrior, type BuildPriorReport } from '@vqct/prior/node';
import type { Prior } from '@vqct/prior';
import { createTransferNet } from '@vqct/transfer-net';
import { createVqModel, resolveVqModelConfig, tokenWords, type CodebookSource } from '@vqct/vq';

const report = await useNodeBackend({ backend: 'wasm' });

// A tiny corpus and a tiny GloVe-format vectors file (word v1 ... vd), not the 300 MB wink set.
const captions = [
  'a small yellow bird on a branch',
  'a red car parked near a tall tree',
  'a small red bird in a green tree',
  'a yellow car on a wet road',
  'a tall green tree beside a small house',
  'a red house with a yellow door',
];
const words = ['small', 'yellow', 'red', 'tall', 'green', 'wet', 'bird', 'branch', 'car', 'tree', 'road', 'house', 'door'];
const dim = 8;
const lines = words.map((w, i) => `${w} ${Array.from({ length: dim }, (_, j) => Math.sin((i + 1) * (j + 1) * 1.7).toFixed(4)).join(' ')}`);
writeFileSync('captions.txt', `${captions.join('\n')}\n`);
writeFileSync('vectors.txt', `${lines.join('\n')}\n`);

const built: { prior: Prior; report: BuildPriorReport } = await buildPrior({ corpus: 'captions.txt', embeddings: 'vectors.txt', minCount: 0, workers: 0 });
const { prior } = built;

const config = resolveVqModelConfig({ preset: 'tiny' });
const net = createTransferNet(prior, { hiddenDim: 16, codeDim: config.codeDim, seed: 1 });
const source: CodebookSource = net; // structural: vq never imports transfer-net
const model = createVqModel(config, { codebook: source, seed: 1 });

const images = tf.randomUniform([1, 8, 8, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
const optimizer = tf.train.adam(1e-3);
const losses: number[] = [];
for (let step = 0; step < 3; step++) {
  const loss = optimizer.minimize(() => {
    const out = model.forward(images, { training: true, seed: step });
    return tf.add(tf.mean(tf.abs(tf.sub(images, out.reconstruction))), out.quantLoss) as tf.Scalar;
  }, true, model.trainableVariables())!; // returnCost: the loss, ours to dispose
  losses.push(loss.dataSync()[0]!);
  tf.dispose(loss);
  model.afterStep();
  net.invalidate();
}

const tokens = model.encode(images); // int32 [1, 2, 2, k+1]
const decoded = model.decodeTokens(tokens); // [1, 8, 8, 3]
const grid = tokenWords(tokens, prior);

console.log(JSON.stringify({
  backend: report.name,
  kAdj: prior.kAdj,
  kNoun: prior.kNoun,
  words: prior.words,
  losses,
  tokensShape: tokens.shape,
  decodedShape: decoded.shape,
  tokenWords: grid[0]!.flat(),
  errorCode: new InputError('x') instanceof VqctError ? new InputError('x').code : null,
}));

tf.dispose([images, tokens, decoded]);
optimizer.dispose();
model.dispose();
net.dispose();
