import { describe, expect, it } from 'vitest';
import { stepLine } from './train-progress';

const event = (losses: Record<string, number>) => ({ step: 12, epoch: 0, losses, usage: { adjective: 0.5, noun: 0.25 }, imagesPerSecond: 40, etaSeconds: 75 });

describe('stepLine', () => {
  it("names a tokenizer's parts, the alignment term only where the step reports it", () => {
    const plain = stepLine(event({ total: 0.2, l1: 0.15, codebook: 0.05 }), 100);
    expect(plain).toBe('step 12/100 | loss 0.2000 (l1 0.1500, codebook 0.0500) | usage adj 50% noun 25% | 40.0 img/s | ETA 1m15s');
    const aligned = stepLine(event({ total: 0.25, l1: 0.15, codebook: 0.05, align: 0.05, alignNoun: 3, alignAdjective: 2 }), 100);
    expect(aligned).toContain('(l1 0.1500, codebook 0.0500, align 0.0500)');
  });

  it("lists a transformer's own parts", () => {
    expect(stepLine({ ...event({ total: 3, noun: 4, adjective: 2 }), usage: undefined }, 10)).toBe('step 12/10 | loss 3.0000 (noun 4.0000, adjective 2.0000) | 40.0 img/s | ETA 1m15s');
  });
});
