import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../testing/run-cli';
import { FIXTURE_IMAGES, QUICK_TRAIN, fixturePrior } from '../testing/training-fixture';

// encode / decode / reconstruct / tokens / eval against a checkpoint trained here on real images.
const dir = tempDir('vqct-tokenize-');
const img = (name: string): string => join(FIXTURE_IMAGES, name);
let otherPrior = '';

beforeAll(async () => {
  const prior = await fixturePrior();
  const r = await runCli(['train', ...QUICK_TRAIN, '--prior', prior, '--steps', '2', '--out', 'run', '--quiet'], dir);
  if (r.code !== 0) throw new Error(`training the fixture failed: ${r.stderr}`);
  // A different (real, tiny) prior: three captions and their own word vectors.
  writeFileSync(join(dir, 'captions.txt'), 'A red bus on a busy street.\nA small red bus.\nA red car and a small dog.\n');
  writeFileSync(join(dir, 'vectors.txt'), 'red 0.1 0.2 0.3\nsmall 0.3 0.1 0.0\nbusy 0.2 0.2 0.2\nbus 1 2 3\ncar 1 0 0\ndog 0 1 1\nstreet 2 0 1\n');
  const p = await runCli(['prior', 'build', '--corpus', 'captions.txt', '--embeddings', 'vectors.txt', '--min-count', '0', '--workers', '0', '-o', 'other.safetensors', '--quiet'], dir);
  if (p.code !== 0) throw new Error(`the second prior failed: ${p.stderr}`);
  otherPrior = join(dir, 'other.safetensors');
}, 400_000);

describe('vqct encode / decode / reconstruct', { timeout: 900_000 }, () => {
  it('round-trips real PNG and JPEG images through tokens (JSON and .npy) exactly as reconstruct does', async () => {
    const e = await runCli(['encode', img('fmnist-bag-0.png'), img('photo-coffee.jpg'), '--checkpoint', 'run', '-o', 'tokens.json', '--json'], dir);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout)).toEqual({ output: 'tokens.json', format: 'json', images: 2, grid: [8, 8], k: 2, kAdj: expect.any(Number), kNoun: expect.any(Number) });
    const doc = JSON.parse(readFileSync(join(dir, 'tokens.json'), 'utf8'));
    expect(doc).toMatchObject({ format: 'vqct-tokens', version: 1, imageSize: [32, 32], grid: [8, 8], k: 2 });
    expect(doc.images[0].tokens[0][0]).toHaveLength(3);
    expect(doc.images[0].words[0][0]).toMatch(/^[\w-]+, [\w-]+ \/ [\w-]+$/);
    const n = await runCli(['encode', img('fmnist-bag-0.png'), '-c', 'run/checkpoints', '-o', 'tokens.npy'], dir);
    expect(n.code).toBe(0);
    const npy = readFileSync(join(dir, 'tokens.npy'));
    expect(npy.subarray(1, 6).toString()).toBe('NUMPY');
    expect(npy.toString('latin1', 10, 80)).toContain("'shape': (1, 8, 8, 3)");

    const d = await runCli(['decode', 'tokens.json', '-c', 'run', '-o', 'dec.png'], dir);
    expect(d.code).toBe(0);
    const dn = await runCli(['decode', 'tokens.npy', '-c', 'run', '-o', 'dec-npy.png'], dir);
    expect(dn.code).toBe(0);
    const rc = await runCli(['reconstruct', img('fmnist-bag-0.png'), '-c', 'run/checkpoints/last.json', '-o', 'rec.png', '--json'], dir);
    expect(rc.code).toBe(0);
    expect(JSON.parse(rc.stdout)).toMatchObject({ output: 'rec.png', size: [32, 32], psnr: expect.any(Number) });
    const px = async (f: string): Promise<Buffer> => sharp(join(dir, f)).raw().toBuffer();
    expect((await px('dec-0.png')).equals(await px('rec.png'))).toBe(true);
    expect((await px('dec-npy.png')).equals(await px('rec.png'))).toBe(true);
    expect((await sharp(join(dir, 'dec-1.png')).metadata()).width).toBe(32);
  });

  it('rejects missing and corrupt images, wrong tokens and a missing checkpoint with exit 1', async () => {
    writeFileSync(join(dir, 'corrupt.png'), Buffer.concat([readFileSync(img('fmnist-bag-0.png')).subarray(0, 40), Buffer.from('garbage')]));
    const doc = JSON.parse(readFileSync(join(dir, 'tokens.json'), 'utf8'));
    doc.images[0].tokens[0][0][2] = 1_000_000;
    writeFileSync(join(dir, 'bad-tokens.json'), JSON.stringify(doc));
    writeFileSync(join(dir, 'not-tokens.json'), '{"hello": 1}');
    const cases: Array<[string[], RegExp]> = [
      [['encode', 'missing.png', '-c', 'run'], /missing\.png: no such file/],
      [['encode', 'corrupt.png', '-c', 'run'], /corrupt\.png: not a readable image/],
      [['reconstruct', 'corrupt.png', '-c', 'run'], /corrupt\.png: not a readable image/],
      [['encode', img('fmnist-bag-0.png'), '-c', 'no-run'], /no-run: --checkpoint: no such file or folder/],
      [['decode', 'bad-tokens.json', '-c', 'run'], /bad-tokens\.json: image 0: noun id 1000000 is outside 0\.\.\d+/],
      [['decode', 'not-tokens.json', '-c', 'run'], /not-tokens\.json: not a vqct tokens file/],
      [['decode', 'missing.json', '-c', 'run'], /missing\.json: no such file/],
      [['encode', img('fmnist-bag-0.png')], /required option '-c, --checkpoint <path>' not specified/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(args, dir);
      expect(r.stderr, args.join(' ')).toMatch(re);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('vqct tokens', { timeout: 900_000 }, () => {
  it('prints the word of every patch and writes an overlay PNG', async () => {
    const r = await runCli(['tokens', img('photo-cat.png'), '-c', 'run', '-o', 'cat-words.png', '--cell', '48'], dir);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+\|\s+0\s+\| 1/);
    expect(lines.slice(2, 10).every((l, y) => l.startsWith(`${String(y).padStart(3)} | `))).toBe(true);
    expect(r.stdout).toMatch(/most frequent nouns: [\w-]+ \(\d+\)/);
    const meta = await sharp(join(dir, 'cat-words.png')).metadata();
    expect([meta.width, meta.height]).toEqual([8 * 48, 8 * 48]);
    const j = await runCli(['tokens', img('fmnist-sneaker-0.png'), '-c', 'run', '--json'], dir);
    const res = JSON.parse(j.stdout);
    expect(Object.keys(res).sort()).toEqual(['caption', 'captionNouns', 'captionSource', 'grid', 'image', 'overlay', 'tokens', 'topNouns', 'words']);
    expect(res.caption).toBeNull(); // no --caption, no .txt beside it, not an emoji
    expect(res.overlay).toBe('fmnist-sneaker-0.tokens.png');
    expect(res.words).toHaveLength(8);
    expect(res.words[3][4]).toContain(' / ');
  });

  it('refuses a prior that does not match the checkpoint, and finds its own prior when moved', async () => {
    const r = await runCli(['tokens', img('photo-cat.png'), '-c', 'run', '--prior', otherPrior], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/other\.safetensors: this prior \(sha256 [0-9a-f]{12}\.\.\.\) is not the one the checkpoint was trained with/);
    // The checkpoints folder alone carries everything (weights, sidecar, prior).
    const { cpSync } = await import('node:fs');
    cpSync(join(dir, 'run', 'checkpoints'), join(dir, 'moved'), { recursive: true });
    const m = await runCli(['tokens', img('photo-cat.png'), '-c', 'moved', '-o', 'moved.png', '--quiet'], dir);
    expect(m.code).toBe(0);
    copyFileSync(otherPrior, join(dir, 'moved', 'prior.safetensors'));
    const w = await runCli(['encode', img('photo-cat.png'), '-c', 'moved', '-o', 'x.json'], dir);
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/is not the one the checkpoint was trained with/);
  });
});

describe('vqct eval', { timeout: 900_000 }, () => {
  it('reports PSNR, SSIM, perceptual, FID-like, usage and perplexity as a table or JSON', async () => {
    const r = await runCli(['eval', '-c', 'run', '--data', 'fashion-mnist', '--limit', '16', '--batch-size', '8', '--json'], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(Object.keys(res).sort()).toEqual(['captionRecall', 'checkpoint', 'data', 'fidLike', 'images', 'perceptual', 'psnr', 'seconds', 'ssim', 'step', 'usage', 'wordTable']);
    expect(res.captionRecall).toBeNull(); // fashion-mnist images carry no captions
    expect(res.images).toBe(16);
    expect(res.psnr).toBeGreaterThan(0);
    expect(res.ssim).toBeLessThanOrEqual(1);
    expect(res.perceptual.value).toBeGreaterThan(0);
    expect(Number.isFinite(res.fidLike.value)).toBe(true);
    expect(res.usage.noun.perplexity).toBeGreaterThanOrEqual(1);
    const t = await runCli(['eval', '-c', 'run', '--data', FIXTURE_IMAGES, '--no-perceptual', '--fid', 'none'], dir);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/PSNR\s+[\d.]+ dB/);
    expect(t.stdout).toMatch(/nouns\s+\d+\/\d+ used/);
    expect(t.stdout).not.toMatch(/FID-like/);
  });
});
