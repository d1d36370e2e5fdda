import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '@vqct/core';
import type { AugmentOptions, StepEvent } from '@vqct/vq';
import { describeAugment, downsampleFactor, parseAugment } from '@vqct/vq';
import type { Condition } from '@vqct/transformer';
import { heldOutBits, resolveTransformerConfig, resolveTransformerTrainOptions, TokenSequenceDataset, TokenTransformer, unigramBits, wordIds } from '@vqct/transformer';
import { trainTransformer } from '@vqct/transformer/node';
import { loadForInference, resolveCheckpointSidecar, type LoadedCheckpoint } from '../checkpoint';
import { checkpointLabel } from '../checkpoint-label';
import type { Output } from '../output';
import { RunDir } from '../run-dir';
import { writeLossPlot } from '../train/plots';
import { stopOnSignals } from '../train/stop-signals';
import { createTrainProgress } from '../train/train-progress';
import { encodeVariants } from './encode-variants';
import { captionedEmoji, captionWordIds, isEmojiSource, MAX_CAPTION_WORDS } from './emoji-captions';
import { FASHION_MNIST_CAPTIONS, FASHION_MNIST_CLASSES, labeledMnist } from './labeled-data';
import type { ConditionKind, TransformerRunSettings, TransformerTrainFlags } from './settings';
import { TOKENIZER_DIR } from './settings';

/** The `--json` result of `vqct transformer train`. */
export interface TransformerTrainResult {
  runDir: string;
  stopped: 'completed' | 'interrupted' | 'time-limit';
  backend: string;
  startStep: number;
  step: number;
  targetSteps: number;
  seconds: number;
  sequencesPerSecond: number;
  parameters: number;
  loss: { first: number; last: number };
  /** Held-out NLL (bits per image token) of the model and of the unigram baseline. */
  heldOut: { sequences: number; bitsPerToken: number; noun: number; adjective: number; unigram: { bitsPerToken: number; noun: number; adjective: number }; unconditioned?: { bitsPerToken: number; noun: number; adjective: number } };
  files: { run: string; metrics: string; eval: string; plots: string[] };
}

function conditionOf(kind: ConditionKind, label: number, captions: number[][] | null): Condition {
  if (kind === 'none') return { kind: 'none' };
  if (kind === 'class') return { kind: 'class', label };
  return { kind: 'words', ids: captions![label] };
}

/** Per class label, the caption's word ids in the tokenizer's prior. */
export function captionIds(settings: Pick<TransformerRunSettings, 'captions'>, ck: LoadedCheckpoint): number[][] | null {
  if (settings.captions == null) return null;
  if (ck.prior == null) throw new ConfigError('the words condition needs a VQCT tokenizer (with a prior)');
  return settings.captions.map((c) => wordIds(c, ck.prior!));
}

function freshSettings(flags: TransformerTrainFlags, ck: LoadedCheckpoint, sidecar: string): TransformerRunSettings {
  const c = ck.model.config;
  const f = downsampleFactor(c);
  const adjectives = c.kAdj > 0 ? c.topK : 0;
  const emoji = isEmojiSource(flags.data);
  if (emoji && flags.condition === 'class') throw new ConfigError('--condition class needs class labels (fashion-mnist or mnist); emoji have captions: --condition words');
  if (flags.condition === 'none' && flags.condDropout > 0) throw new ConfigError('--cond-dropout needs a condition (--condition class or words)');
  const captions = flags.condition === 'words' && !emoji ? [...FASHION_MNIST_CAPTIONS] : null;
  const length = emoji ? MAX_CAPTION_WORDS : captions != null && ck.prior != null ? Math.max(...captions.map((s) => wordIds(s, ck.prior!).length)) : 1;
  const condition = flags.condition === 'none' ? { kind: 'none' as const } : flags.condition === 'class' ? { kind: 'class' as const, classes: 10 } : { kind: 'words' as const, length };
  const model = resolveTransformerConfig({
    tokens: { kAdj: c.kAdj, kNoun: c.kNoun, adjectives, grid: [c.resolution / f, c.resolution / f] },
    condition, layers: flags.layers, heads: flags.heads, embedding: flags.embedding,
    embeddingDropout: flags.dropout, residualDropout: flags.dropout, attentionDropout: flags.dropout,
  });
  const train = resolveTransformerTrainOptions({ steps: flags.steps ?? 1000, batchSize: flags.batchSize, learningRate: flags.lr, seed: flags.seed, checkpointEvery: flags.checkpointEvery, conditionDropout: flags.condDropout });
  return {
    format: 'vqct-transformer-run', version: 1,
    tokenizer: { checkpoint: checkpointLabel(sidecar), weightsSha256: ck.sidecar.weightsSha256 },
    data: { source: flags.data, perClass: flags.perClass, heldOutPerClass: flags.heldOut, ...(emoji ? { images: flags.images ?? null } : {}), augment: flags.augment != null ? parseAugment(flags.augment) : null },
    condition: flags.condition, captions, classes: flags.data === 'fashion-mnist' ? [...FASHION_MNIST_CLASSES] : null,
    model, train,
  };
}

/**
 * Copies the tokenizer checkpoint (sidecar, weights, prior) into
 * checkpoints/tokenizer/, so that the transformer's checkpoints folder stands
 * alone (the tokenizer's own run keeps only its newest checkpoints).
 */
function copyTokenizer(ck: LoadedCheckpoint, run: RunDir): void {
  const dir = join(run.checkpoints, TOKENIZER_DIR);
  mkdirSync(dir, { recursive: true });
  const from = dirname(ck.sidecarFile);
  copyFileSync(ck.sidecarFile, join(dir, 'tokenizer.json'));
  copyFileSync(join(from, ck.sidecar.weightsFile), join(dir, ck.sidecar.weightsFile));
  if (ck.priorFile != null) copyFileSync(ck.priorFile, join(dir, basename((ck.settings.prior?.file ?? 'prior.safetensors'))));
}

/** ", each in 18 variants (flip,shift:1)" where a split is augmented. */
function variantNote(augment: AugmentOptions | null, variants: number): string {
  return augment != null && variants > 1 ? `, each in ${variants} variants (${describeAugment(augment)})` : '';
}

/**
 * Token sequences of the emoji train and held-out splits (split by emoji),
 * each prefixed by its own caption's words (or nothing, for `none`).
 */
async function emojiSequences(settings: TransformerRunSettings, ck: LoadedCheckpoint, layout: TokenTransformer['layout'], out: Output): Promise<{ train: TokenSequenceDataset; heldOut: TokenSequenceDataset }> {
  const { source } = settings.data;
  if (settings.condition === 'words' && ck.prior == null) throw new ConfigError('the words condition needs a VQCT tokenizer (with a prior)');
  const split = async (name: 'train' | 'heldout', limit?: number): Promise<TokenSequenceDataset> => {
    const images = await captionedEmoji(source, name, { size: ck.imageSize, channels: ck.channels, limit });
    const t0 = Date.now();
    const augment = name === 'train' ? settings.data.augment ?? null : null;
    const { grids, variants } = await encodeVariants(ck.model, images, augment);
    const ids = images.captions.map((c) => (settings.condition === 'words' ? captionWordIds(c, ck.prior!) : []));
    const words = ids.reduce((s, x) => s + x.length, 0) / Math.max(1, ids.length);
    out.log(`tokens: ${name}: ${images.count} emoji${variantNote(augment, variants)} encoded in ${((Date.now() - t0) / 1000).toFixed(1)} s${settings.condition === 'words' ? `, ${words.toFixed(1)} caption words of the prior per image` : ''}`);
    const n = images.count;
    return TokenSequenceDataset.fromGrids(layout, grids, (i) => (settings.condition === 'words' ? { kind: 'words', ids: ids[i % n] } : { kind: 'none' }), `${source}:${name}`);
  };
  return { train: await split('train', settings.data.images ?? undefined), heldOut: await split('heldout') };
}

/**
 * Token sequences of a run's train and held-out splits: labeled images of
 * each class (or captioned emoji), encoded by the tokenizer, with the run's
 * condition as prefix.
 */
export async function runSequences(settings: TransformerRunSettings, ck: LoadedCheckpoint, layout: TokenTransformer['layout'], out: Output): Promise<{ train: TokenSequenceDataset; heldOut: TokenSequenceDataset }> {
  if (isEmojiSource(settings.data.source)) return emojiSequences(settings, ck, layout, out);
  const { source, perClass, heldOutPerClass } = settings.data;
  const captions = captionIds(settings, ck);
  const split = async (from: number, per: number, name: string): Promise<TokenSequenceDataset> => {
    const images = await labeledMnist(source, { size: ck.imageSize, channels: ck.channels, from, perClass: per });
    const t0 = Date.now();
    const augment = name === 'train' ? settings.data.augment ?? null : null;
    const { grids, variants } = await encodeVariants(ck.model, images, augment);
    out.log(`tokens: ${name}: ${images.count} images of ${source}${variantNote(augment, variants)} encoded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const n = images.count;
    return TokenSequenceDataset.fromGrids(layout, grids, (i) => conditionOf(settings.condition, images.labels[i % n], captions), `${source}:${name}`);
  };
  return { train: await split(0, perClass, 'train'), heldOut: await split(perClass, heldOutPerClass, 'held-out') };
}

/**
 * `vqct transformer train` as a function: encodes labeled images with a
 * trained tokenizer, trains a TokenTransformer on their sequences with
 * checkpoints (Ctrl-C / --max-minutes stop with one; --resume continues
 * exactly), then reports held-out bits per token against the unigram baseline.
 */
export async function runTransformerTraining(flags: TransformerTrainFlags, out: Output): Promise<TransformerTrainResult> {
  const started = Date.now();
  let run: RunDir;
  let settings: TransformerRunSettings;
  const { useNodeBackend } = await import('@vqct/backend-node');
  const backend = await useNodeBackend();
  out.log(backend.line);
  let ck: LoadedCheckpoint;
  if (flags.resume === true) {
    run = RunDir.open(flags.out);
    try {
      settings = JSON.parse(readFileSync(run.file('run.json'), 'utf8')) as TransformerRunSettings;
    } catch (e) {
      throw new ConfigError(`--resume: cannot read the run's settings (${(e as Error).message.split('\n')[0]})`, { file: run.file('run.json'), cause: e });
    }
    if (flags.steps != null) settings.train = { ...settings.train, steps: flags.steps };
    const ignored = (['tokenizer', 'images', 'augment'] as const).filter((k) => flags[k] != null);
    if (ignored.length > 0) out.log(`--resume: using the run's recorded settings; ignoring ${ignored.map((k) => `--${k}`).join(', ')}`);
    const copy = join(run.checkpoints, TOKENIZER_DIR, 'tokenizer.json');
    ck = loadForInference(copy);
    if (ck.sidecar.weightsSha256 !== settings.tokenizer.weightsSha256) {
      ck.dispose();
      throw new ConfigError(`--resume: the tokenizer checkpoint changed since this run started (weights sha256 differs from that of ${settings.tokenizer.checkpoint})`, { file: copy });
    }
  } else {
    if (flags.tokenizer == null) throw new ConfigError('--tokenizer is required (a trained `vqct train` run folder or checkpoint)');
    const sidecar = resolveCheckpointSidecar(flags.tokenizer);
    ck = loadForInference(sidecar);
    try {
      settings = freshSettings(flags, ck, sidecar);
    } catch (e) {
      ck.dispose();
      throw e;
    }
    run = RunDir.create(flags.out);
    copyTokenizer(ck, run);
  }
  const model = new TokenTransformer(settings.model, { seed: settings.train.seed });
  let signals: { dispose(): void } | null = null;
  try {
    out.log(`tokenizer: ${settings.tokenizer.checkpoint} (grid ${settings.model.tokens.grid.join('x')}, ${settings.model.tokens.adjectives} adjectives + 1 noun per position, ${settings.model.tokens.kAdj} + ${settings.model.tokens.kNoun} words)`);
    out.log(`transformer: ${model.parameterCount().toLocaleString('en-US')} parameters, ${settings.model.layers} layers, ${settings.model.heads} heads, embedding ${settings.model.embedding}, block ${settings.model.blockSize}, condition ${settings.condition}`);
    const { train, heldOut } = await runSequences(settings, ck, model.layout, out);
    if (flags.resume !== true) run.write('run.json', `${JSON.stringify(settings, null, 2)}\n`);

    const deadline = flags.maxMinutes != null ? Date.now() + flags.maxMinutes * 60_000 : Infinity;
    const progress = createTrainProgress(out, settings.train.steps, Number.isFinite(deadline) ? deadline : undefined);
    let stop: 'interrupted' | 'time-limit' | null = null;
    let saved = -1;
    signals = stopOnSignals(out, progress, () => { stop = 'interrupted'; }, () => saved);
    const events: StepEvent[] = [];
    const t0 = Date.now();
    const end = await trainTransformer({
      model, dataset: train, train: settings.train, checkpointDir: () => run.checkpoints,
      tokenizerDigest: settings.tokenizer.weightsSha256, record: settings,
      shouldStop: () => {
        if (stop == null && Date.now() >= deadline) stop = 'time-limit';
        return stop != null;
      },
      callbacks: {
        onStep: (e) => {
          events.push(e);
          run.appendMetrics({ step: e.step, epoch: e.epoch, time: (Date.now() - started) / 1000, sequencesPerSecond: e.imagesPerSecond, ...e.losses });
          progress.step(e);
        },
        onCheckpoint: (state) => { saved = state.step; run.commit(); },
      },
    });
    progress.stop();
    const trainSeconds = (Date.now() - t0) / 1000;
    if (end.resumedFrom != null) out.log(`resumed from step ${end.resumedFrom}`);
    const bits = await heldOutBits(model, heldOut);
    const uni = unigramBits(model.layout, train.sequences, heldOut.sequences);
    // With condition dropout the same model also has an unconditional half: what the condition is worth.
    const blank = (settings.train.conditionDropout ?? 0) > 0 ? await heldOutBits(model, heldOut.withoutCondition()) : null;
    const evalFile = run.file('eval.json');
    const heldOutReport = {
      sequences: heldOut.size, bitsPerToken: bits.bitsPerToken, noun: bits.noun, adjective: bits.adjective,
      unigram: { bitsPerToken: uni.bitsPerToken, noun: uni.noun, adjective: uni.adjective },
      ...(blank != null ? { unconditioned: { bitsPerToken: blank.bitsPerToken, noun: blank.noun, adjective: blank.adjective } } : {}),
    };
    run.write('eval.json', `${JSON.stringify({ step: end.step, heldOut: heldOutReport }, null, 2)}\n`);
    const plots = await writeLossPlot(run);
    const startStep = end.resumedFrom ?? 0;
    const mean = (xs: StepEvent[]): number => xs.reduce((s, e) => s + e.losses.total, 0) / Math.max(1, xs.length);
    const w = Math.max(1, Math.min(10, Math.floor(events.length / 2)));
    return {
      runDir: run.target,
      stopped: stop ?? 'completed',
      backend: backend.name,
      startStep,
      step: end.step,
      targetSteps: settings.train.steps,
      seconds: (Date.now() - started) / 1000,
      sequencesPerSecond: ((end.step - startStep) * settings.train.batchSize) / Math.max(trainSeconds, 1e-9),
      parameters: model.parameterCount(),
      loss: { first: mean(events.slice(0, w)), last: mean(events.slice(events.length - w)) },
      heldOut: heldOutReport,
      files: { run: run.file('run.json'), metrics: run.file('metrics.jsonl'), eval: evalFile, plots },
    };
  } catch (e) {
    run.abandon();
    throw e;
  } finally {
    signals?.dispose();
    model.dispose();
    ck.dispose();
  }
}

