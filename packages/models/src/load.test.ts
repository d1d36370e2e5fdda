import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { psnr } from '@vqct/vq';
import { loadEmojiDataset } from '@vqct/vq/node';
import { describe, expect, it } from 'vitest';
import { loadPretrained as fetchPretrained } from './fetch-pretrained';
import { loadPretrainedFromBytes } from './load-files';
import { loadPretrained, pretrainedDir, readPretrainedBytes } from './node/read-pretrained';

/** fetch over file: URLs (what a browser does over http), so the browser path runs here. */
const fileFetch = (async (url: URL | RequestInfo) => {
  const u = new URL(String(url));
  try {
    return new Response(readFileSync(u));
  } catch {
    return new Response(null, { status: 404, statusText: 'Not Found' });
  }
}) as typeof fetch;

describe('@vqct/models', () => {
  it('loads emoji-32 in one call and reconstructs held-out emoji as its card says', async () => {
    const before = tf.memory().numTensors;
    const m = loadPretrained('emoji-32');
    expect(m.imageSize).toBe(32);
    expect(m.card.name).toBe('emoji-32');
    expect(m.prior.kAdj + m.prior.kNoun).toBe(m.model.config.kAdj + m.model.config.kNoun);
    const held = await loadEmojiDataset({ size: 32, split: 'heldout', limit: 8 });
    const flat = new Float32Array(8 * 32 * 32 * 3);
    for (let i = 0; i < 8; i++) flat.set((await held.get(i))!, i * 32 * 32 * 3);
    const value = tf.tidy(() => {
      const x = tf.tensor4d(flat, [8, 32, 32, 3]);
      const r = m.model.decodeTokens(m.model.encode(x));
      return tf.mean(psnr(x, r)).dataSync()[0];
    });
    // 8 images vary; the card's figure is over all 728 held-out images.
    expect(Math.abs(value - m.card.heldOut.psnr)).toBeLessThan(4);
    expect(value).toBeGreaterThan(15);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads the same model through fetch (the browser path) and refuses corrupt or unknown files', async () => {
    const base = pathToFileURL(`${join(pretrainedDir('emoji-32'), '..')}/`);
    const a = await fetchPretrained('emoji-32', { baseUrl: base, fetch: fileFetch });
    const b = loadPretrained('emoji-32');
    const wa = a.model.namedWeights();
    const wb = b.model.namedWeights();
    const name = Object.keys(wa)[0];
    expect(Array.from(wa[name].dataSync().slice(0, 8))).toEqual(Array.from(wb[name].dataSync().slice(0, 8)));
    a.dispose();
    b.dispose();
    const bytes = readPretrainedBytes('emoji-32');
    const bad = bytes.weights.slice();
    bad[bad.length - 1] ^= 1;
    expect(() => loadPretrainedFromBytes('emoji-32', { ...bytes, weights: bad })).toThrow(/emoji-32\/emoji-32\.safetensors.*sha256|sha256.*corrupt/s);
    expect(() => loadPretrained('emoji-64')).toThrow(/no shipped model "emoji-64"/);
    await expect(fetchPretrained('emoji-32', { baseUrl: pathToFileURL('/nonexistent/'), fetch: fileFetch })).rejects.toThrow(/404/);
  });
});
