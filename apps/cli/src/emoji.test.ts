import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Prior } from '@vqct/prior';
import { describe, expect, it } from 'vitest';
import { nearestLabelled } from './commands/prior-inspect';
import { parseEmojiSource } from './data';
import { resolveRunSettings } from './train/settings';
import { runCli, tempDir } from './testing/run-cli';

const dir = tempDir();
const SLOW = { timeout: 300_000 };
const appleFile = join(dirname(createRequire(import.meta.url).resolve('emoji-datasource-google/package.json')), 'img', 'google', '64', '1f34e.png');

describe('emoji in the CLI', () => {
  it('the emoji-32 preset brings the paper\'s objective; flags win', () => {
    const s = resolveRunSettings({ preset: 'emoji-32', data: 'emoji' });
    expect(s.perceptual).toBe(true);
    expect(s.train.loss).toMatchObject({ perceptualWeight: 0.1, discStart: 900, discWeight: 0.8 });
    expect(s.train.batchSize).toBe(8);
    const t = resolveRunSettings({ preset: 'emoji-32', discStart: 50, perceptual: false, background: '#000' });
    expect([t.perceptual, t.train.loss.discStart, t.data.background]).toEqual([false, 50, '#000']);
    expect(resolveRunSettings({ preset: 'tiny' }).perceptual).toBe(false);
    expect(resolveRunSettings({ preset: 'tiny' }).train.loss.discStart).toBe(10000);
  });

  it('a --config without a train section keeps the preset\'s training; one with it, its own', () => {
    const modelOnly = join(dir, 'vq553.yaml');
    writeFileSync(modelOnly, 'model:\n  preset: emoji-32\n  quantizer: vq\n  kAdj: 103\n  kNoun: 450\n');
    const s = resolveRunSettings({ config: modelOnly, data: 'emoji' });
    expect([s.model.quantizer, s.model.kAdj, s.model.kNoun]).toEqual(['vq', 103, 450]);
    expect(s.train.loss).toMatchObject({ perceptualWeight: 0.1, discStart: 900 });
    expect(s.train.batchSize).toBe(8);
    const withTrain = join(dir, 'vq553-train.yaml');
    writeFileSync(withTrain, 'model:\n  preset: emoji-32\ntrain:\n  batchSize: 4\n  loss:\n    discStart: 7\n');
    const t = resolveRunSettings({ config: withTrain, data: 'emoji' });
    expect([t.train.batchSize, t.train.loss.discStart, t.train.loss.perceptualWeight]).toEqual([4, 7, 1]);
  });

  it('parses --data emoji[:style][:split] and names a bad part', () => {
    expect(parseEmojiSource('emoji')).toEqual({ styles: ['google', 'twitter'], split: null });
    expect(parseEmojiSource('emoji:twitter:heldout')).toEqual({ styles: ['twitter'], split: 'heldout' });
    expect(parseEmojiSource('./emoji')).toBeNull();
    expect(() => parseEmojiSource('emoji:apple')).toThrow(/unknown part "apple"/);
  });

  it('builds a prior from the emoji captions; min-count decides how many words survive', SLOW, async () => {
    // --corpus emoji defaults to min-count 1.
    const one = await runCli(['prior', 'build', '--corpus', 'emoji', '--workers', '0', '-o', 'emoji1.safetensors', '--json'], dir);
    expect(one.code).toBe(0);
    const r1 = JSON.parse(one.stdout);
    expect(r1.corpus).toBe('emoji captions (google + twitter)');
    expect(r1.descriptions).toBeGreaterThan(2000);
    expect(r1.kept.nouns).toBeGreaterThan(300);
    expect(r1.kept.adjectives).toBeGreaterThan(50);
    expect(r1.edges).toBeGreaterThan(100);
    const ten = await runCli(['prior', 'build', '--corpus', 'emoji', '--min-count', '10', '--workers', '0', '-o', 'emoji10.safetensors', '--json'], dir);
    const r10 = JSON.parse(ten.stdout);
    // A corpus of ~2,800 short names: the default min-count keeps only a few dozen words.
    expect(r10.kept.adjectives + r10.kept.nouns).toBeLessThan(100);
    const inspect = await runCli(['prior', 'inspect', 'emoji1.safetensors', '--word', 'apple', '--json'], dir);
    expect(JSON.parse(inspect.stdout).word.entries[0].pos).toBe('noun');
  });

  it('tokens shows the emoji\'s own caption next to the patch words of the shipped model', SLOW, async () => {
    const r = await runCli(['tokens', appleFile, '-c', 'emoji-32', '-o', 'apple.tokens.png', '--json'], dir, { VQCT_WASM_THREADS: '1' });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.caption).toBe('red apple');
    expect(j.captionSource).toBe('emoji');
    expect(j.words.length).toBe(8);
    const own = await runCli(['tokens', appleFile, '-c', 'emoji-32', '-o', 'apple2.tokens.png', '--caption', 'a shiny apple'], dir, { VQCT_WASM_THREADS: '1' });
    expect(own.stdout).toMatch(/^caption: a shiny apple/m);
  });

  it('evaluates the shipped model on the held-out emoji and says how big the split is', SLOW, async () => {
    const r = await runCli(['eval', '-c', 'emoji-32', '--data', 'emoji', '--limit', '32', '--no-perceptual', '--fid', 'none', '--json'], dir, { VQCT_WASM_THREADS: '1' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/emoji: 32 images of \d+ emoji \(google \+ twitter, heldout split/);
    const j = JSON.parse(r.stdout);
    expect(j.data).toBe('emoji:google+twitter:heldout');
    expect(j.psnr).toBeGreaterThan(10);
    const bad = await runCli(['eval', '-c', 'emoji-32', '--data', 'emoji:apple'], dir, { VQCT_WASM_THREADS: '1' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown part "apple"');
  });

  it('lists a word that is both adjective and noun once among the nearest, with both labels', () => {
    // red (adj), blue (adj), blue (noun), green (noun): "blue" once, as a+n.
    const prior = {
      words: ['red', 'blue', 'blue', 'green'], kAdj: 2, kNoun: 2, dim: 2,
      vectors: Float32Array.from([1, 0, 0.9, 0.1, 0.9, 0.12, 0.5, 0.5]),
      edgeIndex: new Int32Array(0), edgeWeight: new Float32Array(0), counts: Int32Array.from([1, 1, 1, 1]),
      meta: { formatVersion: 1, corpusDigest: '', embeddingSource: '', minCount: 0 },
    } as Prior;
    expect(nearestLabelled(prior, 0, 2)).toEqual(['blue/a+n', 'green/n']);
  });
});

describe('demo, first part', () => {
  it('shows the shipped model on held-out emoji: reconstructions, a word map beside the caption, metrics', SLOW, async () => {
    const { useNodeBackend } = await import('@vqct/backend-node');
    await useNodeBackend({ backend: 'wasm', threads: 1 });
    const { showPretrained } = await import('./demo/show-pretrained');
    const logs: string[] = [];
    const out = { json: false, quiet: false, log: (l: string) => logs.push(l), result: () => {} };
    const r = await showPretrained({ dir, limit: 32 }, out);
    expect(r.heldOut.images).toBe(32);
    expect(r.heldOut.psnr).toBeGreaterThan(10);
    expect(r.example.caption.length).toBeGreaterThan(0);
    expect(r.example.words).toHaveLength(8);
    // Issue 17: the words checked against the captions, beside their chance level.
    expect(r.heldOut.nounRecallAt5?.images).toBeGreaterThan(0);
    expect(r.heldOut.nounRecallAt5?.chance).toBeGreaterThan(0);
    expect(r.heldOut.nounRecallAt5?.frequent).toBeGreaterThan(r.heldOut.nounRecallAt5?.chance ?? 1);
    const sharp = (await import('sharp')).default;
    expect((await sharp(r.files.reconstructions).metadata()).width).toBe(16 * 32 * 4);
    expect((await sharp(r.files.tokenMap).metadata()).width).toBe(8 * 96);
    expect(logs.join('\n')).toMatch(/shipped emoji-32 on 32 held-out emoji/);
    // The card's version and total steps, not the last cycle's step in the sidecar.
    const card = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@vqct/models/weights/emoji-32/card.json'), 'utf8'));
    expect(r.version).toBe(card.version);
    expect(r.steps).toBe(card.training.steps);
  });
});
