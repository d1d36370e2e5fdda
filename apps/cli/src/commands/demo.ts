import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { IoError } from '@vqct/core';
import type { Command } from 'commander';
import { loadPrior } from '@vqct/prior/node';
import { createOutput, type GlobalOptions } from '../output';
import { showPretrained } from '../demo/show-pretrained';
import { demoTrainAndShow } from '../demo/train-and-show';
import { intOption, numberOption } from './parse';
import { reportLines, runPriorBuild } from './prior-build';
import { graphNeighbours, nearestLabelled } from './prior-inspect';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** The summary lines of the shipped model's showing. */
function shippedLines(s: Awaited<ReturnType<typeof showPretrained>>): string[] {
  return [
    `shipped ${s.model}${s.version != null ? ` ${s.version}` : ''} (${s.steps.toLocaleString('en-US')} training steps) on ${s.heldOut.images} held-out images of ${s.heldOut.emoji} emoji: PSNR ${s.heldOut.psnr.toFixed(2)} dB, SSIM ${s.heldOut.ssim.toFixed(3)}, codes used: adjectives ${pct(s.heldOut.usage.adjective)}, nouns ${pct(s.heldOut.usage.noun)}`,
    `  "${s.example.caption}" becomes (most frequent nouns): ${s.example.topNouns.map((n) => `${n.word} (${n.count})`).join(', ')}; files ${s.files.reconstructions}, ${s.files.tokenMap}`,
    ...(s.heldOut.nounRecallAt5 != null
      ? [`  words that match the caption: a caption noun among an emoji's 5 most frequent nouns for ${pct(s.heldOut.nounRecallAt5.recall)} of ${s.heldOut.nounRecallAt5.images} emoji (chance ${pct(s.heldOut.nounRecallAt5.chance)}, the same 5 common words for every emoji ${pct(s.heldOut.nounRecallAt5.frequent)}; docs/RESULTS.md, "Words that are right")`]
      : []),
  ];
}

/** Words the demo shows neighbours for, when the prior has them. */
const SHOWCASE = ['red', 'wooden', 'bird', 'dog'];

/**
 * `vqct demo`: the main job on embedded data. First the shipped emoji-32
 * model on held-out emoji (seconds). Step 1: build the default prior into
 * ./vqct-demo/prior.safetensors. Step 2: train the tiny preset on
 * fashion-mnist on the best backend for a few minutes (./vqct-demo/run).
 * Step 3: reconstructions, a token word map, loss and usage plots, a summary.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the whole pipeline on embedded data into ./vqct-demo: default prior, a few minutes of training, words per patch, plots')
    .option('--dir <dir>', 'where to write the results', 'vqct-demo')
    .option('--minutes <m>', 'training budget in minutes', numberOption('--minutes'), 4)
    .option('--steps <n>', 'train exactly n steps instead of for --minutes', intOption('--steps'))
    .option('--limit <n>', 'fashion-mnist images to train on', intOption('--limit'), 2000)
    .option('--batch-size <n>', 'images per step', intOption('--batch-size'))
    .option('--no-pretrained', 'skip showing the shipped emoji-32 model first')
    .addHelpText('after', `
Examples:
  vqct demo                       # about 6-8 minutes on 2 cores
  vqct demo --steps 20 --dir /tmp/quick-demo
Writes prior.safetensors, run/ (checkpoints, samples, metrics, plots), reconstructions.png,
token-map.png, loss.png and usage.png into --dir, after emoji-reconstructions.png and
emoji-token-map.png of the shipped emoji-32 model on held-out emoji.`)
    .action(async (opts: { dir: string; minutes: number; steps?: number; limit: number; batchSize?: number; pretrained: boolean }, cmd: Command) => {
      const started = Date.now();
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      try {
        mkdirSync(opts.dir, { recursive: true });
      } catch (e) {
        throw new IoError(`cannot create the demo folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: opts.dir, cause: e });
      }
      let shipped: Awaited<ReturnType<typeof showPretrained>> | null = null;
      if (opts.pretrained) {
        const { useNodeBackend } = await import('@vqct/backend-node');
        await useNodeBackend();
        out.log('demo: the shipped emoji-32 tokenizer (@vqct/models) on emoji it never saw in training');
        shipped = await showPretrained({ dir: opts.dir }, out);
        for (const line of shippedLines(shipped)) out.log(line);
      }
      const output = join(opts.dir, 'prior.safetensors');
      out.log(`demo step 1/3: building the default prior (WordNet glosses + wink GloVe vectors) into ${output}`);
      const { report, digest, dim } = await runPriorBuild({ output }, out);
      const prior = loadPrior(output);
      const showcase = SHOWCASE.map((w) => ({ w, i: prior.words.indexOf(w) })).filter((x) => x.i >= 0).map(({ w, i }) => ({
        word: w,
        pos: i < prior.kAdj ? 'adjective' : 'noun',
        nearest: nearestLabelled(prior, i, 5),
        neighbours: graphNeighbours(prior, i, 5).map((x) => x.word),
      }));
      out.log(`demo step 2/3: training the tiny preset on fashion-mnist ${opts.steps != null ? `for ${opts.steps} steps` : `for ${opts.minutes} minutes`}`);
      const shown = await demoTrainAndShow({ dir: opts.dir, prior: output, minutes: opts.minutes, steps: opts.steps, limit: opts.limit, batchSize: opts.batchSize }, out);
      const t = shown.train;
      const seconds = (Date.now() - started) / 1000;
      out.result({ shipped, prior: { output, digest, dim, ...report }, showcase, train: t, eval: shown.eval ?? null, tokenMap: shown.tokenMap ?? null, files: shown.files ?? null, seconds }, () => [
        ...reportLines(output, report, dim),
        ...showcase.map((s) => `  ${s.word} (${s.pos}): nearest ${s.nearest.join(', ')}; described with ${s.neighbours.join(', ') || '(none)'}`),
        `trained ${t.step} steps in ${(t.seconds).toFixed(0)} s on ${t.backend} (${t.stepsPerSecond.toFixed(2)} steps/s, ${t.imagesPerSecond.toFixed(1)} img/s): loss ${t.loss.first.total?.toFixed(4)} -> ${t.loss.last.total?.toFixed(4)}, l1 ${t.loss.first.l1?.toFixed(4)} -> ${t.loss.last.l1?.toFixed(4)}`,
        ...(shown.eval != null ? [
          `evaluation on ${shown.eval.images} images: PSNR ${shown.eval.psnr.toFixed(2)} dB, SSIM ${shown.eval.ssim.toFixed(3)}, codes used: adjectives ${pct(shown.eval.usage.adjective)}, nouns ${pct(shown.eval.usage.noun)}`,
          `a bag becomes (most frequent nouns): ${shown.tokenMap.topNouns.map((n) => `${n.word} (${n.count})`).join(', ')}; top-left patch "${shown.tokenMap.words[0][0]}"`,
          `files: ${shown.files.reconstructions}, ${shown.files.tokenMap}, ${shown.files.lossPlot}, ${shown.files.usagePlot}, ${shown.files.run}/`,
        ] : [`interrupted: continue with vqct train --out ${t.runDir} --resume`]),
        `demo finished in ${(seconds / 60).toFixed(1)} minutes; next: vqct tokens your-image.png --checkpoint ${t.runDir}`,
      ].concat(shipped != null ? shippedLines(shipped) : []));
      if (t.stopped === 'interrupted') process.exit(130);
    });
}
