import { describe, expect, it } from 'vitest';
import { defaultCorpus, glossDescriptions } from './default-corpus';

describe('default corpus (WordNet glosses)', () => {
  it('splits a gloss into its definition and examples', () => {
    expect(glossDescriptions('(botany) a small green plant with broad leaves; "the garden was full of ferns"; x'))
      .toEqual(['a small green plant with broad leaves', 'the garden was full of ferns']);
  });

  it('reads real glosses of the chosen lexicographer files', async () => {
    const c = defaultCorpus({ lexFiles: { adj: [], noun: [25] } }); // noun.shape: ~340 synsets
    const texts: string[] = [];
    for await (const d of c.descriptions()) texts.push(d.text);
    expect(texts.length).toBeGreaterThan(300);
    expect(texts.some((t) => /\b(circle|curve|angle|line)\b/.test(t))).toBe(true);
    expect(c.digest()).toMatch(/^[0-9a-f]{64}$/);
  });
});
