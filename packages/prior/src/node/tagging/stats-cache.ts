import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { writeFileAtomic } from '@vqct/core/node';
import { CorpusStats, type CorpusStatsData } from '../../tagging/corpus-stats';

/** Bump when tagging rules change: older caches are then ignored. */
const TAG_RULES_VERSION = 1;

function taggerId(): string {
  let compromise = 'unknown';
  try {
    const require = createRequire(import.meta.url);
    const entry = require.resolve('compromise');
    const m = /compromise@([^/\\]+)/.exec(entry);
    compromise = m?.[1] ?? entry;
  } catch {
    // keep "unknown": the cache then only matches itself
  }
  return `compromise ${compromise}; rules ${TAG_RULES_VERSION}`;
}

interface StatsCacheFile {
  format: 'vqct-tag-cache';
  tagger: string;
  corpusDigest: string;
  stats: CorpusStatsData;
}

/**
 * The tagged counts of a corpus, cached by the corpus's SHA-256 and the
 * tagger version: rebuilding a prior from the same corpus (the demo, a new
 * minCount, other vectors) skips tagging. A stale or damaged cache is ignored.
 */
export function readStatsCache(file: string, corpusDigest: string): CorpusStats | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as StatsCacheFile;
    if (c.format !== 'vqct-tag-cache' || c.tagger !== taggerId() || c.corpusDigest !== corpusDigest) return undefined;
    const stats = new CorpusStats();
    stats.merge(c.stats);
    return stats;
  } catch {
    return undefined;
  }
}

export function writeStatsCache(file: string, corpusDigest: string, stats: CorpusStats): void {
  const c: StatsCacheFile = { format: 'vqct-tag-cache', tagger: taggerId(), corpusDigest, stats: stats.toData() };
  writeFileAtomic(file, JSON.stringify(c));
}
