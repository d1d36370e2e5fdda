#!/usr/bin/env node
/**
 * Trains the playground's bundled demo model with the real vqct packages and writes it
 * under public/demo/: a prior built from a small fashion caption corpus (wink GloVe
 * vectors), a `tiny` VQCT tokenizer trained on fashion-mnist (32x32, grey repeated to
 * RGB) on the Node wasm backend, its checkpoint (`model.*` + `transfer.*` only, no
 * optimizer state) and sidecar, and manifest.json naming the three files.
 *
 *   node scripts/make-demo-model.mjs [--steps 200] [--batch 4] [--lr 2e-3] [--out public/demo]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { useNodeBackend } from '@vqct/backend-node';
import { Rng } from '@vqct/core';
import { encodePrior, priorDigest } from '@vqct/prior';
import { buildPrior } from '@vqct/prior/node';
import { createTransferNet } from '@vqct/transfer-net';
import { BatchLoader, Trainer, createVqModel, createVqganStep, encodeCheckpoint, resolveVqModelConfig, resolveTrainOptions } from '@vqct/vq';
import { loadMnistDataset } from '@vqct/vq/node';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const steps = Number(arg('steps', 200));
const batchSize = Number(arg('batch', 4));
const lr = Number(arg('lr', 2e-3));
const out = arg('out', join(here, '..', 'public', 'demo'));
const say = (line) => process.stderr.write(`${line}\n`);

// --- 1. The prior: descriptions of the kinds of things fashion-mnist shows.
const ADJ = ['black', 'white', 'grey', 'dark', 'light', 'plain', 'striped', 'soft', 'long', 'short', 'loose', 'tight',
  'casual', 'bright', 'small', 'large', 'round', 'flat', 'thin', 'thick', 'warm', 'simple', 'classic', 'elegant', 'heavy', 'smooth'];
const NOUN = ['shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'sneaker', 'bag', 'boot', 'sleeve', 'collar',
  'strap', 'heel', 'sole', 'pocket', 'button', 'handle', 'fabric', 'pattern', 'background', 'shoe', 'jacket', 'skirt', 'belt'];
const rng = new Rng(7);
const pick = (xs) => xs[Math.floor(rng.next() * xs.length)];
const lines = [];
for (let i = 0; i < 1200; i++) {
  const t = i % 3;
  if (t === 0) lines.push(`a ${pick(ADJ)} ${pick(NOUN)} on a ${pick(ADJ)} background`);
  else if (t === 1) lines.push(`the ${pick(ADJ)} ${pick(NOUN)} has a ${pick(ADJ)} ${pick(NOUN)}`);
  else lines.push(`a photo of a ${pick(ADJ)} ${pick(NOUN)} with ${pick(ADJ)} ${pick(NOUN)}s`);
}
const corpus = join(tmpdir(), `vqct-demo-corpus-${process.pid}.txt`);
writeFileSync(corpus, `${lines.join('\n')}\n`);
await useNodeBackend({ backend: 'wasm' });
const { prior } = await buildPrior({ corpus, format: 'text', embeddings: 'wink', minCount: 10, workers: 0 });
say(`prior: ${prior.kAdj} adjectives + ${prior.kNoun} nouns, ${prior.dim}-d vectors, ${prior.edgeWeight.length} edges`);

// --- 2. The tokenizer: the `tiny` preset made lighter still (32 channels up to the last
// level, no middle attention) so that it trains in minutes on a shared 2-core machine;
// its codebook comes from the transfer net.
const modelConfig = resolveVqModelConfig({ preset: 'tiny', chMult: [1, 1, 2], midAttention: false });
const transfer = { kind: 'gcn', layers: 2, hiddenDim: 64, codeDim: modelConfig.codeDim, activation: 'relu', dropout: 0.5, seed: 1 };
const net = createTransferNet(prior, transfer);
const model = createVqModel(modelConfig, { codebook: net, seed: 1 });
const dataset = loadMnistDataset('fashion-mnist', { size: 32, channels: 3, perClass: 200 });
const trainConfig = resolveTrainOptions({ steps, batchSize, baseLearningRate: lr / batchSize, seed: 1, loss: { perceptualWeight: 0 } });
const step = createVqganStep({ model, codebook: net, learningRate: lr, kAdj: prior.kAdj, kNoun: prior.kNoun, loss: trainConfig.loss });
const loader = new BatchLoader(dataset, { batchSize, seed: 1 });
const started = Date.now();
const trainer = new Trainer(step, loader, { steps, seed: 1, checkpointEvery: 0, sampleEvery: 0, sampleCount: 4 }, {
  onStep: (e) => {
    if (e.step % 25 === 0 || e.step === steps) {
      const l = Object.entries(e.losses).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ');
      say(`step ${e.step}/${steps}: ${l} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
  },
});
const state = await trainer.run();

// --- 3. Files: weights without optimizer state, sidecar, prior, manifest.
const variables = Object.fromEntries(Object.entries(step.state()).filter(([n]) => n.startsWith('model.') || n.startsWith('transfer.')));
const { weights, sidecarText } = encodeCheckpoint(variables, {
  weightsFile: 'demo.safetensors',
  modelConfig,
  trainConfig: { ...trainConfig, transfer, data: 'fashion-mnist 32x32x3, 200 per class' },
  priorDigest: priorDigest(prior),
  ...state,
});
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'demo.safetensors'), weights);
writeFileSync(join(out, 'demo.json'), sidecarText);
writeFileSync(join(out, 'prior.safetensors'), encodePrior(prior));
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify({ checkpoint: 'demo.safetensors', sidecar: 'demo.json', prior: 'prior.safetensors' }, null, 2)}\n`);
say(`wrote ${out}: demo.safetensors (${(weights.length / 1e6).toFixed(2)} MB), demo.json, prior.safetensors, manifest.json in ${((Date.now() - started) / 1000).toFixed(0)} s`);
