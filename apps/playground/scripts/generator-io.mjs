/**
 * What the generator scripts share: loading an exported generator (the
 * playground's format, `export-generator.mjs`) with the tokenizer it was
 * trained on, the caption words as prior ids, and encoding an emoji split.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors } from '@vqct/core';
import { loadPretrained } from '@vqct/models/node';
import { TokenTransformer, wordIds } from '@vqct/transformer';
import { restoreVariables } from '@vqct/vq';
import { loadEmojiDataset } from '@vqct/vq/node';

/**
 * The generator of `dir` (manifest.json + sidecar + weights) and its tokenizer, sha256-checked.
 * Pass `tok` (a loaded shipped tokenizer) to check against it instead of loading another copy;
 * the caller disposes the model and the tokenizer.
 */
export function loadGenerator(dir, tok = undefined) {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const sidecar = JSON.parse(readFileSync(join(dir, manifest.sidecar), 'utf8'));
  const model = new TokenTransformer(sidecar.model);
  restoreVariables(decodeSafetensors(new Uint8Array(readFileSync(join(dir, sidecar.weightsFile)))).tensors, model.namedWeights(), sidecar.weightsFile);
  const given = tok != null;
  if (!given) tok = loadPretrained(sidecar.tokenizer.name);
  if (tok.sidecar.weightsSha256 !== sidecar.tokenizer.weightsSha256) {
    model.dispose();
    if (!given) tok.dispose();
    throw new Error(`${join(dir, manifest.sidecar)}: ${sidecar.tokenizer.name} is not the tokenizer this generator was trained on (retrain it: docs/RESULTS.md)`);
  }
  return { sidecar, model, tok };
}

/** caption -> the ids of its words the prior knows, at most `max` (as `vqct transformer train --data emoji` does). */
export function captionIdsFor(vocab, max) {
  const known = new Set(vocab.words);
  return (caption) => {
    const words = caption.toLowerCase().split(/[^a-z0-9'-]+/).filter((w) => w !== '' && (known.has(w) || (w.endsWith('s') && known.has(w.slice(0, -1)))));
    return words.length === 0 || max === 0 ? [] : wordIds(words.slice(0, max).join(' '), vocab);
  };
}

/** The token grids (flat int32), images (flat float32 in [-1, 1]) and captions of an emoji split, encoded by `tok`. */
export async function encodeSplit(tok, split) {
  const ds = await loadEmojiDataset({ size: tok.imageSize, split });
  const per = tok.imageSize * tok.imageSize * 3;
  const images = new Float32Array(ds.size * per);
  const parts = [];
  for (let s = 0; s < ds.size; s += 64) {
    const n = Math.min(64, ds.size - s);
    for (let i = 0; i < n; i++) images.set(await ds.get(s + i), (s + i) * per);
    const t = tf.tidy(() => tok.model.encode(tf.tensor4d(images.subarray(s * per, (s + n) * per), [n, tok.imageSize, tok.imageSize, 3])));
    parts.push(Int32Array.from(await t.data()));
    t.dispose();
  }
  const grids = new Int32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { grids.set(p, o); o += p.length; }
  return { grids, images, captions: ds.items.map((it) => it.caption), size: ds.size };
}
