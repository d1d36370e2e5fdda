import type { Rng } from '@vqct/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { Mutant, Mutator, Seed } from '../case';
import type { SeedFiles } from '../seeds';

/** What every target may use: the seed files and the run's variables (to restore checkpoints into). */
export interface FuzzContext {
  seeds: SeedFiles;
  /** Variables shaped like the seed run's (names, shapes, dtypes of its checkpoint). */
  variables: Record<string, tf.Variable>;
  /** The seed run's model config and prior digest, as a resuming run expects them. */
  modelConfig: unknown;
  priorDigest: string | null;
}

/** A CLI command to run on a case, and the output file it must not leave half-written. */
export interface CliCall {
  args: string[];
  output?: string;
}

/** One reader under test. */
export interface Target {
  /** The row name in docs/robustness.md. */
  name: string;
  /** The library call(s) it exercises. */
  reader: string;
  seeds(ctx: FuzzContext): Seed[];
  mutators: Mutator[];
  /** Fixes up a mutant (a checkpoint's sidecar re-signed for mutated weights, ...). */
  finish?(mutant: Mutant, rng: Rng, ctx: FuzzContext): Mutant;
  /** Runs the reader on the case folder: resolves when the file is accepted, throws otherwise. */
  run(dir: string, main: string, ctx: FuzzContext): Promise<void>;
  /** The CLI command that reads the same file (cwd: the case folder), or null where none applies. */
  cli?(dir: string, main: string, ctx: FuzzContext): CliCall | null;
}
