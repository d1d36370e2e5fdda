import { InputError } from '@vqct/core';
import type { Prior, PriorMeta } from '../types';
import type { EmbeddingResult, WordQuery } from '../embeddings/embedding-source';
import { buildEdges } from '../graph/build-edges';
import type { Vocabulary } from './select-vocabulary';

export const PRIOR_FORMAT_VERSION = 1;

/** The queries an embedding source must answer for a vocabulary: adjectives then nouns. */
export function vocabularyQueries(vocab: Vocabulary): WordQuery[] {
  return [
    ...vocab.adjectives.map((e) => ({ word: e.word, pos: 'adj' as const })),
    ...vocab.nouns.map((e) => ({ word: e.word, pos: 'noun' as const })),
  ];
}

export interface AssembleOptions {
  corpusDigest: string;
  embeddingSource: string;
  minCount: number;
  /** Names the corpus in errors. */
  corpusName?: string;
  /** Extra provenance stored in meta. */
  extra?: Record<string, string | number>;
}

/**
 * Puts a prior together (METHOD.md §1.5–1.6): drops words without a vector
 * (listed in `meta.droppedWords`), orders adjectives then nouns, and builds
 * the edges among the survivors. Throws an InputError when either list ends
 * up empty.
 *
 * @example
 * const prior = assemblePrior(vocab, stats.pairs, await source.lookup(vocabularyQueries(vocab)), meta);
 */
export function assemblePrior(vocab: Vocabulary, pairs: Map<string, number>, embedded: EmbeddingResult, options: AssembleOptions): Prior {
  const queries = vocabularyQueries(vocab);
  if (embedded.vectors.length !== queries.length) {
    throw new InputError(`embedding source answered ${embedded.vectors.length} words for ${queries.length} asked`);
  }
  const entries = [...vocab.adjectives, ...vocab.nouns];
  const adjectives: string[] = [];
  const nouns: string[] = [];
  const counts: number[] = [];
  const rows: Float32Array[] = [];
  const dropped: string[] = [];
  queries.forEach((q, i) => {
    const v = embedded.vectors[i];
    if (v == null) {
      dropped.push(q.pos === 'adj' ? `${q.word}/adj` : `${q.word}/noun`);
      return;
    }
    (q.pos === 'adj' ? adjectives : nouns).push(q.word);
    counts.push(entries[i].count);
    rows.push(v);
  });
  const where = options.corpusName ?? 'the corpus';
  if (adjectives.length === 0 || nouns.length === 0) {
    const missing = adjectives.length === 0 && nouns.length === 0 ? 'no adjectives and no nouns' : adjectives.length === 0 ? 'no adjectives' : 'no nouns';
    throw new InputError(
      `the vocabulary is empty after filtering: ${missing} left (${vocab.seen.adjectives} adjectives and ${vocab.seen.nouns} nouns seen, ` +
        `${vocab.dropped.belowMinCount} with count <= minCount ${options.minCount}, ${dropped.length} without a vector); ` +
        `use a larger corpus or a smaller --min-count`,
      { file: where },
    );
  }
  const dim = embedded.dim;
  const vectors = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => vectors.set(r.subarray(0, dim), i * dim));
  const { edgeIndex, edgeWeight } = buildEdges(pairs, adjectives, nouns);
  const meta: PriorMeta = {
    formatVersion: PRIOR_FORMAT_VERSION,
    corpusDigest: options.corpusDigest,
    embeddingSource: options.embeddingSource,
    minCount: options.minCount,
    droppedWords: dropped,
    ...options.extra,
  };
  return {
    words: [...adjectives, ...nouns],
    kAdj: adjectives.length,
    kNoun: nouns.length,
    dim,
    vectors,
    edgeIndex,
    edgeWeight,
    counts: Int32Array.from(counts),
    meta,
  };
}
