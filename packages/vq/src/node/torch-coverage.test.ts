import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { torchAvailability } from '@vqct/backend-torch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveVqModelConfig } from '../config/resolve-config';
import { PatchDiscriminator } from '../losses/patch-discriminator';
import { evaluateTokenizer } from '../metrics/evaluate';
import { createVqModel } from '../model/vq-model';
import { VariableCodebookSource } from '../quantizer/variable-codebook-source';
import { createVqganStep } from '../train/vqgan-step';
import { loadMnistDataset } from './mnist-datasets';
import { loadInceptionPoolFeatures, loadMobileNetPerceptual } from './nsfwjs-models';

// Every path the project runs, on the torch backend, with kernel recording: a
// `vqct train` step with the perceptual loss (nsfwjs MobileNetV2: depthwise convs,
// BatchNorm, ReLU6) and the PatchGAN, the EMA quantizer, `vqct eval` (SSIM, the
// InceptionV3 FID-like features, the eigen solver), image resizing. A kernel hit that
// torch does not register fails the test by name (torch never falls back silently).
// The transfer net's paths run in @vqct/backend-node's parity suite on torch.

const hits = new Set<string>();
let restore: (() => void) | null = null;

function record(): void {
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const original = engine.runKernel;
  engine.runKernel = function (this: unknown, name: string, ...rest: unknown[]) {
    hits.add(name);
    return original.call(this, name, ...rest);
  };
  restore = () => { engine.runKernel = original; };
}

async function images(n: number, side: number): Promise<tf.Tensor4D> {
  const ds = loadMnistDataset('fashion-mnist', { size: side, channels: 3, perClass: 1 });
  const xs = await Promise.all(Array.from({ length: n }, (_, i) => ds.get(i)));
  return tf.tensor4d(Float32Array.from(xs.flatMap((a) => Array.from(a!))), [n, side, side, 3]);
}

describe.runIf(torchAvailability().available)('kernel coverage of the torch backend over the project\'s paths', () => {
  beforeAll(async () => {
    await useNodeBackend({ backend: 'torch' });
    record();
  });
  afterAll(() => restore?.());

  it('a training step with perceptual loss, PatchGAN and the EMA quantizer, then eval with SSIM and the FID-like score', async () => {
    const before = tf.memory().numTensors;
    const config = resolveVqModelConfig({ preset: 'tiny', quantizer: 'ema' });
    const model = createVqModel(config, { seed: 1 });
    const disc = new PatchDiscriminator({ inChannels: 3, seed: 2 });
    const perceptual = loadMobileNetPerceptual();
    const step = createVqganStep({ model, discriminator: disc, perceptual, learningRate: 1e-4, loss: { discStart: 0 }, kAdj: config.kAdj, kNoun: config.kNoun });
    const x = await images(2, 32);
    const report = await step.runAsync!(x, 0, 7);
    expect(Object.values(report.losses).every(Number.isFinite)).toBe(true);
    const fx = loadInceptionPoolFeatures(75);
    const batches = async function* () { yield tf.clone(x); };
    const r = await evaluateTokenizer(model, batches(), { kAdj: config.kAdj, kNoun: config.kNoun, perceptual, features: fx });
    expect(Number.isFinite(r.psnr) && Number.isFinite(r.ssim)).toBe(true);
    expect(r.fidLike?.value).toBeGreaterThanOrEqual(0);
    // Resizing as the data loaders and the FID-like features do it (bilinear, nearest).
    const resized = tf.tidy(() => [tf.image.resizeBilinear(x, [75, 75]), tf.image.resizeNearestNeighbor(x, [16, 16])]);
    expect(resized[0].shape).toEqual([2, 75, 75, 3]);
    tf.dispose(resized);
    tf.dispose([x]);
    fx.net.dispose();
    perceptual.net.dispose();
    step.dispose();
    disc.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);

  it('a VQCT-quantizer training step (k nearest adjectives, nearest noun) and token decoding', async () => {
    const before = tf.memory().numTensors;
    const config = resolveVqModelConfig('tiny');
    const codes = tf.tidy(() => tf.randomNormal([config.kAdj + config.kNoun, config.codeDim], 0, 1, 'float32', 1) as tf.Tensor2D);
    const source = new VariableCodebookSource(config.kAdj, config.kNoun, codes);
    codes.dispose();
    const model = createVqModel(config, { codebook: source, seed: 1 });
    const step = createVqganStep({ model, codebook: { namedWeights: () => ({ codes: source.codebook }) }, learningRate: 1e-4, kAdj: config.kAdj, kNoun: config.kNoun });
    const x = await images(2, 32);
    await step.runAsync!(x, 0, 3);
    const tokens = model.encode(x);
    const back = model.decodeTokens(tokens);
    expect(back.shape).toEqual([2, 32, 32, 3]);
    tf.dispose([x, tokens, back]);
    step.dispose();
    model.dispose();
    source.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 600_000);

  it('every kernel those paths hit is registered for torch', () => {
    const missing = [...hits].filter((k) => tf.getKernel(k, 'torch') == null).sort();
    expect(hits.size).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });
});
