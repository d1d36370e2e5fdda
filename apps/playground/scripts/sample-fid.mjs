#!/usr/bin/env node
/**
 * The project's FID-like score (Fréchet distance of nsfwjs InceptionV3 pooled
 * features; NOT comparable to published FID) of decoded generator samples
 * against the held-out emoji, beside its floor and a baseline:
 * - the tokenizer's own reconstructions of the held-out emoji (the floor a
 *   generator over its tokens can reach),
 * - each generator's samples: blank prompt and, for a words generator, held-out
 *   captions as prompts,
 * - grids of tokens drawn independently from the training split's unigram
 *   frequencies (per half), decoded by the same tokenizer.
 *
 *   node scripts/sample-fid.mjs [--dir public/generate] [--dir2 OTHER] [--n 256] [--seed 1] [--size 150] [--guidance 1,2,3] [--json out.json]
 *
 * `--guidance`: the captions-as-prompts row at each classifier-free guidance scale.
 *
 * `--dir2` adds a second exported generator of the same tokenizer (e.g. the
 * unconditioned model, exported with export-generator.mjs --out).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { sampleTokens } from '@vqct/transformer';
import { frechetDistance, MAX_FRECHET_RANK } from '@vqct/vq';
import { loadInceptionPoolFeatures } from '@vqct/vq/node';
import { captionIdsFor, encodeSplit, loadGenerator } from './generator-io.mjs';
import { unigramGrids } from './unigram-grids.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const n = Number(arg('n', 256));
const seed = Number(arg('seed', 1));
const scales = String(arg('guidance', '1')).split(',').map(Number);
if (scales.some((g) => !(g >= 0))) {
  process.stderr.write(`sample-fid: --guidance expects numbers >= 0 separated by commas, got ${JSON.stringify(arg('guidance'))}\n`);
  process.exit(1);
}
const log = (s) => process.stderr.write(`${s}\n`);

log((await useNodeBackend()).line);
const inception = loadInceptionPoolFeatures(Number(arg('size', 150)));
const first = loadGenerator(arg('dir', join(here, '..', 'public', 'generate')));
const { tok } = first;
// The second generator is checked against the first one's tokenizer: one copy serves both.
const second = arg('dir2') != null ? loadGenerator(arg('dir2'), tok) : null;
const side = tok.imageSize;

/** Pooled features of [count * side * side * 3] images in [-1, 1], one Float32Array per image. */
function featuresOf(flat, count) {
  const out = [];
  for (let s = 0; s < count; s += 32) {
    const m = Math.min(32, count - s);
    const f = tf.tidy(() => inception.features(tf.tensor4d(flat.subarray(s * side * side * 3, (s + m) * side * side * 3), [m, side, side, 3])));
    const v = f.dataSync();
    f.dispose();
    for (let i = 0; i < m; i++) out.push(v.slice(i * inception.dim, (i + 1) * inception.dim));
  }
  return out;
}

/** Decodes int32 grids [count, h, w, k+1] (a tensor, disposed here) into features. */
function decodedFeatures(grids) {
  const img = tf.tidy(() => tf.clipByValue(tok.model.decodeTokens(grids), -1, 1));
  grids.dispose();
  const flat = img.dataSync();
  const count = img.shape[0];
  img.dispose();
  return featuresOf(flat, count);
}

const t0 = Date.now();
const held = await encodeSplit(tok, 'heldout');
const train = await encodeSplit(tok, 'train');
// The reference set: the held-out emoji, evenly spaced, at most MAX_FRECHET_RANK of them.
const pick = (count) => Array.from({ length: Math.min(count, held.size) }, (_, i) => Math.floor((i * held.size) / Math.min(count, held.size)));
/** Rows `idx` of `flat` (rows of `per` values), in that order, in a new array of the same type. */
const gather = (flat, idx, per) => {
  const out = new flat.constructor(idx.length * per);
  idx.forEach((i, j) => out.set(flat.subarray(i * per, (i + 1) * per), j * per));
  return out;
};
const refIdx = pick(MAX_FRECHET_RANK);
const real = featuresOf(gather(held.images, refIdx, side * side * 3), refIdx.length);
const [gh, gw] = first.model.layout.tokens.grid;
const k1 = first.model.layout.tokens.adjectives + 1;
const shape = (count) => [count, gh, gw, k1];
const rows = [];
const add = (what, feats) => {
  const value = frechetDistance(real, feats, inception.dim);
  rows.push({ what, samples: feats.length, fidLike: value });
  log(`${what}: FID-like ${value.toFixed(2)} (${feats.length} samples)`);
};
// The floor, with as many images as every other row (Fréchet distance is biased by the sample count).
const floorIdx = pick(n);
add('tokenizer reconstructions of held-out emoji (the floor)', decodedFeatures(tf.tensor4d(gather(held.grids, floorIdx, gh * gw * k1), shape(floorIdx.length), 'int32')));
add('unigram tokens (train-split frequencies per half)', decodedFeatures(tf.tensor4d(unigramGrids(train.grids, k1, n, gh * gw, seed), shape(n), 'int32')));
for (const g of [first, second].filter((x) => x != null)) {
  const kind = g.model.config.condition.kind;
  const blank = kind === 'words' ? { kind: 'words', ids: [] } : { kind: 'none' };
  add(`${g.sidecar.name} (step ${g.sidecar.step}), ${kind === 'words' ? 'blank prompt' : 'unconditioned'}`, decodedFeatures(await sampleTokens(g.model, { count: n, condition: blank, seed })));
  if (kind === 'words') {
    const ids = captionIdsFor(tok.prior, g.model.config.condition.length);
    const prompts = Array.from({ length: n }, (_, i) => ({ kind: 'words', ids: ids(held.captions[Math.floor((i * held.size) / n)]) }));
    for (const guidance of scales) {
      const label = `${g.sidecar.name} (step ${g.sidecar.step}), held-out captions as prompts${guidance !== 1 ? `, guidance ${guidance}` : ''}`;
      add(label, decodedFeatures(await sampleTokens(g.model, { count: n, condition: prompts, seed, guidance })));
    }
  }
}
const report = { features: inception.name, real: refIdx.length, seed, rows, seconds: (Date.now() - t0) / 1000 };
const json = arg('json');
if (json) writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report)}\n`);
for (const g of [first, second].filter((x) => x != null)) g.model.dispose();
tok.dispose();
inception.net.dispose();
