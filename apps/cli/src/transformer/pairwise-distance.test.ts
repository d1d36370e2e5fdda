import { describe, expect, it } from 'vitest';
import { meanPairwiseDistance } from './pairwise-distance';

describe('meanPairwiseDistance', () => {
  it('is 0 for identical images and the RMS distance averaged over pairs otherwise', () => {
    expect(meanPairwiseDistance([1, 2, 1, 2, 1, 2], 3, 2)).toBe(0);
    // Pairs (0,1): 1, (0,2): 2, (1,2): 1 -> mean 4/3.
    expect(meanPairwiseDistance([0, 0, 1, 1, 2, 2], 3, 2)).toBeCloseTo(4 / 3, 12);
    expect(meanPairwiseDistance([5, 5, 0, 0, 1, 1], 2, 2, 2)).toBeCloseTo(1, 12);
    expect(meanPairwiseDistance([1, 2], 1, 2)).toBe(0);
  });
});
