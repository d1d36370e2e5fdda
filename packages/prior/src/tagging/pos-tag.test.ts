import { describe, expect, it } from 'vitest';
import { tagDescription } from './pos-tag';

const pick = (text: string, pos: 'adj' | 'noun'): string[] => tagDescription(text).filter((t) => t.pos === pos).map((t) => t.word);

describe('tagDescription on real captions', () => {
  it('finds adjectives as written and nouns as singular lemmas, lower-cased', () => {
    expect(pick('Leaves of the small yellow flowers.', 'adj')).toEqual(['small', 'yellow']);
    expect(pick('Leaves of the small yellow flowers.', 'noun')).toEqual(['leaf', 'flower']);
    expect(pick('A red double decker bus driving down a busy street.', 'noun')).toEqual(['decker', 'bus', 'street']);
  });

  it('keeps pronouns, numbers and determiners out', () => {
    const t = tagDescription('He is sitting on a wooden bench with two of them.');
    expect(t.filter((x) => x.pos !== 'other').map((x) => x.word)).toEqual(['wooden', 'bench']);
  });

  it('corrects gerunds compromise tags as nouns', () => {
    expect(pick('A little girl eating pizza with her mother.', 'noun')).toEqual(['girl', 'pizza', 'mother']);
    expect(pick('He is sitting on a wooden bench reading newspapers.', 'noun')).toEqual(['bench', 'newspaper']);
  });

  it('singularizes plurals compromise leaves plural', () => {
    expect(pick('Three giraffes and two zebras standing near tall trees.', 'noun')).toEqual(['giraffe', 'zebra', 'tree']);
    expect(pick("The cat's whiskers are white.", 'noun')).toEqual(['cat', 'whisker']);
    expect(pick('A glass bus parked by the grass.', 'noun')).toContain('bus');
  });

  it('corrects adjectives and participles tagged as nouns or verbs before a noun', () => {
    expect(pick('Several skiers skiing down a snowy mountain.', 'adj')).toEqual(['snowy']);
    expect(pick('a plate of fried eggs, sausages and toasted bread', 'adj')).toEqual(['fried', 'toasted']);
  });

  it('marks punctuation as a break between words', () => {
    const t = tagDescription('a red, shiny car');
    expect(t.find((x) => x.word === 'red')?.breakAfter).toBe(true);
    expect(t.find((x) => x.word === 'shiny')?.breakAfter).toBe(false);
  });
});
