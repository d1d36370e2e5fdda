import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultCorpus } from '@vqct/prior/node';
import { runCli, tempDir } from '../testing/run-cli';

const dir = tempDir();
let glove = '';

beforeAll(async () => {
  // A user corpus of real text: WordNet glosses of animals, 2,600 lines (enough to start workers after the first 2,000).
  const lines: string[] = [];
  for await (const d of defaultCorpus({ lexFiles: { adj: [], noun: [5] } }).descriptions()) lines.push(d.text);
  writeFileSync(join(dir, 'animals.txt'), `${lines.slice(0, 2600).join('\n')}\n`);
  writeFileSync(join(dir, 'small.jsonl'), ['A red bus on a busy street.', 'A small red bus.', 'A red car and a small dog.']
    .map((caption, i) => JSON.stringify({ id: i, caption })).join('\n'));
  glove = join(dir, 'vectors.txt');
  writeFileSync(glove, 'red 0.1 0.2 0.3\nsmall 0.3 0.1 0.0\nbus 1 2 3\ncar 1 0 0\ndog 0 1 1\nstreet 2 0 1\n');
}, 120_000);

// Spawned builds are slow on a shared, loaded 2-core machine; the budget is generous on purpose.
const SLOW = { timeout: 300_000 };

describe('vqct prior build / inspect', () => {
  it('builds from a user corpus on workers with progress and a report; inspect reads it', SLOW, async () => {
    const r = await runCli(['prior', 'build', '--corpus', 'animals.txt', '--min-count', '3', '--workers', '2', '-o', 'animals.safetensors'], dir);
    expect(r.stderr).toContain('tagging:');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/animals\.safetensors: \d+ adjectives \+ \d+ nouns \(K \d+, dim 100\), \d+ edges/);
    expect(r.stdout).toMatch(/2,600 descriptions tagged in [\d.]+ s \([\d,]+\/s, 2 workers\)/);
    expect(existsSync(join(dir, 'animals.vectors-cache.safetensors'))).toBe(true);
    const i = await runCli(['prior', 'inspect', 'animals.safetensors', '--word', 'bird', '--json'], dir);
    expect(i.code).toBe(0);
    const info = JSON.parse(i.stdout);
    expect(info.K).toBe(info.kAdj + info.kNoun);
    expect(info.dim).toBe(100);
    expect(info.topNouns.length).toBe(10);
    const bird = info.word.entries[0];
    expect(bird.pos).toBe('noun');
    expect(bird.nearest.length).toBe(10);
    expect(bird.nearest[0].score).toBeGreaterThan(bird.nearest[9].score);
    // Python reads what the CLI wrote (header parsed with the standard library).
    const py = spawnSync('python3', ['-c', 'import json,struct,sys; f=open(sys.argv[1],"rb"); n=struct.unpack("<Q",f.read(8))[0]; h=json.loads(f.read(n)); print(h["vectors"]["shape"][0], h["__metadata__"]["k_adj"])', join(dir, 'animals.safetensors')], { encoding: 'utf8' });
    expect(py.stdout.trim()).toBe(`${info.K} ${info.kAdj}`);
  });

  it('--json build result, jsonl corpus, vectors file, human inspect with graph neighbours', SLOW, async () => {
    const r = await runCli(['--json', 'prior', 'build', '--corpus', 'small.jsonl', '--embeddings', glove, '--min-count', '0', '-o', 'small.safetensors'], dir);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.kept).toEqual({ adjectives: 2, nouns: 4 });
    expect(out.edges).toBe(3);
    const i = await runCli(['prior', 'inspect', 'small.safetensors', '--word', 'red'], dir);
    expect(i.stdout).toContain('graph neighbours: bus/n 2, car/n 1');
    const q = await runCli(['--quiet', 'prior', 'build', '--corpus', 'small.jsonl', '--embeddings', glove, '--min-count', '0', '-o', 'q.safetensors'], dir);
    expect(q.stderr).toBe('');
  });
});

describe('bad input: exit 1, one clear line naming the file, no partial output', SLOW, () => {
  const fails = async (args: string[], message: RegExp, output?: string): Promise<void> => {
    const r = await runCli(args, dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(message);
    if (output != null) expect(existsSync(join(dir, output))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  };

  it('missing, empty and binary corpora', async () => {
    await fails(['prior', 'build', '--corpus', 'nope.txt', '-o', 'o1.safetensors'], /^vqct: nope\.txt: no such file/, 'o1.safetensors');
    writeFileSync(join(dir, 'empty.txt'), '\n\n');
    await fails(['prior', 'build', '--corpus', 'empty.txt', '-o', 'o2.safetensors'], /^vqct: empty\.txt: the corpus is empty/, 'o2.safetensors');
    writeFileSync(join(dir, 'photo.txt'), new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]));
    await fails(['prior', 'build', '--corpus', 'photo.txt', '-o', 'o3.safetensors'], /^vqct: photo\.txt:1: looks like a binary file/, 'o3.safetensors');
  });

  it('malformed JSON lines and ragged embeddings, with line numbers', async () => {
    writeFileSync(join(dir, 'bad.jsonl'), '{"caption": "a red bus"}\n{"caption": "a small dog"\n');
    await fails(['prior', 'build', '--corpus', 'bad.jsonl', '-o', 'o4.safetensors'], /^vqct: bad\.jsonl:2: malformed JSON line/, 'o4.safetensors');
    writeFileSync(join(dir, 'ragged.txt'), 'red 1 2 3\nbus 1 2 3\ncar 1 2\n');
    await fails(['prior', 'build', '--corpus', 'small.jsonl', '--min-count', '0', '--embeddings', 'ragged.txt', '-o', 'o5.safetensors'], /^vqct: ragged\.txt:3: ragged row: 2 values, expected 3/, 'o5.safetensors');
  });

  it('a vocabulary empty after filtering', async () => {
    await fails(['prior', 'build', '--corpus', 'small.jsonl', '--embeddings', glove, '--min-count', '50', '-o', 'o6.safetensors'], /^vqct: small\.jsonl: the vocabulary is empty after filtering/, 'o6.safetensors');
  });

  it('an unwritable output', async () => {
    await fails(['prior', 'build', '--corpus', 'small.jsonl', '--embeddings', glove, '--min-count', '0', '-o', 'missing-dir/p.safetensors'], /^vqct: missing-dir\/p\.safetensors: cannot write: the folder .* does not exist/);
    if (process.getuid?.() !== 0) {
      mkdirSync(join(dir, 'ro'));
      chmodSync(join(dir, 'ro'), 0o555);
      await fails(['prior', 'build', '--corpus', 'small.jsonl', '--embeddings', glove, '--min-count', '0', '-o', 'ro/p.safetensors'], /ro\/p\.safetensors: cannot write: permission denied/, 'ro/p.safetensors');
    }
  });

  it('usage errors, a bad prior file, an unknown word', async () => {
    await fails(['prior', 'build', '--min-count', 'ten'], /^vqct: --min-count expects a non-negative integer, got "ten"/);
    await fails(['prior', 'build', '--corpus', 'small.jsonl', '--format', 'csv'], /format/);
    writeFileSync(join(dir, 'fake.safetensors'), 'not a prior at all');
    await fails(['prior', 'inspect', 'fake.safetensors'], /^vqct: fake\.safetensors: not a valid safetensors file/);
    await fails(['prior', 'inspect', 'small.safetensors', '--word', 'zebra'], /the word "zebra" is not in this prior/);
    const r = await runCli(['prior', 'frobnicate'], dir);
    expect(r.code).toBe(1);
  });
});
