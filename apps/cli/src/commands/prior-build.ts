import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { IoError } from '@vqct/core';
import { priorDigest } from '@vqct/prior';
import { buildPrior, savePrior, type BuildPriorOptions, type BuildPriorProgress, type BuildPriorReport } from '@vqct/prior/node';
import type { Command } from 'commander';
import { createOutput, type GlobalOptions, type Output } from '../output';
import { resolveNamedCorpus } from '../emoji-corpus';
import { createProgress } from '../progress';
import { intOption } from './parse';

export interface PriorBuildArgs {
  corpus?: string;
  format?: BuildPriorOptions['format'];
  embeddings?: string;
  minCount?: number;
  maxAdjectives?: number;
  maxNouns?: number;
  workers?: number;
  output: string;
  cache?: boolean;
}

/** The min-count `--corpus emoji` gets unless told: keep every word seen twice or more. */
export const EMOJI_MIN_COUNT = 1;

/** Where the vector cache of a prior lives: next to it. */
export function vectorCacheFor(output: string): string {
  return output.replace(/(\.safetensors)?$/, '.vectors-cache.safetensors');
}

/** Where the tagged counts of a prior's corpus are cached: next to it. */
export function tagCacheFor(output: string): string {
  return output.replace(/(\.safetensors)?$/, '.tags-cache.json');
}

/** Fails before any work when the output cannot be written (missing folder, read-only). */
export function checkWritable(output: string): void {
  const dir = dirname(resolve(output));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new IoError(`cannot write: the folder ${dir} does not exist`, { file: output });
  try {
    accessSync(dir, constants.W_OK);
    if (existsSync(output)) accessSync(output, constants.W_OK);
  } catch (e) {
    throw new IoError(`cannot write: permission denied (${(e as NodeJS.ErrnoException).code ?? 'EACCES'})`, { file: output, cause: e });
  }
}

/** The human report lines after a build. */
export function reportLines(output: string, report: BuildPriorReport, dim: number): string[] {
  const noVec = report.dropped.noVector;
  const shown = noVec.slice(0, 8).join(', ') + (noVec.length > 8 ? `, ... (${noVec.length - 8} more)` : '');
  const perSec = Math.round(report.descriptionsPerSecond).toLocaleString('en-US');
  return [
    `${output}: ${report.kept.adjectives} adjectives + ${report.kept.nouns} nouns (K ${report.kept.adjectives + report.kept.nouns}, dim ${dim}), ${report.edges} edges`,
    report.tagCache === 'hit'
      ? `  corpus ${report.corpus}: ${report.descriptions.toLocaleString('en-US')} descriptions, tagged counts reused from the tag cache`
      : `  corpus ${report.corpus}: ${report.descriptions.toLocaleString('en-US')} descriptions tagged in ${report.seconds.tag.toFixed(1)} s (${perSec}/s, ${report.workers === 0 ? 'main thread' : `${report.workers} workers`})`,
    `  words seen: ${report.seen.adjectives} adjectives, ${report.seen.nouns} nouns; dropped ${report.dropped.belowMinCount} at or below min-count, ${report.dropped.overCap} over the caps, ${noVec.length} without a vector${noVec.length > 0 ? ` (${shown})` : ''}`,
    `  time: ${report.seconds.total.toFixed(1)} s (embedding ${report.seconds.embed.toFixed(1)} s)`,
  ];
}

/** Runs a build with progress on `out`; shared by `prior build` and `demo`. */
export async function runPriorBuild(args: PriorBuildArgs, out: Output): Promise<{ report: BuildPriorReport; digest: string; dim: number }> {
  checkWritable(args.output);
  const progress = createProgress(out);
  const onProgress = (p: BuildPriorProgress): void => {
    if (p.phase === 'tag') {
      if (p.totalBytes > 0) progress.update('tagging', p.bytes, p.totalBytes, 'bytes');
      else progress.update('tagging', p.descriptions, 0, 'descriptions');
    } else if (p.phase === 'embed') {
      progress.update(p.step, p.done, p.total, p.step.startsWith('scan') ? 'bytes' : 'words');
    } else if (p.phase === 'tag-cache') {
      out.log(p.hit ? 'tag cache: this corpus was tagged before, reusing its counts' : 'tag cache: new corpus, tagging');
    } else if (p.asked > 0) {
      progress.stop();
      out.log(`vector cache: ${p.hits} of ${p.asked} words cached`);
    }
  };
  const named = resolveNamedCorpus(args.corpus);
  // ~2,800 emoji names: at the default min-count of 10 only ~50 words would be left (docs/RESULTS.md).
  const minCount = args.minCount ?? (named != null && !named.withWordnet ? EMOJI_MIN_COUNT : undefined);
  try {
    const { prior, report } = await buildPrior({
      corpus: named?.corpus ?? args.corpus,
      format: args.format,
      embeddings: args.embeddings,
      minCount,
      maxAdjectives: args.maxAdjectives,
      maxNouns: args.maxNouns,
      workers: args.workers,
      vectorCache: args.cache === false ? undefined : vectorCacheFor(args.output),
      tagCache: args.cache === false ? undefined : tagCacheFor(args.output),
    }, onProgress);
    savePrior(args.output, prior);
    return { report, digest: priorDigest(prior), dim: prior.dim };
  } finally {
    progress.stop();
  }
}

/** `vqct prior build`: corpus -> prior.safetensors (METHOD.md §1). */
export function registerPriorBuild(prior: Command): void {
  prior
    .command('build')
    .description('build a codebook prior from a caption corpus (default: the embedded WordNet corpus)')
    .option('--corpus <path>', 'captions: a text file (one per line), JSONL, COCO captions JSON, a folder of .txt files, or emoji / emoji+wordnet (the emoji dataset\'s names, alone or with the WordNet corpus)')
    .option('--format <format>', 'text | jsonl | coco | folder (default: from the path)')
    .option('--embeddings <source>', 'wink | FILE (GloVe/word2vec/fastText text) | clip:DIR', 'wink')
    .option('--min-count <n>', `keep words seen more than n times (default 10; ${EMOJI_MIN_COUNT} for --corpus emoji)`, intOption('--min-count'))
    .option('--max-adjectives <n>', 'keep at most n adjectives (most frequent)', intOption('--max-adjectives'))
    .option('--max-nouns <n>', 'keep at most n nouns (most frequent)', intOption('--max-nouns'))
    .option('--workers <n>', 'tagging worker threads (0: main thread; default: CPU cores)', intOption('--workers'))
    .option('--no-cache', 'do not read or write the vector and tag caches next to the output')
    .option('-o, --output <file>', 'the prior file to write', 'prior.safetensors')
    .action(async (opts: PriorBuildArgs & { format?: string }, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      const { report, digest, dim } = await runPriorBuild(opts, out);
      out.result({ output: opts.output, digest, dim, ...report }, () => reportLines(opts.output, report, dim));
    });
}
