import { NumericError } from '@vqct/core';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArrayImageDataset } from '../data/array-dataset';
import { resolveTrainOptions } from '../train/options';
import { createToyTokenizer } from '../train/testing/toy-tokenizer';
import { trainWithCheckpoints } from './train-run';

function images(count: number): ArrayImageDataset {
  const side = 8;
  const data = Float32Array.from({ length: count * side * side }, (_, i) => Math.sin(i * 0.37) * 0.8);
  return new ArrayImageDataset(data, { count, height: side, width: side, channels: 1, name: 'waves' });
}

describe('trainWithCheckpoints', () => {
  it('stops on Inf with a NumericError and leaves the last good checkpoint as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vqct-nan-'));
    const train = resolveTrainOptions({ steps: 3, batchSize: 2, seed: 1, checkpointEvery: 1 });
    const model = createToyTokenizer(1, 8);
    await trainWithCheckpoints({ model, modelConfig: { toy: 1 }, priorDigest: null, dataset: images(8), train, checkpointDir: dir });
    const good = readFileSync(join(dir, 'last.json'), 'utf8');
    const files = readdirSync(dir).sort();
    // Resume toward step 20 over a dataset whose every image is poisoned from now on.
    const poisoned = new ArrayImageDataset(new Float32Array(8 * 64).fill(Number.POSITIVE_INFINITY), { count: 8, height: 8, width: 8, channels: 1, name: 'inf' });
    const err = await trainWithCheckpoints({
      model, modelConfig: { toy: 1 }, priorDigest: null, dataset: poisoned, train: { ...train, steps: 20 }, checkpointDir: dir,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NumericError);
    expect((err as Error).message).toMatch(/at step 3; stopping before the update/);
    expect(readFileSync(join(dir, 'last.json'), 'utf8')).toBe(good);
    expect(readdirSync(dir).sort()).toEqual(files);
    expect(JSON.parse(good).step).toBe(3);
    model.dispose();
  });

  it('refuses to resume a checkpoint made for another model config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vqct-cfg-'));
    const train = resolveTrainOptions({ steps: 1, batchSize: 2, seed: 1 });
    const model = createToyTokenizer(1, 9);
    await trainWithCheckpoints({ model, modelConfig: { toy: 1 }, priorDigest: null, dataset: images(4), train, checkpointDir: dir });
    await expect(trainWithCheckpoints({ model, modelConfig: { toy: 2 }, priorDigest: null, dataset: images(4), train: { ...train, steps: 2 }, checkpointDir: dir }))
      .rejects.toThrow(/different model config \(toy: checkpoint 1, run 2\)/);
    model.dispose();
  });
});
