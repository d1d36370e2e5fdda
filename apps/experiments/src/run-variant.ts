import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { priorDigest } from '@vqct/prior';
import { loadPrior } from '@vqct/prior/node';
import { createTransferNet, type TransferNet } from '@vqct/transfer-net';
import { CodebookUsage, createVqModel, evaluateTokenizer, resolveTrainOptions, resolveVqModelConfig, type CaptionedBatch, type CaptionRecallResult, type ImageDataset, type VqModel } from '@vqct/vq';
import { loadInceptionPoolFeatures, loadMobileNetPerceptual, trainWithCheckpoints } from '@vqct/vq/node';
import { heldOutCaption, loadFashionSplits } from './data';
import type { Job, RunResult, UsagePoint } from './job';
import { transferOptionsOf } from './transfer-options';

async function batchOf(ds: ImageDataset, indices: number[]): Promise<tf.Tensor4D> {
  const per = ds.height * ds.width * ds.channels;
  const buf = new Float32Array(indices.length * per);
  for (const [k, i] of indices.entries()) buf.set((await ds.get(i))!, k * per);
  return tf.tensor4d(buf, [indices.length, ds.height, ds.width, ds.channels]);
}

/** Held-out batches with each image's class name as its caption. */
async function* batches(ds: ImageDataset, size: number, captionOf: (i: number) => string): AsyncGenerator<CaptionedBatch> {
  for (let i = 0; i < ds.size; i += size) {
    const indices = Array.from({ length: Math.min(size, ds.size - i) }, (_, j) => i + j);
    yield { images: await batchOf(ds, indices), captions: indices.map(captionOf) };
  }
}

/** noun / adjective recall@1 and @5 with chance, as the result JSON keeps it. */
function recallFigures(r: CaptionRecallResult | undefined): RunResult['heldOut']['captionRecall'] {
  if (r == null) return null;
  const half = (h: CaptionRecallResult['noun']) => ({ images: h.images, at: h.at.map((a) => ({ n: a.n, recall: a.recall, chance: a.chance, frequent: a.frequent })) });
  return { noun: half(r.noun), adjective: half(r.adjective) };
}

/** Held-out usage on a fixed probe set, synchronously (the checkpoint callback is not awaited). */
function probeUsage(model: VqModel, probe: tf.Tensor4D[], step: number): UsagePoint {
  const u = new CodebookUsage(model.config.kAdj, model.config.kNoun);
  for (const x of probe) {
    const tokens = model.encode(x);
    u.add(tokens.dataSync() as Int32Array, tokens.shape[3]);
    tokens.dispose();
  }
  const r = u.result();
  return { step, adjective: r.adjective.usage, noun: r.noun.usage, perplexityAdjective: r.adjective.perplexity, perplexityNoun: r.noun.perplexity };
}

function readJsonLines<T extends { step: number }>(file: string): T[] {
  if (!existsSync(file)) return [];
  const byStep = new Map<number, T>();
  for (const l of readFileSync(file, 'utf8').split('\n')) if (l.trim() !== '') {
    const p = JSON.parse(l) as T;
    byStep.set(p.step, p);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/**
 * Trains and evaluates one variant (in its own process): the tiny VQGAN with
 * the job's quantizer on the fashion-mnist train split, checkpoints (and
 * resumes) in `job.dir/ckpt`, records held-out usage at every checkpoint, and
 * writes `job.dir/result.json` with the held-out metrics.
 */
export async function runVariant(job: Job, log: (s: string) => void): Promise<RunResult> {
  const o = job.options;
  const backend = await useNodeBackend({ backend: o.backend });
  const t0 = performance.now();
  mkdirSync(job.dir, { recursive: true });
  const { train, test } = loadFashionSplits(o, o.cacheDir);
  const prior = loadPrior(job.priorFile);
  const learned = job.variant === 'vq' || job.variant === 'ema';
  const config = resolveVqModelConfig({ preset: 'tiny', quantizer: learned ? job.variant as 'vq' | 'ema' : 'vqct', kAdj: prior.kAdj, kNoun: prior.kNoun });
  let net: TransferNet | undefined;
  if (!learned) {
    net = createTransferNet(prior, transferOptionsOf(job.variant as 'vqct' | 'mlp' | 'random', o, config.codeDim));
  }
  const model = createVqModel(config, { codebook: net, seed: o.seed });
  const { kAdj, kNoun } = model.config;
  const every = Math.max(1, Math.floor(job.steps / o.curvePoints));
  const stride = Math.max(1, Math.floor(test.size / o.curveImages));
  const probeIdx = Array.from({ length: Math.min(o.curveImages, test.size) }, (_, i) => i * stride);
  const probe: tf.Tensor4D[] = [];
  for (let i = 0; i < probeIdx.length; i += 16) probe.push(await batchOf(test, probeIdx.slice(i, i + 16)));
  const curveFile = join(job.dir, 'curve.jsonl');
  const stepsFile = join(job.dir, 'steps.jsonl');
  const ckpt = join(job.dir, 'ckpt');
  mkdirSync(ckpt, { recursive: true });
  if (!existsSync(join(ckpt, 'last.json'))) appendFileSync(curveFile, `${JSON.stringify(probeUsage(model, probe, 0))}\n`);
  const trainOptions = resolveTrainOptions({ steps: job.steps, batchSize: o.batch, baseLearningRate: o.baseLr, seed: o.seed, checkpointEvery: every });
  let last = performance.now();
  const end = await trainWithCheckpoints({
    model, modelConfig: model.config, codebook: net, priorDigest: net != null ? priorDigest(prior) : null,
    dataset: train, train: trainOptions, checkpointDir: ckpt, kAdj, kNoun,
    callbacks: {
      onStep: (e) => {
        appendFileSync(stepsFile, `${JSON.stringify({ step: e.step, l1: e.losses.l1, codebook: e.losses.codebook, adjective: e.usage?.adjective, noun: e.usage?.noun })}\n`);
        if (performance.now() - last > 20_000 || e.step === job.steps) {
          last = performance.now();
          log(`step ${e.step}/${job.steps} l1 ${e.losses.l1.toFixed(3)} quant ${e.losses.codebook.toFixed(4)} batch usage adj ${(e.usage?.adjective ?? 0).toFixed(2)} noun ${(e.usage?.noun ?? 0).toFixed(2)} eta ${e.etaSeconds.toFixed(0)} s`);
        }
      },
      onCheckpoint: (s) => {
        appendFileSync(curveFile, `${JSON.stringify(probeUsage(model, probe, s.step))}\n`);
      },
    },
  });
  tf.dispose(probe);
  const trainSeconds = (performance.now() - t0) / 1000;
  log(`trained${end.resumedFrom != null ? ` (resumed from step ${end.resumedFrom})` : ''}; evaluating on ${test.size} held-out images`);
  // The sweep only asks about usage: its runs skip the two pretrained networks (the costliest part of an evaluation).
  const perceptual = job.group === 'main' ? loadMobileNetPerceptual() : undefined;
  const features = job.group === 'main' && o.fidSize > 0 ? loadInceptionPoolFeatures(o.fidSize) : undefined;
  // Caption recall needs words on the codes: the learned codebooks (vq, ema) have none.
  const ev = await evaluateTokenizer(model, batches(test, 25, (i) => heldOutCaption(i, o.testPerClass)), { kAdj, kNoun, perceptual, features, vocabulary: learned ? undefined : prior });
  perceptual?.net.dispose();
  features?.net.dispose();
  const steps = readJsonLines<{ step: number; l1: number; adjective?: number; noun?: number }>(stepsFile);
  const result: RunResult = {
    // A run resumed with a smaller --steps than its checkpoint stops where the checkpoint is.
    id: job.id, group: job.group, variant: job.variant, steps: end.step,
    prior: { file: job.priorFile, kAdj: prior.kAdj, kNoun: prior.kNoun, edges: prior.edgeWeight.length, embeddings: prior.meta.embeddingSource },
    K: kAdj + kNoun, kAdj, kNoun,
    heldOut: {
      images: ev.images,
      usage: { adjective: ev.usage.adjective.usage, noun: ev.usage.noun.usage },
      used: { adjective: ev.usage.adjective.used, noun: ev.usage.noun.used },
      dead: { adjective: kAdj - ev.usage.adjective.used, noun: kNoun - ev.usage.noun.used, total: kAdj + kNoun - ev.usage.adjective.used - ev.usage.noun.used },
      perplexity: { adjective: ev.usage.adjective.perplexity, noun: ev.usage.noun.perplexity },
      psnr: ev.psnr, ssim: ev.ssim,
      perceptual: ev.perceptual?.value ?? null, perceptualName: ev.perceptual?.name ?? null,
      fidLike: ev.fidLike?.value ?? null, fidLikeName: ev.fidLike?.name ?? null,
      captionRecall: recallFigures(ev.captionRecall),
    },
    curve: readJsonLines<UsagePoint>(curveFile),
    trainL1: steps.map((s) => ({ step: s.step, l1: s.l1 })).filter((_, i, a) => a.length <= 200 || i % Math.ceil(a.length / 200) === 0 || i === a.length - 1),
    finalTrainL1: steps.length > 0 ? steps.slice(-Math.min(20, steps.length)).reduce((a, s) => a + s.l1, 0) / Math.min(20, steps.length) : null,
    seconds: (performance.now() - t0) / 1000,
    trainSeconds,
    backend: backend.line,
    resumedFrom: end.resumedFrom,
  };
  writeFileSync(join(job.dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  model.dispose();
  net?.dispose();
  return result;
}
