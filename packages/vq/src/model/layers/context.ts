/**
 * What a layer needs to know about the current forward pass: whether it is
 * training, and where dropout gets its seeds (a fresh one per call, so the
 * same step seed reproduces the same masks).
 */
export interface ForwardContext {
  training: boolean;
  /** A new seed for one dropout mask (undefined: unseeded). */
  nextSeed(): number | undefined;
}

/**
 * A context for one forward pass; `seed` makes training dropout reproducible
 * (without one, masks are drawn from tfjs's unseeded generator).
 * @example const ctx = forwardContext(true, step);
 */
export function forwardContext(training: boolean, seed?: number): ForwardContext {
  let counter = 0;
  return {
    training,
    nextSeed: () => (seed === undefined ? undefined : ((seed >>> 0) * 1000003 + ++counter * 7919) % 2147483647),
  };
}
