import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorpusStats } from '../tagging/corpus-stats';
import { tagDescription } from '../tagging/pos-tag';
import { buildPrior } from './build-prior';
import { loadPrior, savePrior } from './prior-io';
import { scanWinkVectors, winkEmbeddingsFile } from './embeddings/wink-embeddings';
import { tagCorpus } from './tagging/tag-corpus';
import { defaultCorpus } from './corpus/default-corpus';

const dir = mkdtempSync(join(tmpdir(), 'vqct-build-'));
const CAPTIONS = [
  'A red bus driving down a busy street.',
  'Two small dogs playing on green grass.',
  'A red car parked next to a red bus.',
  'A small brown dog sleeping on a wooden bench.',
  'A yellow bird sitting on a wooden fence.',
  'Green trees behind a small wooden house.',
  'A brown horse standing in a green field.',
  'A red bus and a yellow taxi on a wet street.',
];
const corpus = join(dir, 'captions.txt');
const glove = join(dir, 'glove.txt');

beforeAll(async () => {
  const lines: string[] = [];
  for (let i = 0; i < 6; i++) lines.push(...CAPTIONS);
  writeFileSync(corpus, `${lines.join('\n')}\n`);
  // A small GloVe-format file made of real vectors from the wink package.
  const words = new Set<string>();
  for (const c of CAPTIONS) for (const t of tagDescription(c)) words.add(t.word);
  words.delete('street'); // a word without a vector, to be dropped and reported
  const { vectors } = await scanWinkVectors(winkEmbeddingsFile(), words);
  writeFileSync(glove, [...vectors].map(([w, v]) => `${w} ${Array.from(v).join(' ')}`).join('\n'));
}, 120_000);

describe('buildPrior', () => {
  it('builds adjectives-then-nouns with count > minCount and weighted adjacent edges', async () => {
    // Every caption appears 6 times: minCount 6 keeps words of at least two captions.
    const { prior, report } = await buildPrior({ corpus, embeddings: glove, minCount: 6, workers: 0 });
    const adj = prior.words.slice(0, prior.kAdj);
    const nouns = prior.words.slice(prior.kAdj);
    expect(adj).toEqual(['red', 'small', 'green', 'brown', 'wooden', 'yellow']);
    expect(nouns).toEqual(['bus', 'dog']);
    expect(report.dropped.noVector).toEqual(['street/noun']);
    const edge = (a: string, n: string): number => {
      const ai = prior.words.indexOf(a);
      const ni = prior.words.indexOf(n, prior.kAdj);
      for (let e = 0; e < prior.edgeWeight.length; e++) if (prior.edgeIndex[2 * e] === ai && prior.edgeIndex[2 * e + 1] === ni) return prior.edgeWeight[e];
      return 0;
    };
    expect(edge('red', 'bus')).toBe(18); // 3 captions x 6 copies
    expect(edge('red', 'car')).toBe(0); // "car" (6) is not > minCount
    expect(edge('small', 'dog')).toBe(6); // "two small dogs"; "small brown dog" is not adjacent
    expect(edge('brown', 'dog')).toBe(6);
    expect(prior.counts[prior.words.indexOf('red')]).toBe(24);
    expect(prior.dim).toBe(100);
    expect(prior.meta.corpusDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a tag cache keyed by the corpus digest skips tagging on a rebuild, and misses when the corpus changes', async () => {
    const tagCache = join(dir, 'tags.json');
    const first = await buildPrior({ corpus, embeddings: glove, minCount: 6, workers: 0, tagCache });
    const events: boolean[] = [];
    const second = await buildPrior({ corpus, embeddings: glove, minCount: 6, workers: 0, tagCache }, (p) => { if (p.phase === 'tag-cache') events.push(p.hit); });
    expect([first.report.tagCache, second.report.tagCache, ...events]).toEqual(['miss', 'hit', true]);
    expect(second.prior).toEqual(first.prior);
    const other = join(dir, 'other.txt');
    writeFileSync(other, `${CAPTIONS.join('\n')}\n`.repeat(7));
    expect((await buildPrior({ corpus: other, embeddings: glove, minCount: 6, workers: 0, tagCache })).report.tagCache).toBe('miss');
  });

  it('fails clearly when the vocabulary is empty after filtering', async () => {
    await expect(buildPrior({ corpus, embeddings: glove, minCount: 1000, workers: 0 })).rejects.toThrow(/captions\.txt: the vocabulary is empty after filtering/);
  });

  it('rejects bad options naming the field', async () => {
    await expect(buildPrior({ corpus, minCount: -2 })).rejects.toThrow(/minCount/);
  });
});

describe('tagging on worker threads', () => {
  const worker = fileURLToPath(new URL('../../dist/node/tag-worker.js', import.meta.url));
  it.skipIf(!existsSync(worker))('gives exactly the single-thread result, first-seen order included (built worker)', async () => {
    const texts: string[] = [];
    for await (const d of defaultCorpus({ lexFiles: { adj: [], noun: [25] } }).descriptions()) texts.push(d.text);
    const gen = async function* () {
      for (const [i, text] of texts.entries()) yield { text, file: 'x', line: i + 1 };
    };
    const one = new CorpusStats();
    texts.forEach((t) => one.add(tagDescription(t)));
    const many = await tagCorpus(gen(), { workers: 2, batchSize: 64, inlineFirst: 50, workerUrl: new URL(`file://${worker}`) });
    expect(many.toData()).toEqual(one.toData());
  });
});

describe('prior files', () => {
  it('savePrior/loadPrior round-trip and Python can read the file', async () => {
    const { prior } = await buildPrior({ corpus, embeddings: glove, minCount: 5, workers: 0 });
    const file = join(dir, 'prior.safetensors');
    savePrior(file, prior);
    expect(loadPrior(file)).toEqual(prior);
    const script = `
import json, struct, sys
path = sys.argv[1]
try:
    from safetensors.numpy import load_file
    from safetensors import safe_open
    t = load_file(path)
    with safe_open(path, "np") as f: meta = f.metadata()
    shapes = {k: list(v.shape) for k, v in t.items()}
except ImportError:
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__")
    shapes = {k: v["shape"] for k, v in header.items()}
    assert max(v["data_offsets"][1] for v in header.values()) == len(data)
    try:
        import numpy as np
        ei = np.frombuffer(data[header["edge_index"]["data_offsets"][0]:header["edge_index"]["data_offsets"][1]], dtype="<i4").reshape(-1, 2)
        assert (ei[:, 0] < int(meta["k_adj"])).all() and (ei[:, 1] >= int(meta["k_adj"])).all()
    except ImportError:
        pass
print(json.dumps({"shapes": shapes, "words": json.loads(meta["words"])[:3], "k_adj": int(meta["k_adj"])}))
`;
    const py = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    const r = JSON.parse(py.stdout);
    expect(r.shapes.vectors).toEqual([prior.words.length, 100]);
    expect(r.shapes.edge_index).toEqual([prior.edgeWeight.length, 2]);
    expect(r.words).toEqual(prior.words.slice(0, 3));
    expect(r.k_adj).toBe(prior.kAdj);
  });

  it('an unwritable output gives an IoError naming it and leaves nothing behind', async () => {
    const { prior } = await buildPrior({ corpus, embeddings: glove, minCount: 5, workers: 0 });
    const target = join(dir, 'no-such-folder', 'p.safetensors');
    expect(() => savePrior(target, prior)).toThrow(/no-such-folder\/p\.safetensors: cannot write/);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(() => loadPrior(join(dir, 'absent.safetensors'))).toThrow(/absent\.safetensors: no such file/);
    expect(execFileSync('python3', ['--version'], { encoding: 'utf8' })).toMatch(/Python 3/);
  });
});
