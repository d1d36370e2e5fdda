#!/usr/bin/env node
/**
 * A figure of held-out emoji and their reconstructions by one or more models:
 * the top row the images (the same picks every time: base emoji spread over the
 * held-out split, Noto then Twemoji), then one row per model, scaled up with
 * nearest-neighbour pixels. A model is a checkpoint sidecar (a run's
 * `checkpoints/step-*.json` or a shipped `weights/<name>/<name>.json`); its weights
 * and prior are read from the same folder.
 *
 *   node scripts/heldout-figure.mjs --out fig.png --count 8 --scale 3 SIDECAR [SIDECAR ...]
 */
import { readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { useNodeBackend } from '@vqct/backend-node';
import { loadTokenizerFromBytes } from '@vqct/models';
import { loadEmojiDataset } from '@vqct/vq/node';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const [v] = args.splice(i, 2).slice(1);
  return v;
};
const out = opt('out', 'heldout.png');
const count = Number(opt('count', 8));
const scale = Number(opt('scale', 3));
if (args.length === 0) throw new Error('heldout-figure: give at least one checkpoint sidecar (.json)');
process.stderr.write(`${(await useNodeBackend()).line}\n`);

function loadSidecar(file) {
  const text = readFileSync(file, 'utf8');
  const side = JSON.parse(text);
  const dir = dirname(file);
  const prior = side.trainConfig?.prior?.file ?? 'prior.safetensors';
  return loadTokenizerFromBytes({
    weights: { name: join(dir, side.weightsFile), bytes: new Uint8Array(readFileSync(join(dir, side.weightsFile))) },
    sidecar: { name: file, text },
    prior: { name: join(dir, prior), bytes: new Uint8Array(readFileSync(join(dir, prior))) },
  });
}

const models = args.map(loadSidecar);
const side = models[0].model.config.resolution;
const ds = await loadEmojiDataset({ size: side, split: 'heldout' });
// Base emoji (no skin tone), half Noto and half Twemoji, spread over the split.
const base = ds.items.map((it, i) => ({ ...it, i })).filter((it) => !/skin tone/i.test(it.caption));
const styles = ['google', 'twitter'].map((s) => base.filter((it) => it.style === s));
const picks = (styles.every((s) => s.length > 0) ? styles : [base]).flatMap((s, _, all) => {
  const m = Math.ceil(count / all.length);
  return Array.from({ length: m }, (_, j) => s[Math.floor((j * s.length) / m)].i);
});
const per = side * side * 3;
const flat = new Float32Array(picks.length * per);
for (const [j, i] of picks.entries()) flat.set(await ds.get(i), j * per);
const rows = [flat];
for (const m of models) {
  const y = tf.tidy(() => tf.clipByValue(m.model.reconstruct(tf.tensor4d(flat, [picks.length, side, side, 3])), -1, 1));
  rows.push(y.dataSync().slice());
  y.dispose();
  m.dispose();
}
const W = picks.length * side * scale;
const H = rows.length * side * scale;
const rgb = new Uint8Array(W * H * 3);
rows.forEach((row, r) => {
  for (let j = 0; j < picks.length; j++) {
    for (let y = 0; y < side * scale; y++) {
      for (let x = 0; x < side * scale; x++) {
        const src = ((j * side + Math.floor(y / scale)) * side + Math.floor(x / scale)) * 3;
        const dst = ((r * side * scale + y) * W + j * side * scale + x) * 3;
        for (let c = 0; c < 3; c++) rgb[dst + c] = Math.round(Math.min(1, Math.max(0, (row[src + c] + 1) / 2)) * 255);
      }
    }
  }
});
await sharp(Buffer.from(rgb), { raw: { width: W, height: H, channels: 3 } }).png().toFile(`${out}.tmp.png`);
renameSync(`${out}.tmp.png`, out);
process.stdout.write(`wrote ${out}: ${picks.length} held-out emoji, ${models.length} model row(s)\n`);
