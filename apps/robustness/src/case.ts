import type { Rng } from '@vqct/core';

/** Files of one input, by path relative to the case folder. */
export type FileSet = Record<string, Uint8Array>;

/** A byte range of a seed's main file that a mutation can aim at (a header, one tensor's data, ...). */
export interface Region {
  name: string;
  start: number;
  end: number;
}

/** A real file (or folder of files) the project made, to be mutated. */
export interface Seed {
  name: string;
  files: FileSet;
  /** The path (in `files`) the reader is pointed at; a folder when it ends with '/'. */
  main: string;
  /** The file most mutations change (default: `main`). */
  target?: string;
  regions?: Region[];
}

/** One mutated input. */
export interface Mutant {
  seed: string;
  /** What was done, reproducible from the description and the case seed. */
  mutation: string;
  files: FileSet;
  main: string;
}

/** Changes a seed; null when it does not apply to this seed. */
export type Mutator = (seed: Seed, rng: Rng) => Mutant | null;

/** The outcome of one case. */
export type Verdict =
  | { kind: 'rejected'; code: string; message: string }
  | { kind: 'accepted' }
  | { kind: 'failure'; reason: string };

export const enc = new TextEncoder();
export const dec = new TextDecoder();

/** The file a mutation changes. */
export function targetOf(seed: Seed): string {
  return seed.target ?? seed.main;
}

/** A copy of the seed with one file replaced. */
export function withFile(seed: Seed, mutation: string, bytes: Uint8Array, file = targetOf(seed)): Mutant {
  return { seed: seed.name, mutation, files: { ...seed.files, [file]: bytes }, main: seed.main };
}

/** A random element. */
export function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)];
}
