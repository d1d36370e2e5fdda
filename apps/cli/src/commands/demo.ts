import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { IoError } from '@vqct/core';
import type { Command } from 'commander';
import { loadPrior } from '@vqct/prior/node';
import { createOutput, type GlobalOptions } from '../output';
import { reportLines, runPriorBuild } from './prior-build';
import { graphNeighbours, nearestWords } from './prior-inspect';

/** Words the demo shows neighbours for, when the prior has them. */
const SHOWCASE = ['red', 'wooden', 'bird', 'dog'];

/**
 * `vqct demo`: the main job on embedded data. Step 1 (here): build the
 * default prior into ./vqct-demo/prior.safetensors. Training on the embedded
 * images is added as the next step by the training work.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the whole pipeline on embedded data into ./vqct-demo (step 1: the default prior)')
    .option('--dir <dir>', 'where to write the results', 'vqct-demo')
    .action(async (opts: { dir: string }, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      try {
        mkdirSync(opts.dir, { recursive: true });
      } catch (e) {
        throw new IoError(`cannot create the demo folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: opts.dir, cause: e });
      }
      const output = join(opts.dir, 'prior.safetensors');
      out.log(`demo step 1/1: building the default prior (WordNet glosses + wink GloVe vectors) into ${output}`);
      const { report, digest, dim } = await runPriorBuild({ output }, out);
      const prior = loadPrior(output);
      const showcase = SHOWCASE.map((w) => ({ w, i: prior.words.indexOf(w) })).filter((x) => x.i >= 0).map(({ w, i }) => ({
        word: w,
        nearest: nearestWords(prior, i, 5).map((x) => x.word),
        neighbours: graphNeighbours(prior, i, 5).map((x) => x.word),
      }));
      out.result({ prior: { output, digest, dim, ...report }, showcase }, () => [
        ...reportLines(output, report, dim),
        ...showcase.map((s) => `  ${s.word}: nearest ${s.nearest.join(', ')}; described with ${s.neighbours.join(', ') || '(none)'}`),
        `next: vqct prior inspect ${output} --word red`,
      ]);
    });
}
