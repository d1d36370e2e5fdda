/**
 * The Node side of the parity check: the same image file, prepared by the same code,
 * tokenized by the same checkpoint through @vqct/vq on a Node backend (wasm or cpu via
 * @vqct/backend-node), decoded with sharp instead of the browser's decoder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '@vqct/backend-node';
import sharp from 'sharp';
import { prepareImage } from '../src/image/prepare';
import { loadTokenizer } from '../src/model/load-tokenizer';

export interface DemoManifest {
  checkpoint: string;
  sidecar: string;
  prior: string;
}

export function readDemoFiles(dir: string) {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as DemoManifest;
  return {
    checkpoint: { name: m.checkpoint, bytes: new Uint8Array(readFileSync(join(dir, m.checkpoint))) },
    sidecar: { name: m.sidecar, text: readFileSync(join(dir, m.sidecar), 'utf8') },
    prior: { name: m.prior, bytes: new Uint8Array(readFileSync(join(dir, m.prior))) },
  };
}

/** Tokens int32 [gridH * gridW * (k + 1)] for `image` under the demo model in `demoDir`. */
export async function nodeTokens(demoDir: string, image: string): Promise<Int32Array> {
  await useNodeBackend();
  const tok = loadTokenizer(readDemoFiles(demoDir));
  try {
    const { data, info } = await sharp(image).toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const side = tok.model.config.resolution;
    const input = prepareImage({ data: new Uint8Array(data), width: info.width, height: info.height }, side, side, tok.model.config.inChannels);
    const t = tf.tidy(() => tok.model.encode(tf.tensor4d(input.data, [1, side, side, input.channels], 'float32')));
    const tokens = (await t.data()) as Int32Array;
    t.dispose();
    return tokens;
  } finally {
    tok.dispose();
  }
}
