import { describe, expect, it } from 'vitest';
import { captionLine, captionWords, matchCaption } from './caption';

const vocab = { words: ['red', 'round', 'apple', 'face', 'eye'], kAdj: 2, kNoun: 3 };
// 2x1 grid, k = 1: (red / apple), (round / face).
const grid = { tokens: Int32Array.from([0, 0, 1, 1]), gridH: 2, gridW: 1, k: 1 };

describe('caption', () => {
  it('splits a caption into its distinct words', () => {
    expect(captionWords('Grinning face with smiling eyes, light skin-tone')).toEqual(['grinning', 'face', 'with', 'smiling', 'eyes', 'light', 'skin-tone']);
  });

  it('says which caption words the patches say, and which the prior knows', () => {
    const m = matchCaption('red apple with eyes', grid, vocab);
    expect(m.said).toEqual(['red', 'apple']);
    expect(m.known).toEqual(['red', 'apple', 'eyes']);
    expect(captionLine(m)).toBe('caption "red apple with eyes" · the patches say 2 of its 4 words (red, apple); 3 are words of the prior');
    expect(matchCaption('green pear', grid, vocab).said).toEqual([]);
  });
});
