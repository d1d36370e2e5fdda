import { describe, expect, it } from 'vitest';
import { randomGrids, TINY_TOKENS } from '../testing/tiny';
import { conditionPrefix, gridsToSequences, isNounSlot, sequenceLayout, sequencesToGrids } from './layout';
import { wordIds } from './words';

describe('sequence layout', () => {
  const layout = sequenceLayout({ tokens: TINY_TOKENS, condition: { kind: 'words', length: 3 } });

  it('puts each position as noun, then its adjectives, in the prior\'s word ids, and back', () => {
    const grids = randomGrids(2, 1);
    const seq = gridsToSequences(layout, grids);
    expect(seq[0]).toBe(TINY_TOKENS.kAdj + grids[2]);
    expect([seq[1], seq[2]]).toEqual([grids[0], grids[1]]);
    expect(isNounSlot(layout, 0) && !isNounSlot(layout, 1) && !isNounSlot(layout, 2) && isNounSlot(layout, 3)).toBe(true);
    expect(Array.from(sequencesToGrids(layout, seq))).toEqual(Array.from(grids));
    const bad = randomGrids(1, 2);
    bad[2] = 99;
    expect(() => gridsToSequences(layout, bad)).toThrow(/noun token 99/);
  });

  it('builds prefixes: left-padded words, then BOS; errors name the problem', () => {
    expect(Array.from(conditionPrefix(layout, { kind: 'words', ids: [1, 9] }))).toEqual([layout.pad, 1, 9, layout.bos]);
    expect(() => conditionPrefix(layout, { kind: 'words', ids: [1, 2, 3, 4] })).toThrow(/at most 3/);
    expect(() => conditionPrefix(layout, { kind: 'words', ids: [14] })).toThrow(/not words/);
    expect(() => conditionPrefix(layout, { kind: 'none' })).toThrow(/conditioned on words/);
    expect(layout.vocabularySize).toBe(6 + 8 + 2);
  });

  it('maps prompt words to the prior\'s ids; unknown words are named', () => {
    const vocab = { kAdj: 2, kNoun: 3, words: ['red', 'white', 'apple', 'white', 'boot'] };
    expect(wordIds('Red apples', vocab)).toEqual([0, 2]);
    expect(wordIds('white boot', vocab)).toEqual([1, 4]);
    expect(wordIds('white', vocab)).toEqual([3]);
    expect(() => wordIds('red banana', vocab)).toThrow(/"banana"/);
  });
});
