import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_EMOJI_HELD_OUT, listEmojiImages, splitEmojiImages } from '@vqct/vq/node';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../testing/run-cli';
import { captionWordIds } from './emoji-captions';

const vocab = { words: ['red', 'smiling', 'apple', 'face', 'eye'], kAdj: 2, kNoun: 3 };

describe('captionWordIds', () => {
  it('keeps the caption words the prior knows, as its ids, and drops the rest', () => {
    expect(captionWordIds('red apple', vocab)).toEqual([0, 2]);
    expect(captionWordIds('grinning face with smiling eyes', vocab)).toEqual([3, 1, 4]);
    expect(captionWordIds('hindu temple', vocab)).toEqual([]);
    expect(captionWordIds('red red red apple', vocab, 2)).toEqual([0, 0]);
  });
});

describe('vqct transformer train --data emoji', { timeout: 300_000 }, () => {
  it('trains on captioned emoji (caption words as the prefix), reports on the held-out emoji, samples from a prompt', async () => {
    const dir = tempDir('vqct-transformer-emoji-');
    const t = await runCli(['transformer', 'train', '--tokenizer', 'emoji-32', '--data', 'emoji', '--condition', 'words', '--images', '8',
      '--layers', '1', '--heads', '2', '--embedding', '16', '--batch-size', '4', '--steps', '1', '--checkpoint-every', '0', '--out', 'gpt', '--json'], dir);
    expect(t.code, t.stderr).toBe(0);
    const r = JSON.parse(t.stdout);
    expect(r.heldOut.sequences).toBe(splitEmojiImages(listEmojiImages(), 'heldout', DEFAULT_EMOJI_HELD_OUT).length);
    expect(t.stderr).toMatch(/tokens: train: 8 emoji encoded .*, \d\.\d caption words of the prior per image/);
    const s = await runCli(['sample', '-c', 'gpt', '--prompt', 'face', '-n', '1', '--seed', '2', '-o', 'a.png', '--json'], dir);
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).condition.kind).toBe('words');
    const blank = await runCli(['sample', '-c', 'gpt', '--prompt', '', '-n', '1', '-o', 'b.png', '--json'], dir);
    expect(blank.code, blank.stderr).toBe(0);
    expect(JSON.parse(blank.stdout).condition).toEqual({ kind: 'words', ids: [] });
    const none = await runCli(['sample', '-c', 'gpt', '-n', '1', '-o', 'c.png'], dir);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('pass --prompt (words of the tokenizer\'s prior');
    // --augment: the training images' variants too (held out as they are), recorded in run.json.
    const aug = await runCli(['transformer', 'train', '--tokenizer', 'emoji-32', '--data', 'emoji', '--condition', 'words', '--images', '8', '--augment', 'flip',
      '--layers', '1', '--heads', '2', '--embedding', '16', '--batch-size', '4', '--steps', '1', '--checkpoint-every', '0', '--out', 'gpt-aug', '--json'], dir);
    expect(aug.code, aug.stderr).toBe(0);
    expect(aug.stderr).toMatch(/tokens: train: 8 emoji, each in 2 variants \(flip\) encoded/);
    expect(aug.stderr).toMatch(/tokens: heldout: \d+ emoji encoded/);
    const augRun = JSON.parse(readFileSync(join(dir, 'gpt-aug', 'run.json'), 'utf8'));
    expect(augRun.data.augment).toEqual({ flip: true, shift: 0, channels: false });
    expect(augRun.tokenizer.checkpoint).toMatch(/^@vqct\/models emoji-32 \d+\.\d+\.\d+$/);
    // A resume rebuilds the recorded variants; a new --augment is named and ignored.
    const resumed = await runCli(['transformer', 'train', '--out', 'gpt-aug', '--resume', '--steps', '2', '--augment', 'flip,shift:1'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/--resume: using the run's recorded settings; ignoring --augment/);
    expect(resumed.stderr).toMatch(/tokens: train: 8 emoji, each in 2 variants \(flip\)/);
    const badAug = await runCli(['transformer', 'train', '--tokenizer', 'emoji-32', '--data', 'emoji', '--condition', 'words', '--augment', 'rotate', '--steps', '1', '--out', 'bad-aug'], dir);
    expect(badAug.code).toBe(1);
    expect(badAug.stderr).toMatch(/--augment.*rotate/);
    expect(existsSync(join(dir, 'bad-aug'))).toBe(false);
    const cls = await runCli(['transformer', 'train', '--tokenizer', 'emoji-32', '--data', 'emoji', '--condition', 'class', '--steps', '1', '--out', 'c'], dir);
    expect(cls.code).toBe(1);
    expect(cls.stderr).toContain('--condition class needs class labels');
  });
});
