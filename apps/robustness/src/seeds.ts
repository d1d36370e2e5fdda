import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { encodePrior, seededBenchmarkPrior, type Prior } from '@vqct/prior';
import { defaultCorpus } from '@vqct/prior/node';
import type { FileSet } from './case';
import { enc } from './case';

/** The built CLI (`@vqct/cli` is a dependency, so turbo builds it first). */
export const CLI_BIN = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));
/** The CLI's test images: real Fashion-MNIST items and photos. */
export const FIXTURE_IMAGES = fileURLToPath(new URL('../../cli/test/fixtures/images', import.meta.url));
/** This package's own fixtures (the taming-style config) and the saved failing cases. */
export const FIXTURES = fileURLToPath(new URL('../test/fixtures', import.meta.url));
export const REGRESSIONS = fileURLToPath(new URL('../test/regressions', import.meta.url));

/** A small run config: the tiny preset with narrow layers, so a checkpoint is ~2.6 MB and a step is quick. */
export const FUZZ_RUN_CONFIG = `model:
  preset: tiny
  ch: 32
  chMult: [1, 1]
  zChannels: 8
  codeDim: 8
  midAttention: false
train:
  steps: 1
  batchSize: 2
  sampleEvery: 0
discriminator:
  baseFilters: 8
  layers: 1
`;

/** The real files every target starts from. */
export interface SeedFiles {
  prior: Prior;
  priorBytes: Uint8Array;
  /** A run folder written by `vqct train` (checkpoints/, config.yaml, run.json). */
  runDir: string;
  tokensJson: Uint8Array;
  tokensNpy: Uint8Array;
  /** The run's checkpoint as `vqct export --format torch` writes it. */
  torchFile: Uint8Array;
  images: FileSet;
  corpusLines: string[];
  tamingYaml: Uint8Array;
}

function cli(args: string[], cwd: string): void {
  const r = spawnSync(process.execPath, [CLI_BIN, ...args, '--quiet'], { cwd, encoding: 'utf8', env: { ...process.env, VQCT_BACKEND: process.env.VQCT_BACKEND ?? 'wasm', VQCT_WASM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`vqct ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
}

/**
 * Builds (once per CLI build, cached under the temp dir) a real training run with the
 * CLI, and the tokens `vqct encode` writes from it. The prior is the seeded benchmark
 * prior (K 32, dim 8), written by `encodePrior` as every prior is.
 */
export async function buildSeedFiles(): Promise<SeedFiles> {
  if (!existsSync(CLI_BIN)) throw new Error(`build the CLI first: ${CLI_BIN} is missing`);
  const prior = seededBenchmarkPrior({ kAdj: 12, kNoun: 20, dim: 8, seed: 1 });
  const priorBytes = encodePrior(prior);
  const stamp = Math.round(statSync(CLI_BIN).mtimeMs);
  const cache = join(tmpdir(), `vqct-robustness-seeds-${stamp}`);
  if (!existsSync(join(cache, 'done'))) {
    const work = `${cache}.partial-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'prior.safetensors'), priorBytes);
    writeFileSync(join(work, 'fuzz.yaml'), FUZZ_RUN_CONFIG);
    cli(['train', '--config', 'fuzz.yaml', '--data', 'fashion-mnist', '--limit', '4', '--prior', 'prior.safetensors', '--out', 'run'], work);
    const imgs = ['fmnist-bag-0.png', 'photo-cat.png'].map((f) => join(FIXTURE_IMAGES, f));
    cli(['encode', ...imgs, '--checkpoint', 'run', '-o', 'tokens.json'], work);
    cli(['encode', ...imgs, '--checkpoint', 'run', '-o', 'tokens.npy'], work);
    cli(['export', '--checkpoint', 'run', '-o', 'model.torch.safetensors'], work);
    writeFileSync(join(work, 'done'), '');
    if (!existsSync(join(cache, 'done'))) {
      rmSync(cache, { recursive: true, force: true });
      try { renameSync(work, cache); } catch { /* another process won the race */ }
    }
    rmSync(work, { recursive: true, force: true });
  }
  const images: FileSet = {};
  for (const f of ['fmnist-bag-0.png', 'photo-cat.png', 'photo-coffee.jpg']) images[f] = new Uint8Array(readFileSync(join(FIXTURE_IMAGES, f)));
  images['photo-cat.webp'] = new Uint8Array(await sharp(join(FIXTURE_IMAGES, 'photo-cat.png')).resize(48, 48).webp().toBuffer());
  const corpusLines: string[] = [];
  for await (const d of defaultCorpus({ lexFiles: { adj: [], noun: [5, 13] } }).descriptions()) {
    corpusLines.push(d.text);
    if (corpusLines.length >= 60) break;
  }
  return {
    prior,
    priorBytes,
    runDir: join(cache, 'run'),
    tokensJson: new Uint8Array(readFileSync(join(cache, 'tokens.json'))),
    tokensNpy: new Uint8Array(readFileSync(join(cache, 'tokens.npy'))),
    torchFile: new Uint8Array(readFileSync(join(cache, 'model.torch.safetensors'))),
    images,
    corpusLines,
    tamingYaml: new Uint8Array(readFileSync(join(FIXTURES, 'taming.yaml'))),
  };
}

/** Every file under `dir` as a FileSet (relative paths, '/'-separated). */
export function readTree(dir: string, prefix = ''): FileSet {
  const out: FileSet = {};
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) Object.assign(out, readTree(p, `${prefix}${ent.name}/`));
    else out[`${prefix}${ent.name}`] = new Uint8Array(readFileSync(p));
  }
  return out;
}

/** The corpus seeds: text, JSONL, COCO captions JSON and a folder of .txt files, from real WordNet glosses. */
export function corpusFiles(lines: string[]): Record<'text' | 'jsonl' | 'coco' | 'folder', FileSet> {
  const coco = { info: { description: 'vqct fuzz' }, images: lines.map((_, i) => ({ id: i + 1, file_name: `${i}.jpg` })), annotations: lines.map((caption, i) => ({ image_id: i + 1, id: 100 + i, caption })) };
  return {
    text: { 'captions.txt': enc.encode(`${lines.join('\n')}\n`) },
    jsonl: { 'captions.jsonl': enc.encode(`${lines.map((caption, i) => JSON.stringify({ image: `${i}.jpg`, caption })).join('\n')}\n`) },
    coco: { 'captions.json': enc.encode(JSON.stringify(coco, null, 1)) },
    folder: {
      'corpus/birds/a.txt': enc.encode(`${lines.slice(0, 20).join('\n')}\n`),
      'corpus/birds/b.txt': enc.encode(`${lines.slice(20, 40).join('\n')}\n`),
      'corpus/fish/c.txt': enc.encode(`${lines.slice(40).join('\n')}\n`),
    },
  };
}
