import { describe, expect, it } from 'vitest';
import { CorpusStats, pairKey } from './corpus-stats';
import { tagDescription } from './pos-tag';

describe('CorpusStats', () => {
  it('counts words and only immediately adjacent adjective->noun pairs, with multiplicity', () => {
    const s = new CorpusStats();
    for (const line of ['A red bus next to a red bus stop.', 'The red, old bus.', 'A small red bus.']) s.add(tagDescription(line));
    expect(s.descriptions).toBe(3);
    expect(s.adjectives.get('red')).toBe(4);
    expect(s.nouns.get('bus')).toBe(4);
    expect(s.pairs.get(pairKey('red', 'bus'))).toBe(3); // "red bus" x2 and "small red bus"; "red, old bus" is broken by the comma
    expect(s.pairs.get(pairKey('old', 'bus'))).toBe(1);
    expect(s.pairs.has(pairKey('small', 'bus'))).toBe(false); // not adjacent
  });

  it('merging per-batch data in order equals one pass', () => {
    const lines = ['A brown dog on green grass.', 'A green car and a brown dog.', 'Green trees near a blue lake.'];
    const one = new CorpusStats();
    lines.forEach((l) => one.add(tagDescription(l)));
    const merged = new CorpusStats();
    for (const l of lines) {
      const b = new CorpusStats();
      b.add(tagDescription(l));
      merged.merge(JSON.parse(JSON.stringify(b.toData())));
    }
    expect(merged.toData()).toEqual(one.toData());
    expect([...merged.adjectives.keys()]).toEqual(['brown', 'green', 'blue']);
  });
});
