import { describe, expect, it } from 'vitest';
import { CorpusStats } from '../tagging/corpus-stats';
import { selectVocabulary } from './select-vocabulary';

function stats(adj: Record<string, number>, noun: Record<string, number>): CorpusStats {
  const s = new CorpusStats();
  s.merge({ descriptions: 1, adjectives: Object.entries(adj), nouns: Object.entries(noun), pairs: [] });
  return s;
}

describe('selectVocabulary', () => {
  it('keeps count > minCount (not >=), first-seen order', () => {
    const v = selectVocabulary(stats({ red: 11, big: 10, blue: 30 }, { dog: 12, cat: 3 }), { minCount: 10 });
    expect(v.adjectives.map((e) => e.word)).toEqual(['red', 'blue']);
    expect(v.nouns).toEqual([{ word: 'dog', count: 12 }]);
    expect(v.dropped.belowMinCount).toBe(2);
  });

  it('caps by frequency, ties by first seen, order stays first-seen', () => {
    const v = selectVocabulary(stats({ a: 5, b: 9, c: 5, d: 7 }, { x: 2 }), { minCount: 0, maxAdjectives: 3 });
    expect(v.adjectives.map((e) => e.word)).toEqual(['a', 'b', 'd']);
    expect(v.dropped.overCap).toBe(1);
  });

  it('rejects bad options naming the field', () => {
    expect(() => selectVocabulary(new CorpusStats(), { minCount: -1 })).toThrow(/minCount/);
    expect(() => selectVocabulary(new CorpusStats(), { maxNouns: 0 })).toThrow(/maxNouns/);
  });
});
