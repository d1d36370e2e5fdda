import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Prior } from '@vqct/prior';
import { assemblePrior, CorpusStats, selectVocabulary, vocabularyQueries, type CorpusStatsData } from '@vqct/prior';
import { defaultCorpus, loadPrior, resolveEmbeddingSource, savePrior, tagCorpus } from '@vqct/prior/node';

export interface PriorSpec {
  minCount: number;
  maxAdjectives: number;
  maxNouns: number;
  /** Only the first this many descriptions of the corpus (0 or absent: all). */
  corpusLines?: number;
}

async function* firstN<T>(it: AsyncIterable<T>, n: number): AsyncGenerator<T> {
  let i = 0;
  for await (const x of it) {
    if (i++ >= n) return;
    yield x;
  }
}

/** File name of the prior for one set of caps. */
export function priorFile(dir: string, s: PriorSpec): string {
  return join(dir, `prior-m${s.minCount}-a${s.maxAdjectives}-n${s.maxNouns}${s.corpusLines ? `-l${s.corpusLines}` : ''}.safetensors`);
}

/**
 * Tags the default corpus once (minutes on 2 cores) and keeps the counts in
 * `dir`, so later runs with other caps (the sweep, --resume) skip tagging.
 */
async function taggedCorpus(dir: string, corpusLines: number, log: (s: string) => void): Promise<{ stats: CorpusStats; digest: string; name: string }> {
  const file = join(dir, `corpus-stats${corpusLines > 0 ? `-l${corpusLines}` : ''}.json`);
  const stats = new CorpusStats();
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { data: CorpusStatsData; digest: string; name: string };
    stats.merge(saved.data);
    return { stats, digest: saved.digest, name: saved.name };
  }
  const t0 = performance.now();
  const corpus = defaultCorpus();
  const tagged = await tagCorpus(corpusLines > 0 ? firstN(corpus.descriptions(), corpusLines) : corpus.descriptions(), {});
  log(`prior: tagged ${tagged.descriptions} descriptions of the default corpus in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  // A truncated read has no digest of the whole corpus: name what was read instead.
  const digest = corpusLines > 0 ? `wordnet-default-corpus/first-${corpusLines}` : corpus.digest();
  writeFileSync(`${file}.tmp`, JSON.stringify({ data: tagged.toData(), digest, name: corpus.name }));
  renameSync(`${file}.tmp`, file);
  return { stats: tagged, digest, name: corpus.name };
}

/**
 * The default prior of @vqct/prior (WordNet glosses of visual words, tagged;
 * wink's 100-d GloVe-style vectors) for each cap pair, METHOD.md §1: the
 * corpus is tagged once, then each vocabulary is selected with its
 * minCount / maxAdjectives / maxNouns, embedded and assembled. Existing files
 * are reused. Returns the file per spec and K per file.
 */
export async function preparePriors(dir: string, specs: PriorSpec[], corpusLines: number, log: (s: string) => void): Promise<Map<string, Prior>> {
  mkdirSync(dir, { recursive: true });
  const out = new Map<string, Prior>();
  const missing = specs.filter((s) => !existsSync(priorFile(dir, s)));
  if (missing.length > 0) {
    const { stats, digest, name } = await taggedCorpus(dir, corpusLines, log);
    const source = resolveEmbeddingSource('wink', { cacheFile: join(dir, 'vectors-cache.safetensors') });
    for (const s of missing) {
      const vocab = selectVocabulary(stats, { minCount: s.minCount, maxAdjectives: s.maxAdjectives, maxNouns: s.maxNouns });
      const embedded = await source.lookup(vocabularyQueries(vocab));
      const prior = assemblePrior(vocab, stats.pairs, embedded, {
        corpusDigest: digest, embeddingSource: source.name, minCount: s.minCount, corpusName: name,
        extra: { maxAdjectives: s.maxAdjectives, maxNouns: s.maxNouns },
      });
      savePrior(priorFile(dir, s), prior);
      log(`prior: ${priorFile(dir, s)}: K = ${prior.kAdj} + ${prior.kNoun}, ${prior.edgeWeight.length} edges, ${prior.meta.droppedWords?.length ?? 0} words without a vector`);
    }
  }
  for (const s of specs) out.set(priorFile(dir, s), loadPrior(priorFile(dir, s)));
  return out;
}
