import { seededBenchmarkPrior, type Prior } from '@vqct/prior';

/** BENCH.md's seeded graph prior (see @vqct/prior's seededBenchmarkPrior), positional form for tests. */
export function seededPrior(kAdj: number, kNoun: number, dim: number, seed: number): Prior {
  return seededBenchmarkPrior({ kAdj, kNoun, dim, seed });
}
