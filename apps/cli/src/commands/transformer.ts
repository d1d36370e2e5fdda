import { Command, Option } from 'commander';
import { createOutput, type GlobalOptions } from '../output';
import { runTransformerTraining, type TransformerTrainResult } from '../transformer/run-transformer-training';
import type { TransformerTrainFlags } from '../transformer/settings';
import type { FaithfulnessAtScale } from '../transformer/class-faithfulness';
import type { LoadedTransformer } from '../transformer/load-transformer';
import { fractionOption, intOption, nonNegativeListOption, nonNegativeOption, numberOption, probabilityOption, rateOption } from './parse';

function summary(r: TransformerTrainResult): string[] {
  const h = r.heldOut;
  return [
    `${r.stopped === 'completed' ? 'trained' : r.stopped === 'interrupted' ? 'interrupted' : 'time limit reached'}: step ${r.startStep} -> ${r.step} of ${r.targetSteps} in ${r.seconds.toFixed(1)} s (${r.sequencesPerSecond.toFixed(1)} sequences/s, backend ${r.backend}, ${r.parameters.toLocaleString('en-US')} parameters)`,
    `  loss ${r.loss.first.toFixed(4)} -> ${r.loss.last.toFixed(4)} nats/token (means of the first and last steps, up to 10 each)`,
    `  held-out (${h.sequences} images): ${h.bitsPerToken.toFixed(3)} bits/token (noun ${h.noun.toFixed(3)}, adjective ${h.adjective.toFixed(3)}); unigram baseline ${h.unigram.bitsPerToken.toFixed(3)} (noun ${h.unigram.noun.toFixed(3)}, adjective ${h.unigram.adjective.toFixed(3)})`,
    ...(h.unconditioned != null ? [`  the same model without its condition (trained by --cond-dropout): ${h.unconditioned.bitsPerToken.toFixed(3)} bits/token`] : []),
    `  run folder ${r.runDir}: checkpoints/, metrics.jsonl, eval.json, plots/`,
    r.stopped === 'completed' ? `next: vqct sample -c ${r.runDir} -n 16 -o grid.png` : `continue: vqct transformer train --out ${r.runDir} --resume`,
  ];
}

/** `vqct transformer train`: stage 2, a transformer over a tokenizer's tokens. */
export function registerTransformer(program: Command): void {
  const t = program.command('transformer').description('stage 2: a transformer over a trained tokenizer\'s tokens (then `vqct sample`, `vqct edit`)');
  t.command('train')
    .description('encode labeled images with a tokenizer and train a transformer on their token sequences')
    .option('--tokenizer <path>', 'the tokenizer: a `vqct train` run folder or checkpoint (required unless --resume)')
    .option('--data <source>', 'fashion-mnist | mnist (labeled: class, or words from the class captions) | emoji[:google|:twitter] (captioned: words from each emoji\'s name, held out by emoji)', 'fashion-mnist')
    .addOption(new Option('--condition <kind>', 'none | class | words (the class captions, in the prior\'s words)').choices(['none', 'class', 'words']).default('class'))
    .option('--per-class <n>', 'training images per class', intOption('--per-class'), 200)
    .option('--held-out <n>', 'held-out images per class (the ones after the training images)', intOption('--held-out'), 50)
    .option('--images <n>', 'emoji: training images, spread over the train split (default all; held out: the whole held-out split)', intOption('--images'))
    .option('--augment <list>', 'also train on variants of each training image, as vqct train: a comma-separated subset of flip, shift[:N], channels (held-out images stay as they are); default none')
    .option('--layers <n>', 'transformer blocks', intOption('--layers'), 4)
    .option('--heads <n>', 'attention heads', intOption('--heads'), 4)
    .option('--embedding <n>', 'embedding size', intOption('--embedding'), 128)
    .option('--dropout <p>', 'embedding, residual and attention dropout', fractionOption('--dropout'), 0.1)
    .option('--cond-dropout <p>', 'train this share of sequences without their condition, so that sampling can use --guidance (classifier-free guidance; 0.1 is usual)', rateOption('--cond-dropout'), 0)
    .option('--steps <n>', 'train until this step (with --resume: a new, larger target)', intOption('--steps'))
    .option('--batch-size <n>', 'sequences per step', intOption('--batch-size'), 16)
    .option('--lr <rate>', 'Adam learning rate', numberOption('--lr'), 3e-4)
    .option('--seed <n>', 'seed of the init, data order and dropout', intOption('--seed'), 0)
    .option('--checkpoint-every <n>', 'checkpoint every n steps (0: only at the end)', intOption('--checkpoint-every'), 100)
    .option('--max-minutes <m>', 'stop (with a checkpoint) after m minutes', numberOption('--max-minutes'))
    .requiredOption('-o, --out <dir>', 'the run folder (must be new unless --resume)')
    .option('--resume', 'continue the run in --out from its last checkpoint')
    .addHelpText('after', `
Examples:
  vqct transformer train --tokenizer runs/fm --condition class --steps 2000 --out runs/fm-gpt
  vqct transformer train --tokenizer runs/fm --condition words --out runs/fm-words
  vqct transformer train --tokenizer emoji-32 --data emoji --condition words --out runs/emoji-words
  vqct transformer train --out runs/fm-gpt --resume --steps 4000
Ctrl-C stops after the current step and saves a checkpoint (exit code 130); --resume continues it exactly.`)
    .action(async (opts: TransformerTrainFlags, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      const r = await runTransformerTraining(opts, out);
      out.result(r, () => summary(r));
      if (r.stopped === 'interrupted') process.exitCode = 130;
    });
  registerTransformerEval(t);
}

/** `vqct transformer eval`: class faithfulness of a class-conditioned transformer, and a sample grid per class. */
export function registerTransformerEval(t: Command): void {
  t.command('eval')
    .description('class faithfulness: a small CNN trained on real images classifies decoded class-conditioned samples')
    .requiredOption('-c, --checkpoint <path>', 'a class-conditioned `vqct transformer train` run or checkpoint')
    .option('--tokenizer <path>', 'the tokenizer, when it moved')
    .option('--samples-per-class <n>', 'samples drawn per class', intOption('--samples-per-class'), 10)
    .option('--classifier-per-class <n>', 'real training images per class for the classifier', intOption('--classifier-per-class'), 500)
    .option('--classifier-steps <n>', 'classifier training steps (batch 64)', intOption('--classifier-steps'), 600)
    .option('--temperature <t>', 'sampling temperature', nonNegativeOption('--temperature'), 1)
    .option('--top-k <k>', 'top-k (0: all)', intOption('--top-k'), 0)
    .option('--top-p <p>', 'top-p (1: all)', probabilityOption('--top-p'), 1)
    .option('--seed <n>', 'sampling seed (class c uses seed + c)', intOption('--seed'), 0)
    .option('--guidance <list>', 'classifier-free guidance scales, comma-separated: the same samples are drawn and classified at each (1: plain; others need --cond-dropout in training)', nonNegativeListOption('--guidance'), [1])
    .option('--grid <file.png>', 'write the samples as a grid, one row per class (with several scales: one file per scale, -g<scale> before .png)')
    .action(async (opts: EvalFlags, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      const { useNodeBackend } = await import('@vqct/backend-node');
      out.log((await useNodeBackend()).line);
      const { loadTransformer } = await import('../transformer/load-transformer');
      const { classFaithfulness } = await import('../transformer/class-faithfulness');
      const { checkGuidance } = await import('../transformer/condition-flags');
      const t = loadTransformer(opts.checkpoint, { tokenizer: opts.tokenizer });
      try {
        for (const g of opts.guidance) checkGuidance(t, g);
        const from = t.settings.data.perClass + t.settings.data.heldOutPerClass;
        const r = await classFaithfulness(t, { ...opts, testPerClass: 100, from }, out);
        const grids = await writeGrids(t, r.scales, opts.grid);
        const scales = r.scales.map(({ pixels: _pixels, ...scale }, i) => ({ ...scale, grid: grids[i] }));
        out.result({ checkpoint: t.sidecarFile, step: t.step, classifier: r.classifier, scales }, () => [
          `classifier: held-out accuracy ${(100 * r.classifier.accuracy).toFixed(1)}% on ${r.classifier.testImages} real images, ${(100 * r.classifier.reconstructionAccuracy).toFixed(1)}% on their tokenizer reconstructions; their diversity ${r.classifier.realDiversity.toFixed(3)}`,
          ...r.scales.flatMap((s) => faithfulnessTable(s)),
        ]);
      } finally {
        t.dispose();
      }
    });
}

interface EvalFlags { checkpoint: string; tokenizer?: string; samplesPerClass: number; classifierPerClass: number; classifierSteps: number; temperature: number; topK: number; topP: number; seed: number; guidance: number[]; grid?: string }

function faithfulnessTable(s: FaithfulnessAtScale): string[] {
  return [
    `guidance ${s.guidance}: ${(100 * s.samples.faithful).toFixed(1)}% of ${s.samples.total} samples classified as the class asked for (chance 10%); diversity ${s.samples.diversity.toFixed(3)} (mean RMS distance between two samples of a class)`,
    '| class | faithful | predicted (counts per class 0-9) | diversity |',
    '|---|---|---|---|',
    ...s.perClass.map((c) => `| ${c.label} ${c.name} | ${(100 * c.faithful).toFixed(0)}% | ${c.predicted.join(' ')} | ${c.diversity.toFixed(3)} |`),
  ];
}

/** One grid PNG per scale (the name as given for a single scale); the paths, or nulls without --grid. */
async function writeGrids(t: LoadedTransformer, scales: FaithfulnessAtScale[], grid: string | undefined): Promise<Array<string | null>> {
  if (grid == null) return scales.map(() => null);
  const { gridImage } = await import('../transformer/grid-image');
  const { writePng } = await import('../io/images');
  const s = t.tokenizer.imageSize;
  const files: string[] = [];
  for (const scale of scales) {
    const file = scales.length === 1 ? grid : grid.replace(/(\.png)?$/i, `-g${scale.guidance}.png`);
    await writePng(file, gridImage(scale.pixels, scale.samples.total, s, s, t.tokenizer.channels, scale.samples.perClass), 2);
    files.push(file);
  }
  return files;
}
