import { Command, Option } from 'commander';
import { createOutput, type GlobalOptions } from '../output';
import { runTransformerTraining, type TransformerTrainResult } from '../transformer/run-transformer-training';
import type { TransformerTrainFlags } from '../transformer/settings';
import { intOption } from './parse';
import { numberOption } from './train';

function summary(r: TransformerTrainResult): string[] {
  const h = r.heldOut;
  return [
    `${r.stopped === 'completed' ? 'trained' : r.stopped === 'interrupted' ? 'interrupted' : 'time limit reached'}: step ${r.startStep} -> ${r.step} of ${r.targetSteps} in ${r.seconds.toFixed(1)} s (${r.sequencesPerSecond.toFixed(1)} sequences/s, backend ${r.backend}, ${r.parameters.toLocaleString('en-US')} parameters)`,
    `  loss ${r.loss.first.toFixed(4)} -> ${r.loss.last.toFixed(4)} nats/token (means of the first and last steps, up to 10 each)`,
    `  held-out (${h.sequences} images): ${h.bitsPerToken.toFixed(3)} bits/token (noun ${h.noun.toFixed(3)}, adjective ${h.adjective.toFixed(3)}); unigram baseline ${h.unigram.bitsPerToken.toFixed(3)} (noun ${h.unigram.noun.toFixed(3)}, adjective ${h.unigram.adjective.toFixed(3)})`,
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
    .option('--data <source>', 'fashion-mnist | mnist (labeled: the class and words conditions need labels)', 'fashion-mnist')
    .addOption(new Option('--condition <kind>', 'none | class | words (the class captions, in the prior\'s words)').choices(['none', 'class', 'words']).default('class'))
    .option('--per-class <n>', 'training images per class', intOption('--per-class'), 200)
    .option('--held-out <n>', 'held-out images per class (the ones after the training images)', intOption('--held-out'), 50)
    .option('--layers <n>', 'transformer blocks', intOption('--layers'), 4)
    .option('--heads <n>', 'attention heads', intOption('--heads'), 4)
    .option('--embedding <n>', 'embedding size', intOption('--embedding'), 128)
    .option('--dropout <p>', 'embedding, residual and attention dropout', (v) => Number(v), 0.1)
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
  vqct transformer train --out runs/fm-gpt --resume --steps 4000
Ctrl-C stops after the current step and saves a checkpoint (exit code 130); --resume continues it exactly.`)
    .action(async (opts: TransformerTrainFlags, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      const r = await runTransformerTraining(opts, out);
      out.result(r, () => summary(r));
      if (r.stopped === 'interrupted') process.exitCode = 130;
    });
}
