// A training process for the resume test (resume.test.ts): trains the tiny
// VQCT tokenizer (transfer-net codebook over a seeded benchmark-style graph,
// PatchGAN from step 1) on real MNIST digits, from the BUILT packages, with a
// checkpoint after every step. argv: checkpointDir totalSteps [announce]
// With `announce`, prints "CHECKPOINT <step>" after each checkpoint so the
// parent can kill -9 it mid-run. At the end prints "DONE <sha256 of weights>".
import { useNodeBackend } from '@vqct/backend-node';
import { seededBenchmarkPrior } from '@vqct/prior';
import { createTransferNet, priorContentDigest } from '@vqct/transfer-net';
import { PatchDiscriminator, createVqModel, resolveTrainOptions, resolveVqModelConfig } from '@vqct/vq';
import { loadMnistDataset, loadCheckpoint, trainWithCheckpoints } from '@vqct/vq/node';

const [dir, totalSteps, announce] = process.argv.slice(2);
await useNodeBackend({ backend: process.env.VQCT_BACKEND ?? 'wasm' });


const tiny = resolveVqModelConfig('tiny');
const prior = seededBenchmarkPrior({ kAdj: tiny.kAdj, kNoun: tiny.kNoun, dim: 16, seed: 7 });
const net = createTransferNet(prior, { codeDim: tiny.codeDim, hiddenDim: 32, seed: 2 });
const model = createVqModel(tiny, { codebook: net, seed: 3 });
const disc = new PatchDiscriminator({ inChannels: 3, baseFilters: 8, layers: 2, seed: 4 });
const dataset = loadMnistDataset('mnist', { size: 16, channels: 3, perClass: 3, classes: [0, 1, 7] });
const train = resolveTrainOptions({ steps: Number(totalSteps), batchSize: 2, baseLearningRate: 5e-4, seed: 11, checkpointEvery: 1, loss: { discStart: 1 } });
await trainWithCheckpoints({
  model, modelConfig: model.config, codebook: net, priorDigest: priorContentDigest(prior), discriminator: disc,
  dataset, train, checkpointDir: dir,
  callbacks: { onCheckpoint: (s) => { if (announce === 'announce') process.stdout.write(`CHECKPOINT ${s.step}\n`); } },
});
// Digest of every saved variable (model, transfer net, discriminator, Adam) as the checkpoint holds it.
const ck = loadCheckpoint(dir);
process.stdout.write(`DONE ${ck.sidecar.step} ${ck.sidecar.weightsSha256}\n`);
