import { ShapeError } from '@vqct/core';

/** How often each code of one half occurs in one image's tokens (code -> count). */
export interface ImageCodeCounts {
  adjective: Map<number, number>;
  noun: Map<number, number>;
}

/**
 * Counts one image's codes per half. Tokens are positions x `perPosition`
 * values: k adjective ids in [0, kAdj), then the noun id in [0, kNoun).
 * A token outside its half, or a length that is not whole positions, is a ShapeError.
 *
 * @example
 * imageCodeCounts([3, 5, 7, 3, 4, 7], 3, 64, 128); // adjective {3: 2, 5: 1, 4: 1}, noun {7: 2}
 */
export function imageCodeCounts(tokens: ArrayLike<number>, perPosition: number, kAdj: number, kNoun: number): ImageCodeCounts {
  if (tokens.length % perPosition !== 0) throw new ShapeError(`one image's tokens (${tokens.length} values) are not a whole number of positions of ${perPosition}`);
  const adjective = new Map<number, number>();
  const noun = new Map<number, number>();
  const bump = (m: Map<number, number>, id: number, k: number, half: string): void => {
    if (!(id >= 0 && id < k)) throw new ShapeError(`${half} token ${id} is outside [0, ${k})`);
    m.set(id, (m.get(id) ?? 0) + 1);
  };
  for (let i = 0; i < tokens.length; i += perPosition) {
    for (let j = 0; j < perPosition - 1; j++) bump(adjective, tokens[i + j], kAdj, 'adjective');
    bump(noun, tokens[i + perPosition - 1], kNoun, 'noun');
  }
  return { adjective, noun };
}
