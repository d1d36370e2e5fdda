import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../testing/run-cli';
import { FIXTURE_IMAGES, QUICK_TRAIN, fixturePrior } from '../testing/training-fixture';

// Stage 2 end to end on a tokenizer trained here: transformer train (+ resume), sample, edit.
const dir = tempDir('vqct-transformer-');
const SMALL = ['--per-class', '2', '--held-out', '1', '--layers', '1', '--heads', '2', '--embedding', '16', '--batch-size', '4', '--checkpoint-every', '0'];

beforeAll(async () => {
  const prior = await fixturePrior();
  const r = await runCli(['train', ...QUICK_TRAIN, '--prior', prior, '--steps', '2', '--out', 'tok', '--quiet'], dir);
  if (r.code !== 0) throw new Error(`training the fixture tokenizer failed: ${r.stderr}`);
}, 400_000);

describe('vqct transformer train / sample / edit', { timeout: 900_000 }, () => {
  it('trains, resumes, samples reproducibly (cache on or off) and edits a patch', async () => {
    const t = await runCli(['transformer', 'train', '--tokenizer', 'tok', '--condition', 'class', ...SMALL, '--steps', '2', '--out', 'gpt', '--json'], dir);
    expect(t.code, t.stderr).toBe(0);
    const r = JSON.parse(t.stdout);
    expect(r).toMatchObject({ stopped: 'completed', startStep: 0, step: 2, targetSteps: 2 });
    expect(r.heldOut.sequences).toBe(10);
    expect(r.heldOut.bitsPerToken).toBeGreaterThan(0);
    expect(r.heldOut.unigram.bitsPerToken).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'gpt', 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);

    const again = await runCli(['transformer', 'train', '--out', 'gpt', '--resume', '--steps', '3', '--json'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ startStep: 2, step: 3 });

    const s1 = await runCli(['sample', '-c', 'gpt', '--class', 'Sneaker', '-n', '2', '--seed', '3', '--top-k', '20', '-o', 'a.png', '--json'], dir);
    expect(s1.code, s1.stderr).toBe(0);
    const s2 = await runCli(['sample', '-c', 'gpt', '--class', '7', '-n', '2', '--seed', '3', '--top-k', '20', '--no-cache', '-o', 'b.png'], dir);
    expect(s2.code, s2.stderr).toBe(0);
    expect(readFileSync(join(dir, 'b.png')).equals(readFileSync(join(dir, 'a.png')))).toBe(true);
    const words: string[][][] = JSON.parse(s1.stdout).words;
    const noun = words[0][0][0].split(' / ')[1];

    const e = await runCli(['edit', join(FIXTURE_IMAGES, 'fmnist-bag-0.png'), '-c', 'gpt', '--class', 'Bag', '--set', `3,4=${noun}`, '-o', 'e.png', '--json'], dir);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({ edits: 1, resampled: 8, grid: [8, 8] });

    const bad = await runCli(['edit', join(FIXTURE_IMAGES, 'fmnist-bag-0.png'), '-c', 'gpt', '--class', 'Bag', '--set', '3,4=notaword', '-o', 'f.png'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"notaword" is not a noun of the prior');
    const wrong = await runCli(['sample', '-c', 'gpt', '--prompt', 'red apple', '-o', 'c.png'], dir);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('conditioned on a class');
    const nucleus = await runCli(['sample', '-c', 'gpt', '--class', '7', '--top-p', '0', '-o', 'g.png'], dir);
    expect(nucleus.code).toBe(1);
    expect(nucleus.stderr).toContain('--top-p expects a probability in (0, 1], got "0"');
    expect(existsSync(join(dir, 'g.png'))).toBe(false);
    const unguided = await runCli(['sample', '-c', 'gpt', '--class', '7', '--guidance', '2', '-o', 'h.png'], dir);
    expect(unguided.code).toBe(1);
    expect(unguided.stderr).toContain('trained without --cond-dropout');
    expect(existsSync(join(dir, 'h.png'))).toBe(false);
  });

  it('trains with condition dropout and samples with classifier-free guidance', async () => {
    const t = await runCli(['transformer', 'train', '--tokenizer', 'tok', '--condition', 'class', ...SMALL, '--cond-dropout', '0.5', '--steps', '2', '--out', 'gpt-cfg', '--json'], dir);
    expect(t.code, t.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'gpt-cfg', 'run.json'), 'utf8')).train.conditionDropout).toBe(0.5);
    const held = JSON.parse(t.stdout).heldOut;
    expect(held.unconditioned.bitsPerToken).toBeGreaterThan(0);
    expect(held.unconditioned.bitsPerToken).not.toBe(held.bitsPerToken);
    const a = await runCli(['sample', '-c', 'gpt-cfg', '--class', '3', '-n', '2', '--seed', '1', '--guidance', '3', '-o', 'cfg-a.png', '--json'], dir);
    expect(a.code, a.stderr).toBe(0);
    const b = await runCli(['sample', '-c', 'gpt-cfg', '--class', '3', '-n', '2', '--seed', '1', '--guidance', '3', '--no-cache', '-o', 'cfg-b.png'], dir);
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(join(dir, 'cfg-b.png')).equals(readFileSync(join(dir, 'cfg-a.png')))).toBe(true);
    const none = await runCli(['transformer', 'train', '--tokenizer', 'tok', '--condition', 'none', ...SMALL, '--cond-dropout', '0.1', '--steps', '1', '--out', 'gpt-none'], dir);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('--cond-dropout needs a condition');
    expect(existsSync(join(dir, 'gpt-none'))).toBe(false);
  });
});
