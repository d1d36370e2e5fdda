/**
 * Typing a prompt in the tokenizer's words: completion of the word being
 * typed, and which typed words the vocabulary lacks (before asking the worker).
 */
import type { Vocabulary } from './tokens';

export interface Completion {
  word: string;
  /** 'adjective', 'noun', or both ("white"). */
  part: string;
}

/** The word being typed: the prompt's last run of letters (empty after a space). */
export function typedWord(prompt: string): string {
  return /([a-z0-9'-]*)$/i.exec(prompt)?.[1].toLowerCase() ?? '';
}

/** Up to `limit` vocabulary words starting with the word being typed, shortest first. */
export function completions(prompt: string, vocab: Vocabulary, limit = 8): Completion[] {
  const stem = typedWord(prompt);
  if (stem === '') return [];
  const parts = new Map<string, string[]>();
  vocab.words.forEach((w, i) => {
    if (!w.startsWith(stem)) return;
    parts.set(w, [...(parts.get(w) ?? []), i < vocab.kAdj ? 'adjective' : 'noun']);
  });
  return [...parts.entries()]
    .sort((a, b) => a[0].length - b[0].length || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([word, p]) => ({ word, part: p.join(' + ') }));
}

/** The prompt with the word being typed replaced by `word`, and a space after it. */
export function complete(prompt: string, word: string): string {
  return `${prompt.slice(0, prompt.length - typedWord(prompt).length)}${word} `;
}

/** Typed words the vocabulary does not have (a trailing plural -s is forgiven, as @vqct/transformer's wordIds does). */
export function unknownWords(prompt: string, vocab: Vocabulary): string[] {
  const known = new Set(vocab.words);
  return prompt.toLowerCase().split(/[\s,/]+/).filter((w) => w !== '' && !known.has(w) && !(w.endsWith('s') && known.has(w.slice(0, -1))));
}
