import { resolveOrThrow } from '@vqct/core';
import { z } from 'zod';

/** Vocabulary selection (METHOD.md §1.3). Partial: missing fields take `defaultVocabularyOptions`. */
export interface VocabularyOptions {
  /** Keep a word when its count is greater than this (authors: 10). */
  minCount?: number;
  /** Keep at most this many adjectives, the most frequent (ties: first seen). */
  maxAdjectives?: number | null;
  /** Keep at most this many nouns, the most frequent (ties: first seen). */
  maxNouns?: number | null;
}

export type ResolvedVocabularyOptions = Required<VocabularyOptions>;

export const defaultVocabularyOptions: ResolvedVocabularyOptions = {
  minCount: 10,
  maxAdjectives: null,
  maxNouns: null,
};

const cap = z.number().int().positive().nullable();

export const vocabularyOptionsSchema = z.object({
  minCount: z.number().int().nonnegative(),
  maxAdjectives: cap,
  maxNouns: cap,
}).strict();

/**
 * Fills defaults and validates; throws a ConfigError naming each bad field.
 *
 * @example
 * resolveVocabularyOptions({ minCount: 2 }); // { minCount: 2, maxAdjectives: null, maxNouns: null }
 */
export function resolveVocabularyOptions(options: VocabularyOptions = {}): ResolvedVocabularyOptions {
  const merged = { ...defaultVocabularyOptions, ...stripUndefined(options) };
  return resolveOrThrow(vocabularyOptionsSchema, merged, 'vocabulary options');
}

export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
