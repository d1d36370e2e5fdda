import type { Command } from 'commander';
import { registerPriorBuild } from './prior-build';
import { registerPriorInspect } from './prior-inspect';

/** `vqct prior ...`: build and inspect codebook priors. */
export function registerPrior(program: Command): void {
  const prior = program.command('prior').description('build and inspect codebook priors (adjectives, nouns, word vectors, graph)');
  registerPriorBuild(prior);
  registerPriorInspect(prior);
}
