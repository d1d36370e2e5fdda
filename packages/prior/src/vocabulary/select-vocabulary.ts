import type { CorpusStats } from '../tagging/corpus-stats';
import { resolveVocabularyOptions, type VocabularyOptions } from '../options';

export interface VocabularyEntry {
  word: string;
  count: number;
}

export interface Vocabulary {
  /** Kept adjectives in first-seen order. */
  adjectives: VocabularyEntry[];
  /** Kept noun lemmas in first-seen order. */
  nouns: VocabularyEntry[];
  /** How many distinct words each list had before filtering. */
  seen: { adjectives: number; nouns: number };
  /** Words removed by minCount, and by the caps. */
  dropped: { belowMinCount: number; overCap: number };
}

function select(counts: Map<string, number>, minCount: number, max: number | null): { kept: VocabularyEntry[]; below: number; over: number } {
  const entries = [...counts].map(([word, count], order) => ({ word, count, order }));
  const passing = entries.filter((e) => e.count > minCount);
  let kept = passing;
  if (max != null && passing.length > max) {
    const chosen = new Set([...passing].sort((a, b) => b.count - a.count || a.order - b.order).slice(0, max).map((e) => e.order));
    kept = passing.filter((e) => chosen.has(e.order));
  }
  return {
    kept: kept.map(({ word, count }) => ({ word, count })),
    below: entries.length - passing.length,
    over: passing.length - kept.length,
  };
}

/**
 * Keeps words whose count is **greater than** `minCount`, then the most
 * frequent `maxAdjectives` / `maxNouns`; order stays first-seen (METHOD.md §1.3).
 *
 * @example
 * const vocab = selectVocabulary(stats, { minCount: 10 });
 * vocab.adjectives.map((e) => e.word); // ['red', 'small', ...]
 */
export function selectVocabulary(stats: CorpusStats, options: VocabularyOptions = {}): Vocabulary {
  const o = resolveVocabularyOptions(options);
  const a = select(stats.adjectives, o.minCount, o.maxAdjectives);
  const n = select(stats.nouns, o.minCount, o.maxNouns);
  return {
    adjectives: a.kept,
    nouns: n.kept,
    seen: { adjectives: stats.adjectives.size, nouns: stats.nouns.size },
    dropped: { belowMinCount: a.below + n.below, overCap: a.over + n.over },
  };
}
