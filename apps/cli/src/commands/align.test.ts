import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../testing/run-cli';

const dir = tempDir('vqct-align-');

// Issue 17: caption recall in `vqct eval`, and `vqct train --init --align-weight`.
describe('words that are right', { timeout: 600_000 }, () => {
  it('vqct eval reports caption recall with its chance level on captioned data', async () => {
    const r = await runCli(['eval', '-c', 'emoji-32', '--data', 'emoji:heldout', '--limit', '24', '--no-perceptual', '--fid', 'none', '--json'], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    const noun = res.captionRecall.noun;
    expect(noun.seen).toBe(24);
    expect(noun.images).toBeGreaterThan(0);
    expect(noun.at.map((a: { n: number }) => a.n)).toEqual([1, 5]);
    for (const a of [...noun.at, ...res.captionRecall.adjective.at]) {
      expect(a.recall).toBeGreaterThanOrEqual(0);
      expect(a.chance).toBeGreaterThan(0);
      expect(a.chance).toBeLessThan(1);
    }
  });

  it('vqct tokens ranks the caption nouns among the most frequent nouns', async () => {
    const apple = join(dirname(createRequire(import.meta.url).resolve('emoji-datasource-google/package.json')), 'img', 'google', '64', '1f34e.png');
    const r = await runCli(['tokens', apple, '-c', 'emoji-32', '-o', 'apple.tokens.png', '--json'], dir);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.caption).toBe('red apple');
    expect(res.captionNouns).toHaveLength(1);
    expect(res.captionNouns[0].word).toBe('apple');
    const top = res.topNouns.map((n: { word: string }) => n.word);
    expect(res.captionNouns[0].rank).toBe(top.includes('apple') ? top.indexOf('apple') + 1 : null);
  });

  it('fine-tunes from a checkpoint with the alignment loss, records it, and refuses data without captions', async () => {
    const common = ['train', '--preset', 'emoji-32', '--init', 'emoji-32', '--no-perceptual', '--batch-size', '4', '--sample-every', '0', '--checkpoint-every', '0'];
    const r = await runCli([...common, '--data', 'emoji', '--limit', '8', '--align-weight', '0.1', '--align-start', '1', '--align-adjective-weight', '0.5', '--align-objective', 'attract', '--align-usage-weight', '0.2', '--steps', '3', '--out', 'aligned'], dir);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/init: the model and transfer-net weights of .*emoji-32\.json/);
    const side = JSON.parse(readFileSync(join(dir, 'aligned', 'checkpoints', 'last.json'), 'utf8'));
    expect(side.trainConfig.alignment).toMatchObject({ weight: 0.1, pool: 'assignment', gradient: 'both', start: 1, adjectiveWeight: 0.5, objective: 'attract', usageWeight: 0.2 });
    expect(r.stderr).toMatch(/alignment: weight 0\.1, .*, objective attract, usage x0\.2, from step 1/);
    const shipped = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@vqct/models/weights/emoji-32/emoji-32.json'), 'utf8'));
    expect(side.trainConfig.init.step).toBe(shipped.step);
    // The run's transfer net is as wide as the checkpoint's (a grounded model's is wider than the preset's).
    expect(side.trainConfig.transfer.hiddenDim).toBe(shipped.trainConfig.transfer.hiddenDim);
    const metrics = readFileSync(join(dir, 'aligned', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3]);
    // --align-start 1: the first step (step 0, reported as 1) trains without the term.
    expect(metrics[0].align).toBeUndefined();
    for (const m of metrics.slice(1)) {
      expect(m.alignUsage).toBeGreaterThan(0);
      expect(m.align).toBeCloseTo(0.1 * (m.alignNoun + 0.5 * m.alignAdjective) + 0.2 * m.alignUsage, 4);
    }
    const bad = await runCli([...common, '--data', 'fashion-mnist', '--limit', '8', '--align-weight', '0.1', '--steps', '1', '--out', 'no-captions'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--align-weight needs captioned data \(emoji\); --data fashion-mnist has no captions/);
    const lone = await runCli([...common, '--data', 'emoji', '--align-pool', 'encoding', '--steps', '1', '--out', 'lone'], dir);
    expect(lone.code).toBe(1);
    expect(lone.stderr).toMatch(/--align-pool, --align-gradient, --align-temperature, --align-weighting, --align-adjective-weight, --align-start, --align-objective and --align-usage-weight need --align-weight > 0/);
  });
});
