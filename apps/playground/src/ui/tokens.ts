/**
 * Pure helpers over a token grid int32 [gridH, gridW, k + 1] (k adjective indices into
 * 0..kAdj-1, then one noun index into 0..kNoun-1): what a patch says, where the pointer
 * is, what an edit changes.
 */
import { positionWords } from '@vqct/vq';

export interface TokenGrid {
  tokens: Int32Array;
  gridH: number;
  gridW: number;
  /** Adjectives per position. */
  k: number;
}

export interface PatchWords {
  patch: number;
  row: number;
  col: number;
  /** Adjective indices (0..kAdj-1). */
  adjectives: number[];
  /** Noun index (0..kNoun-1). */
  noun: number;
}

/** The vocabulary a grid's indices point into: adjectives first, then nouns. */
export interface Vocabulary {
  words: string[];
  kAdj: number;
  kNoun: number;
}

export function checkGrid(grid: TokenGrid): void {
  const want = grid.gridH * grid.gridW * (grid.k + 1);
  if (grid.tokens.length !== want) {
    throw new Error(`token grid ${grid.gridH}x${grid.gridW}x${grid.k + 1} needs ${want} tokens, got ${grid.tokens.length}`);
  }
}

/** The tokens of one position, `patch` counted row-major. */
export function patchWords(grid: TokenGrid, patch: number): PatchWords {
  const n = grid.gridH * grid.gridW;
  if (!Number.isInteger(patch) || patch < 0 || patch >= n) throw new RangeError(`patch ${patch} is outside 0..${n - 1}`);
  const at = patch * (grid.k + 1);
  return {
    patch,
    row: Math.floor(patch / grid.gridW),
    col: patch % grid.gridW,
    adjectives: Array.from(grid.tokens.subarray(at, at + grid.k)),
    noun: grid.tokens[at + grid.k],
  };
}

export function adjectiveWord(vocab: Vocabulary, index: number): string {
  return vocab.words[index] ?? `adj#${index}`;
}

export function nounWord(vocab: Vocabulary, index: number): string {
  return vocab.words[vocab.kAdj + index] ?? `noun#${index}`;
}

/**
 * The label of a patch exactly as @vqct/vq (and so the CLI) writes it: the k adjectives
 * joined by ", ", then " / " and the noun ("yellow, small / bird").
 */
export function patchLabel(vocab: Vocabulary, words: PatchWords): string {
  return positionWords([...words.adjectives, words.noun], vocab);
}

/**
 * Which patch a point falls on, for a grid drawn over a `width` x `height` box; null
 * outside the box.
 */
export function patchAt(grid: Pick<TokenGrid, 'gridH' | 'gridW'>, x: number, y: number, width: number, height: number): number | null {
  if (!(x >= 0 && y >= 0 && x < width && y < height)) return null;
  const col = Math.min(grid.gridW - 1, Math.floor((x / width) * grid.gridW));
  const row = Math.min(grid.gridH - 1, Math.floor((y / height) * grid.gridH));
  return row * grid.gridW + col;
}

/** A copy of the grid's tokens with the noun of `patch` replaced. */
export function withNoun(grid: TokenGrid, patch: number, noun: number, kNoun: number): Int32Array {
  patchWords(grid, patch); // range check
  if (!Number.isInteger(noun) || noun < 0 || noun >= kNoun) throw new RangeError(`noun ${noun} is outside 0..${kNoun - 1}`);
  const out = grid.tokens.slice();
  out[patch * (grid.k + 1) + grid.k] = noun;
  return out;
}

/** Positions whose tokens differ between two grids of the same shape. */
export function changedPatches(a: TokenGrid, b: Int32Array): number[] {
  const out: number[] = [];
  const step = a.k + 1;
  for (let p = 0; p < a.gridH * a.gridW; p++) {
    for (let j = 0; j < step; j++) {
      if (a.tokens[p * step + j] !== b[p * step + j]) {
        out.push(p);
        break;
      }
    }
  }
  return out;
}
