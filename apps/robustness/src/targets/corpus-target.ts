import { join } from 'node:path';
import type { Rng } from '@vqct/core';
import { openCorpus } from '@vqct/prior/node';
import type { Mutator, Seed } from '../case';
import { enc, pick } from '../case';
import { BYTE_MUTATORS } from '../mutate/bytes';
import { JSON_MUTATORS } from '../mutate/json';
import { TEXT_MUTATORS } from '../mutate/text';
import { corpusFiles } from '../seeds';
import type { Target } from './target';

/** Folder-level changes: an extra binary .txt, an empty .txt, a file removed, no .txt at all. */
const folderShape: Mutator = (seed: Seed, rng: Rng) => {
  if (!seed.main.endsWith('/')) return null;
  const files = { ...seed.files };
  const names = Object.keys(files);
  const k = rng.int(4);
  if (k === 0) files['corpus/birds/zz.txt'] = Uint8Array.from({ length: 64 }, () => rng.int(256));
  else if (k === 1) files['corpus/empty.txt'] = new Uint8Array(0);
  else if (k === 2) delete files[pick(rng, names)];
  else {
    for (const n of names) delete files[n];
    files['corpus/readme.md'] = enc.encode('no captions here\n');
  }
  return { seed: seed.name, mutation: ['binary .txt added', 'empty .txt added', 'a file removed', 'no .txt left'][k], files, main: seed.main };
};

/** `vqct prior build --corpus`: text, JSONL, COCO captions JSON and folders of .txt. */
export const corpusTarget: Target = {
  name: 'corpus (text/JSONL/COCO/folder)',
  reader: '@vqct/prior/node openCorpus (all descriptions read)',
  seeds: (ctx) => {
    const c = corpusFiles(ctx.seeds.corpusLines);
    return [
      { name: 'text', files: c.text, main: 'captions.txt' },
      { name: 'jsonl', files: c.jsonl, main: 'captions.jsonl' },
      { name: 'coco', files: c.coco, main: 'captions.json' },
      { name: 'folder', files: c.folder, main: 'corpus/', target: 'corpus/birds/b.txt' },
    ];
  },
  mutators: [...BYTE_MUTATORS, ...TEXT_MUTATORS, ...TEXT_MUTATORS, ...JSON_MUTATORS, folderShape],
  run: async (dir, main) => {
    const corpus = openCorpus(join(dir, main));
    for await (const d of corpus.descriptions()) void d;
  },
  cli: (_dir, main) => ({ args: ['prior', 'build', '--corpus', main, '--workers', '0', '--min-count', '1', '--no-cache', '-o', 'out.safetensors'], output: 'out.safetensors' }),
};
