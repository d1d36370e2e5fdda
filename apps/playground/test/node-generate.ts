/**
 * The Node side of the generate checks: the shipped emoji-32 tokenizer (@vqct/models)
 * and the bundled generator, restored by the same code as the worker, sampled by
 * @vqct/transformer on a Node backend with the same prompt and seed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import { loadPretrained } from '@vqct/models/node';
import { sampleTokens } from '@vqct/transformer';
import sharp from 'sharp';
import { prepareImage } from '../src/image/prepare';
import { loadGeneratorModel } from '../src/model/load-generator';
import { promptCondition } from '../src/model/transformer-generator';

/** Tokens of `image` under @vqct/models' emoji-32, prepared as the page prepares it. */
export async function nodeShippedTokens(image: string): Promise<Int32Array> {
  await useNodeBackend({ backend: 'wasm', threads: 1 });
  const m = loadPretrained('emoji-32');
  try {
    const { data, info } = await sharp(image).toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const input = prepareImage({ data: new Uint8Array(data), width: info.width, height: info.height }, m.imageSize, m.imageSize, m.model.config.inChannels);
    const t = tf.tidy(() => m.model.encode(tf.tensor4d(input.data, [1, m.imageSize, m.imageSize, input.channels], 'float32')));
    const tokens = (await t.data()) as Int32Array;
    t.dispose();
    return tokens;
  } finally {
    m.dispose();
  }
}

/** The grid the bundled generator (in `dir`, as served) samples for `prompt`, `seed` and `guidance`, with the page's default knobs otherwise. */
export async function nodeGenerate(dir: string, prompt: string, seed: number, guidance = 1): Promise<Int32Array> {
  await useNodeBackend({ backend: 'wasm', threads: 1 });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { sidecar: string };
  const text = readFileSync(join(dir, manifest.sidecar), 'utf8');
  const weightsFile = (JSON.parse(text) as { weightsFile: string }).weightsFile;
  const { model } = loadGeneratorModel({ sidecar: { name: manifest.sidecar, text }, weights: { name: weightsFile, bytes: new Uint8Array(readFileSync(join(dir, weightsFile))) } });
  const tokenizer = loadPretrained('emoji-32');
  try {
    const condition = promptCondition(model, prompt, tokenizer.prior);
    const t = await sampleTokens(model, { count: 1, condition, seed, temperature: 1, topK: 0, topP: 1, guidance });
    const out = (await t.data()) as Int32Array;
    t.dispose();
    return out;
  } finally {
    model.dispose();
    tokenizer.dispose();
  }
}
