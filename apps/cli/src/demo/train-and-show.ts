import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '@vqct/core/node';
import { evaluateTokenizer, tokenWords } from '@vqct/vq';
import { loadForInference } from '../checkpoint';
import { openDataset } from '../data';
import { toRawImage } from '../io/images';
import type { Output } from '../output';
import { tokenOverlayPng } from '../plots/token-overlay';
import { runTraining, type TrainResult } from '../train/run-training';

export interface DemoTrainOptions {
  dir: string;
  prior: string;
  /** Training budget in minutes (ignored when `steps` is given). */
  minutes: number;
  steps?: number;
  limit: number;
  batchSize?: number;
}

export interface DemoShowResult {
  train: TrainResult;
  eval: { images: number; psnr: number; ssim: number; usage: { adjective: number; noun: number } };
  tokenMap: { image: string; words: string[][]; topNouns: Array<{ word: string; count: number }> };
  files: { reconstructions: string; tokenMap: string; lossPlot: string; usagePlot: string; run: string };
}

/**
 * Demo steps 2-3: trains the tiny preset on fashion-mnist into <dir>/run for a
 * time budget, then writes the reconstructions, a token word map of one
 * embedded image, and the loss and usage plots to <dir>, and measures PSNR,
 * SSIM and usage on 200 images.
 */
export async function demoTrainAndShow(o: DemoTrainOptions, out: Output): Promise<DemoShowResult> {
  const runDir = join(o.dir, 'run');
  rmSync(runDir, { recursive: true, force: true }); // the demo's own run from a previous time
  const train = await runTraining(
    { preset: 'tiny', data: 'fashion-mnist', limit: o.limit, prior: o.prior, steps: o.steps ?? 1_000_000, batchSize: o.batchSize, sampleEvery: 25, checkpointEvery: 25 },
    { out: runDir, maxSeconds: o.steps != null ? undefined : o.minutes * 60 },
    out,
  );
  if (train.stopped === 'interrupted') return { train } as DemoShowResult;
  out.log('demo step 3/3: reconstructions, token word map, plots, evaluation');
  const files = {
    reconstructions: join(o.dir, 'reconstructions.png'),
    tokenMap: join(o.dir, 'token-map.png'),
    lossPlot: join(o.dir, 'loss.png'),
    usagePlot: join(o.dir, 'usage.png'),
    run: train.runDir,
  };
  copyFileSync(join(train.runDir, 'samples', 'final.png'), files.reconstructions);
  copyFileSync(join(train.runDir, 'plots', 'loss.png'), files.lossPlot);
  copyFileSync(join(train.runDir, 'plots', 'usage.png'), files.usagePlot);
  const ck = loadForInference(train.runDir);
  try {
    const ds = await openDataset({ source: 'fashion-mnist', size: ck.imageSize, channels: ck.channels, limit: 200 });
    // Class 8 of fashion-mnist is "bag": one picture of each class comes first in this order, so index 8 is a bag.
    const px = (await ds.get(8)) as Float32Array;
    const x = tf.tensor4d(px, [1, ds.height, ds.width, ds.channels]);
    const t = ck.model.encode(x);
    const grid = (await t.array()) as number[][][][];
    tf.dispose([x, t]);
    const words = tokenWords(grid, ck.prior!)[0];
    writeFileAtomic(files.tokenMap, await tokenOverlayPng(toRawImage(px, ds.height, ds.width, ds.channels), words, 96));
    const nouns = new Map<string, number>();
    for (const row of words) for (const w of row) { const n = w.split(' / ').pop() ?? w; nouns.set(n, (nouns.get(n) ?? 0) + 1); }
    const topNouns = [...nouns.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([word, count]) => ({ word, count }));
    const per = ds.height * ds.width * ds.channels;
    async function* batches(): AsyncGenerator<tf.Tensor4D> {
      for (let s = 0; s < ds.size; s += 25) {
        const n = Math.min(25, ds.size - s);
        const flat = new Float32Array(n * per);
        for (let i = 0; i < n; i++) flat.set((await ds.get(s + i)) as Float32Array, i * per);
        yield tf.tensor4d(flat, [n, ds.height, ds.width, ds.channels]);
      }
    }
    const r = await evaluateTokenizer(ck.model, batches(), { kAdj: ck.model.config.kAdj, kNoun: ck.model.config.kNoun });
    return {
      train,
      eval: { images: r.images, psnr: r.psnr, ssim: r.ssim, usage: { adjective: r.usage.adjective.usage, noun: r.usage.noun.usage } },
      tokenMap: { image: 'fashion-mnist bag (class 8, first image)', words, topNouns },
      files,
    };
  } finally {
    ck.dispose();
  }
}
