import { describe, expect, it } from 'vitest';
import { complete, completions, typedWord, unknownWords } from './prompt';

const vocab = { words: ['red', 'white', 'rose', 'white', 'apple', 'ring'], kAdj: 2, kNoun: 4 };

describe('prompt', () => {
  it('completes the word being typed from the vocabulary, with its part of speech', () => {
    expect(typedWord('red ap')).toBe('ap');
    expect(typedWord('red ')).toBe('');
    expect(completions('red r', vocab)).toEqual([{ word: 'red', part: 'adjective' }, { word: 'ring', part: 'noun' }, { word: 'rose', part: 'noun' }]);
    expect(completions('wh', vocab)).toEqual([{ word: 'white', part: 'adjective + noun' }]);
    expect(completions('red ', vocab)).toEqual([]);
    expect(complete('red ap', 'apple')).toBe('red apple ');
  });

  it('names the words the vocabulary lacks', () => {
    expect(unknownWords('red apples, banana', vocab)).toEqual(['banana']);
    expect(unknownWords('', vocab)).toEqual([]);
  });
});
