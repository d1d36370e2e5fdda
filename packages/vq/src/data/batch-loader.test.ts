import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArrayImageDataset } from './array-dataset';
import { BatchLoader, epochOrder } from './batch-loader';

function indexDataset(n: number): ArrayImageDataset {
  // Each 1x1x1 image holds its own index, so batches show the order.
  return new ArrayImageDataset(Float32Array.from({ length: n }, (_, i) => i), { count: n, height: 1, width: 1, channels: 1, name: 'idx' });
}

async function take(loader: BatchLoader, batches: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < batches; i++) {
    const b = await loader.next();
    out.push(...Array.from(b.dataSync()));
    b.dispose();
  }
  return out;
}

describe('BatchLoader', () => {
  it('visits every item once per epoch in a seeded order that differs per epoch and seed', async () => {
    const before = tf.memory().numTensors;
    const seq = await take(new BatchLoader(indexDataset(10), { batchSize: 5, seed: 3 }), 4);
    expect([...seq.slice(0, 10)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seq.slice(10)).not.toEqual(seq.slice(0, 10));
    expect(await take(new BatchLoader(indexDataset(10), { batchSize: 5, seed: 3 }), 4)).toEqual(seq);
    expect(epochOrder(10, 4, 0)).not.toEqual(epochOrder(10, 3, 0));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes the exact order from state(), across an epoch boundary', async () => {
    const a = new BatchLoader(indexDataset(7), { batchSize: 3, seed: 5 });
    const full = await take(a, 6);
    const b = new BatchLoader(indexDataset(7), { batchSize: 3, seed: 5 });
    await take(b, 2);
    const saved = JSON.parse(JSON.stringify(b.state()));
    const c = new BatchLoader(indexDataset(7), { batchSize: 3, state: saved });
    expect(await take(c, 4)).toEqual(full.slice(6));
    expect(c.state().epoch).toBe(2);
  });

  it('skips and counts unreadable items, and fails clearly when nothing is readable', async () => {
    const base = indexDataset(6);
    const flaky = Object.assign(Object.create(base) as ArrayImageDataset, { get: async (i: number) => (i % 3 === 0 ? null : base.get(i)) });
    const loader = new BatchLoader(flaky, { batchSize: 4, seed: 1 });
    const got = await take(loader, 1);
    expect(got.every((v) => v % 3 !== 0)).toBe(true);
    expect(loader.state().skipped).toBeGreaterThan(0);
    const dead = Object.assign(Object.create(base) as ArrayImageDataset, { get: async () => null });
    await expect(new BatchLoader(dead, { batchSize: 2 }).next()).rejects.toThrow(/no image of dataset "idx" could be read/);
  });

  it('shard: 2 ranks x batch 3 read exactly the images of 1 x batch 6, across epochs, with the same state', async () => {
    const before = tf.memory().numTensors;
    const one = new BatchLoader(indexDataset(10), { batchSize: 6, seed: 7 });
    const ranks = [0, 1].map((rank) => new BatchLoader(indexDataset(10), { batchSize: 3, seed: 7, shard: { rank, worldSize: 2 } }));
    for (let step = 0; step < 4; step++) {
      const whole = await take(one, 1);
      const parts = [await take(ranks[0], 1), await take(ranks[1], 1)];
      expect([...parts[0], ...parts[1]]).toEqual(whole);
      expect(ranks[0].state()).toEqual(one.state());
      expect(ranks[1].state()).toEqual(one.state());
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('shard: an unreadable image is counted and its slot filled from the same slice; the cursor moves alike', async () => {
    const base = indexDataset(8);
    const holey = Object.assign(Object.create(base) as ArrayImageDataset, { get: async (i: number) => (i === 3 ? null : base.get(i)) });
    const r = new BatchLoader(holey, { batchSize: 4, seed: 1, shard: { rank: 0, worldSize: 2 } });
    const seq = await take(r, 2);
    expect(seq).not.toContain(3);
    expect(r.state()).toMatchObject({ epoch: 1, cursor: 8 }); // 2 global batches of 8 = one epoch
    expect(r.state().skipped).toBeLessThanOrEqual(1);
  });
});

