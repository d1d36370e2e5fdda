import nlp from 'compromise/two';

/** One word of a description after tagging. `pos` 'other' covers every word that is neither. */
export interface TaggedToken {
  /** Lower-case surface form (adjectives) or singular lemma (nouns). */
  word: string;
  pos: 'adj' | 'noun' | 'other';
  /** True when punctuation follows the word: an adjective there is not "immediately followed" by the next noun. */
  breakAfter: boolean;
}

interface CompromiseTerm {
  text: string;
  normal?: string;
  post?: string;
  tags: Set<string>;
}

const WORD = /^[a-z][a-z'-]*[a-z]$|^[a-z]$/;
/** Words compromise sometimes tags as nouns or adjectives in captions that are never codebook words. */
const STOP = new Set(['a', 'an', 'the', 'some', 'each', 'other', 'another', 'several', 'many', 'few', 'more', 'most', 'such', 'own', 'same', 'lot', 'lots', 'top', 'front', 'side', 'bit', 'kind', 'sort', 'type', 'couple', 'pair', 'group', 'bunch', 'something', 'someone', 'thing', 'things', 'there', 'here', 'way', 'near', 'next', 'left', 'right', 'background', 'foreground', 'middle', 'picture', 'image', 'photo']);
/** Plural endings whose final "s" is part of the singular (bus, glass, cactus, lens, ...). */
const KEEP_S = /(ss|us|is|ous|ics|ws|ys|lens|news|species|series|herpes|canvas|atlas|gas)$/;

/** The parts of compromise's untyped internals this file uses. */
interface CompromiseInternals {
  methods(): { two: { transform: { noun: { toSingular(word: string, model: object): string } } } };
  model(): { one: { lexicon: Record<string, string | undefined> } };
}
const internals = nlp as unknown as CompromiseInternals;

function toSingular(word: string): string {
  const singular = internals.methods().two.transform.noun.toSingular(word, internals.model());
  return typeof singular === 'string' && singular.length > 0 ? singular : word;
}

function normalOf(term: CompromiseTerm): string {
  let w = (term.normal ?? term.text).toLowerCase();
  w = w.replace(/[’`]/g, "'").replace(/'s$|s'$/, (m) => (m === "s'" ? 's' : ''));
  return w.replace(/^[^a-z]+|[^a-z]+$/g, '');
}

/** Irregular plurals worth singularizing; compromise also marks "specimen" or "abdomen" plural, which are not. */
const IRREGULAR = new Set(['men', 'women', 'children', 'people', 'feet', 'teeth', 'geese', 'mice', 'oxen', 'lice', 'firemen', 'policemen', 'fishermen', 'businessmen', 'sportsmen', 'horsemen', 'gentlemen']);

function isPlural(term: CompromiseTerm, word: string): boolean {
  if (IRREGULAR.has(word)) return true;
  if (!word.endsWith('s') || KEEP_S.test(word)) return false;
  if (term.tags.has('Plural')) return true;
  // compromise leaves some plurals untagged ("giraffes", "zebras"): an -s noun whose singular form differs.
  if (term.tags.has('Uncountable') || term.tags.has('ProperNoun')) return false;
  return word.length > 3;
}

function classify(terms: CompromiseTerm[], i: number, word: string): TaggedToken['pos'] {
  const t = terms[i];
  const tags = t.tags;
  if (!WORD.test(word) || STOP.has(word)) return 'other';
  if (tags.has('Pronoun') || tags.has('Value') || tags.has('Determiner') || tags.has('Preposition')) return 'other';
  const next = terms[i + 1];
  const nextIsNoun = next != null && next.tags.has('Noun') && !/[^\s]/.test(t.post ?? '');
  if (tags.has('Noun')) {
    // compromise tags a gerund after a noun as a noun ("a man riding a wave", "a girl
    // eating pizza"): an -ing word right after its subject is a verb here.
    if (word.endsWith('ing') && (tags.has('Gerund') || isVerbContext(terms, i))) return 'other';
    // ... and some adjectives before a noun as nouns ("a snowy mountain"): trust the
    // word's own lexicon tag when it is an adjective and not a noun on its own.
    if (nextIsNoun && !tags.has('ProperNoun') && aloneIsAdjective(word)) return 'adj';
    return 'noun';
  }
  if (tags.has('Adjective')) return 'adj';
  // Participles used as adjectives before a noun ("toasted bread", "parked cars").
  if (nextIsNoun && word.endsWith('ed') && tags.has('Verb') && startsNounPhrase(terms[i - 1])) return 'adj';
  return 'other';
}

const alone = new Map<string, boolean>();
function aloneIsAdjective(word: string): boolean {
  let v = alone.get(word);
  if (v == null) {
    const term = (nlp(word) as unknown as { docs: CompromiseTerm[][] }).docs[0]?.[0];
    v = (term != null && term.tags.has('Adjective') && !term.tags.has('Noun')) || isDenominalY(word);
    if (alone.size < 100_000) alone.set(word, v);
  }
  return v;
}

/** "snowy", "muddy": an -y word unknown to the lexicon, built on a known noun. */
function isDenominalY(word: string): boolean {
  if (!/[a-z]{3,}y$/.test(word)) return false;
  const lexicon = internals.model().one.lexicon;
  if (lexicon[word] != null) return false;
  const stem = word.slice(0, -1);
  const stems = [stem, stem.replace(/([b-df-hj-np-tv-z])\1$/, '$1'), `${stem}e`];
  return stems.some((w) => {
    const tag = lexicon[w];
    return tag === 'Singular' || tag === 'Uncountable' || tag === 'Noun' || (tag == null && w.length >= 3 && nounAlone(w));
  });
}

function nounAlone(word: string): boolean {
  const term = (nlp(word) as unknown as { docs: CompromiseTerm[][] }).docs[0]?.[0];
  return term != null && term.tags.has('Noun') && !term.tags.has('Adjective');
}

function startsNounPhrase(prev: CompromiseTerm | undefined): boolean {
  if (prev == null) return true;
  if (/[^\s]/.test(prev.post ?? '')) return true;
  const tags = prev.tags;
  return tags.has('Determiner') || tags.has('Adjective') || tags.has('Conjunction') || tags.has('Preposition') || tags.has('Value') || tags.has('Possessive');
}

function isVerbContext(terms: CompromiseTerm[], i: number): boolean {
  const next = terms[i + 1];
  const prev = terms[i - 1];
  if (next == null || prev == null) return false;
  const nextIsArg = next.tags.has('Determiner') || next.tags.has('Preposition') || next.tags.has('Adverb') || next.tags.has('Possessive') || next.tags.has('Pronoun');
  const prevIsSubject = (prev.tags.has('Noun') && !prev.tags.has('Determiner')) || prev.tags.has('Pronoun') || prev.tags.has('Copula');
  const nextIsObject = next.tags.has('Noun') && !/[^\s]/.test(terms[i].post ?? '');
  return prevIsSubject && (nextIsArg || nextIsObject);
}

/**
 * Tags one description: lower-cased adjectives as written, nouns (common and
 * proper, never pronouns) as singular lemmas (METHOD.md §1.1–1.2), with the
 * corrections compromise needs on caption text (gerunds tagged as nouns,
 * plurals it leaves plural, numbers, determiners).
 *
 * @example
 * tagDescription('Two small dogs running on the beach.')
 * // [{word:'two',pos:'other'}, {word:'small',pos:'adj'}, {word:'dog',pos:'noun'}, ...]
 */
export function tagDescription(text: string): TaggedToken[] {
  const out: TaggedToken[] = [];
  const doc = nlp(text) as unknown as { docs: CompromiseTerm[][] };
  for (const sentence of doc.docs) {
    for (let i = 0; i < sentence.length; i++) {
      const term = sentence[i];
      const word = normalOf(term);
      let pos = classify(sentence, i, word);
      let lemma = word;
      if (pos === 'noun' && isPlural(term, word)) lemma = toSingular(word);
      if (pos === 'noun' && !WORD.test(lemma)) pos = 'other';
      const post = term.post ?? '';
      const breakAfter = /[^\s]/.test(post) || i === sentence.length - 1;
      out.push({ word: pos === 'noun' ? lemma : word, pos, breakAfter });
    }
  }
  return out;
}
