import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '@vqct/core/node';
import { PRETRAINED_MODELS, type ModelCard, type PretrainedName } from '@vqct/models';
import { evaluateTokenizer, sampleGrid, tokenWords } from '@vqct/vq';
import { loadEmojiDataset } from '@vqct/vq/node';
import { captionedBatches } from '../captioned-batches';
import { loadForInference } from '../checkpoint';
import { toRawImage, writePng } from '../io/images';
import type { Output } from '../output';
import { readShippedCard } from '../shipped-card';
import { tokenOverlayPng } from '../plots/token-overlay';

export interface ShowPretrainedResult {
  model: string;
  /** The shipped artefact's version (its card), null for a model that is not shipped. */
  version: string | null;
  /** Training steps in all: the card's (over every cycle), else the checkpoint's own step. */
  steps: number;
  heldOut: {
    images: number; emoji: number; psnr: number; ssim: number; usage: { adjective: number; noun: number };
    /** Share of held-out emoji with a caption noun among their 5 most frequent noun tokens, and its chance level (issue 17). */
    nounRecallAt5: { recall: number; chance: number; frequent: number; images: number } | null;
  };
  /** A held-out emoji: its caption and the words its patches became. */
  example: { caption: string; topNouns: Array<{ word: string; count: number }>; words: string[][] };
  files: { reconstructions: string; tokenMap: string };
  seconds: number;
}

/** A shipped model's card (null when `name` is a checkpoint path rather than a shipped model). */
function shippedCard(name: string): ModelCard | null {
  if (existsSync(name) || !(PRETRAINED_MODELS as readonly string[]).includes(name)) return null;
  return readShippedCard(name as PretrainedName);
}

/** Nouns of a word grid, most frequent first. */
function topNouns(words: string[][], n: number): Array<{ word: string; count: number }> {
  const counts = new Map<string, number>();
  for (const row of words) for (const w of row) { const noun = w.split(' / ').pop() ?? w; counts.set(noun, (counts.get(noun) ?? 0) + 1); }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([word, count]) => ({ word, count }));
}

/**
 * Demo step 1: the model `@vqct/models` ships (emoji-32), on emoji it never
 * saw in training (the held-out split, both styles): reconstructions of 16,
 * the word map of one beside its caption, PSNR / SSIM / code usage over
 * `limit` of them. Seconds, no training.
 */
export async function showPretrained(o: { dir: string; name?: string; limit?: number }, out: Output): Promise<ShowPretrainedResult> {
  const t0 = Date.now();
  const name = o.name ?? 'emoji-32';
  const ck = loadForInference(name);
  const card = shippedCard(name);
  try {
    const held = await loadEmojiDataset({ size: ck.imageSize, split: 'heldout', limit: o.limit ?? 256 });
    const per = held.height * held.width * held.channels;
    const batch = async (from: number, n: number): Promise<tf.Tensor4D> => {
      const flat = new Float32Array(n * per);
      for (let i = 0; i < n; i++) flat.set((await held.get(from + i)) as Float32Array, i * per);
      return tf.tensor4d(flat, [n, held.height, held.width, held.channels]);
    };
    const files = { reconstructions: join(o.dir, 'emoji-reconstructions.png'), tokenMap: join(o.dir, 'emoji-token-map.png') };
    const first = await batch(0, Math.min(16, held.size));
    const recon = ck.model.reconstruct(first);
    const grid = sampleGrid(first, recon);
    tf.dispose([first, recon]);
    await writePng(files.reconstructions, grid, 4);
    // The example: the first held-out emoji.
    const x = await batch(0, 1);
    const t = ck.model.encode(x);
    const words = tokenWords((await t.array()) as number[][][][], ck.prior!)[0];
    writeFileAtomic(files.tokenMap, await tokenOverlayPng(toRawImage(await x.data(), held.height, held.width, held.channels), words, 96));
    tf.dispose([x, t]);
    const r = await evaluateTokenizer(ck.model, captionedBatches(held, 32), { kAdj: ck.model.config.kAdj, kNoun: ck.model.config.kNoun, vocabulary: ck.prior ?? undefined });
    const at5 = r.captionRecall?.noun.at.find((a) => a.n === 5);
    out.log(`demo: the shipped ${name} on ${r.images} held-out emoji in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return {
      model: name,
      // The sidecar's step counts only the last training cycle; the card gives them all.
      version: card?.version ?? null,
      steps: card?.training.steps ?? ck.sidecar.step,
      heldOut: { images: r.images, emoji: held.emojiCount, psnr: r.psnr, ssim: r.ssim, usage: { adjective: r.usage.adjective.usage, noun: r.usage.noun.usage },
        nounRecallAt5: at5 != null && r.captionRecall != null ? { recall: at5.recall, chance: at5.chance, frequent: at5.frequent, images: r.captionRecall.noun.images } : null },
      example: { caption: held.caption(0), topNouns: topNouns(words, 5), words },
      files,
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    ck.dispose();
  }
}
