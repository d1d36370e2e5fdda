import type { TaggedToken } from './pos-tag';

/** The serializable form of CorpusStats (what tagging workers send back). */
export interface CorpusStatsData {
  descriptions: number;
  /** [word, count] in first-seen order. */
  adjectives: Array<[string, number]>;
  nouns: Array<[string, number]>;
  /** [adjective, noun, count] in first-seen order. */
  pairs: Array<[string, string, number]>;
}

const SEP = '\u0000';

/**
 * Word and adjective→noun pair counts over a corpus (METHOD.md §1.3–1.4).
 * Maps keep first-seen order, so merging per-batch stats in batch order gives
 * exactly what one pass over the corpus gives.
 *
 * @example
 * const stats = new CorpusStats();
 * stats.add(tagDescription('A red bus on a red bus lane.'));
 * stats.pairs.get(pairKey('red', 'bus')); // 2
 */
export class CorpusStats {
  descriptions = 0;
  readonly adjectives = new Map<string, number>();
  readonly nouns = new Map<string, number>();
  /** Key: pairKey(adjective, noun). */
  readonly pairs = new Map<string, number>();

  /** Adds one tagged description. */
  add(tokens: TaggedToken[]): void {
    this.descriptions++;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.pos === 'adj') bump(this.adjectives, t.word, 1);
      else if (t.pos === 'noun') bump(this.nouns, t.word, 1);
      const next = tokens[i + 1];
      if (t.pos === 'adj' && !t.breakAfter && next != null && next.pos === 'noun') {
        bump(this.pairs, pairKey(t.word, next.word), 1);
      }
    }
  }

  /** Adds counts from another batch (which must come after everything already added). */
  merge(data: CorpusStatsData): void {
    this.descriptions += data.descriptions;
    for (const [w, c] of data.adjectives) bump(this.adjectives, w, c);
    for (const [w, c] of data.nouns) bump(this.nouns, w, c);
    for (const [a, n, c] of data.pairs) bump(this.pairs, pairKey(a, n), c);
  }

  toData(): CorpusStatsData {
    return {
      descriptions: this.descriptions,
      adjectives: [...this.adjectives],
      nouns: [...this.nouns],
      pairs: [...this.pairs].map(([k, c]) => {
        const [a, n] = splitPairKey(k);
        return [a, n, c];
      }),
    };
  }
}

export function pairKey(adjective: string, noun: string): string {
  return `${adjective}${SEP}${noun}`;
}

export function splitPairKey(key: string): [string, string] {
  const i = key.indexOf(SEP);
  return [key.slice(0, i), key.slice(i + 1)];
}

function bump(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
