import { z } from 'zod';
import { resolveOrThrow } from '@vqct/core';
import { assemblePrior, vocabularyQueries } from '../vocabulary/assemble-prior';
import { selectVocabulary } from '../vocabulary/select-vocabulary';
import { defaultVocabularyOptions, stripUndefined } from '../options';
import type { EmbeddingSource } from '../embeddings/embedding-source';
import type { Prior } from '../types';
import type { Corpus, CorpusFormat } from './corpus/description';
import { openCorpus } from './corpus/read-corpus';
import { defaultCorpus } from './corpus/default-corpus';
import { resolveEmbeddingSource } from './embeddings/resolve-embeddings';
import { tagCorpus } from './tagging/tag-corpus';
import { readStatsCache, writeStatsCache } from './tagging/stats-cache';
import type { CorpusStats } from '../tagging/corpus-stats';

export interface BuildPriorOptions {
  /** A corpus path, an opened Corpus, or undefined for the default WordNet corpus. */
  corpus?: string | Corpus;
  /** Format of a corpus path; default: guessed from the path. */
  format?: CorpusFormat | 'auto';
  /** `wink`, `clip:DIR`, a vectors file path, or an EmbeddingSource. Default `wink`. */
  embeddings?: string | EmbeddingSource;
  /** Cache file for looked-up vectors (used with a string `embeddings`). */
  vectorCache?: string;
  /** Cache file for the tagged counts, keyed by the corpus digest (skips tagging on a rebuild). */
  tagCache?: string;
  minCount?: number;
  maxAdjectives?: number | null;
  maxNouns?: number | null;
  /** Tagging worker threads (0: this thread). Default: available cores. */
  workers?: number;
}

export const defaultBuildPriorOptions = {
  format: 'auto' as const,
  embeddings: 'wink',
  ...defaultVocabularyOptions,
};

const schema = z.object({
  corpus: z.any().optional(),
  format: z.enum(['auto', 'text', 'jsonl', 'coco', 'folder']),
  embeddings: z.any(),
  vectorCache: z.string().min(1).optional(),
  tagCache: z.string().min(1).optional(),
  minCount: z.number().int().nonnegative(),
  maxAdjectives: z.number().int().positive().nullable(),
  maxNouns: z.number().int().positive().nullable(),
  workers: z.number().int().nonnegative().max(64).optional(),
}).strict();

export type ResolvedBuildPriorOptions = z.output<typeof schema>;

/** Fills defaults and validates build options (ConfigError naming each bad field). */
export function resolveBuildPriorOptions(options: BuildPriorOptions = {}): ResolvedBuildPriorOptions {
  return resolveOrThrow(schema, { ...defaultBuildPriorOptions, ...stripUndefined(options) }, 'prior build options');
}

/** What buildPrior reports while it runs. */
export type BuildPriorProgress =
  | { phase: 'tag'; descriptions: number; bytes: number; totalBytes: number; workers: number }
  | { phase: 'embed'; step: string; done: number; total: number }
  | { phase: 'cache'; hits: number; asked: number }
  | { phase: 'tag-cache'; hit: boolean };

export interface BuildPriorReport {
  corpus: string;
  descriptions: number;
  seen: { adjectives: number; nouns: number };
  kept: { adjectives: number; nouns: number };
  dropped: { belowMinCount: number; overCap: number; noVector: string[] };
  edges: number;
  workers: number;
  /** Whether tagged counts came from `tagCache`. */
  tagCache: 'hit' | 'miss' | 'off';
  seconds: { tag: number; embed: number; total: number };
  descriptionsPerSecond: number;
}

/**
 * The whole of METHOD.md §1: reads and tags the corpus (worker threads),
 * counts, filters, embeds, builds the graph.
 *
 * @example
 * const { prior, report } = await buildPrior({ corpus: 'captions.txt', minCount: 10 }, (p) => console.error(p));
 * savePrior('prior.safetensors', prior);
 */
export async function buildPrior(
  options: BuildPriorOptions = {},
  onProgress?: (p: BuildPriorProgress) => void,
): Promise<{ prior: Prior; report: BuildPriorReport }> {
  const o = resolveBuildPriorOptions(options);
  const t0 = performance.now();
  const corpus: Corpus = o.corpus == null ? defaultCorpus() : typeof o.corpus === 'string' ? openCorpus(o.corpus, o.format) : (o.corpus as Corpus);
  let workersUsed = 0;
  let stats: CorpusStats | undefined;
  let tagCache: BuildPriorReport['tagCache'] = 'off';
  if (o.tagCache != null) {
    // A read-only pass (cheap next to tagging) gives the digest the cache is keyed by.
    for await (const _ of corpus.descriptions()) { /* digest only */ }
    stats = readStatsCache(o.tagCache, corpus.digest());
    tagCache = stats != null ? 'hit' : 'miss';
    onProgress?.({ phase: 'tag-cache', hit: stats != null });
  }
  if (stats == null) {
    stats = await tagCorpus(corpus.descriptions(), { workers: o.workers }, (p) => {
      workersUsed = p.workers;
      onProgress?.({ phase: 'tag', descriptions: p.descriptions, bytes: corpus.bytesRead(), totalBytes: corpus.totalBytes, workers: p.workers });
    });
    if (o.tagCache != null) writeStatsCache(o.tagCache, corpus.digest(), stats);
  }
  const t1 = performance.now();
  const vocab = selectVocabulary(stats, { minCount: o.minCount, maxAdjectives: o.maxAdjectives, maxNouns: o.maxNouns });
  const source: EmbeddingSource = typeof o.embeddings === 'string'
    ? resolveEmbeddingSource(o.embeddings, { cacheFile: o.vectorCache, onCacheHit: (hits, asked) => onProgress?.({ phase: 'cache', hits, asked }) })
    : (o.embeddings as EmbeddingSource);
  const queries = vocabularyQueries(vocab);
  const embedded = queries.length === 0
    ? { dim: 0, vectors: [] }
    : await source.lookup(queries, (p) => onProgress?.({ phase: 'embed', step: p.phase, done: p.done, total: p.total }));
  const prior = assemblePrior(vocab, stats.pairs, embedded, {
    corpusDigest: corpus.digest(),
    embeddingSource: source.name,
    minCount: o.minCount,
    corpusName: corpus.name,
    extra: { corpus: corpus.name, descriptions: stats.descriptions },
  });
  const t2 = performance.now();
  const tagSeconds = (t1 - t0) / 1000;
  return {
    prior,
    report: {
      corpus: corpus.name,
      descriptions: stats.descriptions,
      seen: vocab.seen,
      kept: { adjectives: prior.kAdj, nouns: prior.kNoun },
      dropped: { belowMinCount: vocab.dropped.belowMinCount, overCap: vocab.dropped.overCap, noVector: prior.meta.droppedWords ?? [] },
      edges: prior.edgeWeight.length,
      workers: workersUsed,
      tagCache,
      seconds: { tag: tagSeconds, embed: (t2 - t1) / 1000, total: (t2 - t0) / 1000 },
      descriptionsPerSecond: stats.descriptions / Math.max(tagSeconds, 1e-9),
    },
  };
}
