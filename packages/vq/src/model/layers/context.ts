/**
 * What a layer needs to know about the current forward pass: whether it is
 * training, and where dropout gets its seeds (a fresh one per call, so the
 * same step seed reproduces the same masks).
 */
export interface ForwardContext {
  training: boolean;
  /** A new seed for one dropout mask. */
  nextSeed(): number;
}

/** A context for one forward pass; `seed` makes training dropout reproducible. */
export function forwardContext(training: boolean, seed = 0): ForwardContext {
  let counter = 0;
  return {
    training,
    nextSeed: () => ((seed >>> 0) * 1000003 + ++counter * 7919) % 2147483647,
  };
}
