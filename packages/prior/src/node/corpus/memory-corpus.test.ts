import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPrior } from '../build-prior';
import { concatCorpora, textsCorpus } from './memory-corpus';

async function read(c: ReturnType<typeof textsCorpus>): Promise<string[]> {
  const out: string[] = [];
  for await (const d of c.descriptions()) out.push(d.text);
  return out;
}

describe('in-memory corpora', () => {
  it('stream their texts with a digest that changes with any text; concatenation keeps the order', async () => {
    const a = textsCorpus('a', ['red apple', 'green apple']);
    expect(await read(a)).toEqual(['red apple', 'green apple']);
    const d1 = a.digest();
    const b = textsCorpus('b', ['red apple', 'green apples']);
    await read(b);
    expect(b.digest()).not.toBe(d1);
    await read(a);
    expect(a.digest()).toBe(d1);
    const both = concatCorpora([a, b]);
    expect(both.name).toBe('a + b');
    expect(await read(both)).toEqual(['red apple', 'green apple', 'red apple', 'green apples']);
    expect(both.digest()).toMatch(/^[0-9a-f]{64}$/);
    expect(() => textsCorpus('c', ['x']).digest()).toThrow(/before the corpus was read/);
  });

  it('build a prior from captions held in memory (emoji-like names)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vqct-mem-'));
    const vectors = join(dir, 'v.txt');
    writeFileSync(vectors, 'red 1 0 0\ngreen 0 1 0\napple 0 0 1\nheart 1 1 0\nbig 0 1 1\n');
    const captions = ['red apple', 'green apple', 'red heart', 'green heart', 'big red apple'];
    const { prior, report } = await buildPrior({ corpus: textsCorpus('emoji-like', captions), embeddings: vectors, minCount: 1, workers: 0 });
    expect(report.corpus).toBe('emoji-like');
    expect(report.descriptions).toBe(5);
    expect(prior.words.slice(0, prior.kAdj).sort()).toEqual(['green', 'red']);
    expect(prior.words.slice(prior.kAdj).sort()).toEqual(['apple', 'heart']);
    expect(prior.edgeWeight.length).toBeGreaterThan(0);
  });
});
