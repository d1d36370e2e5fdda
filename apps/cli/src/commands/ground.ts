import type { Command } from 'commander';
import { ConfigError } from '@vqct/core';
import { captionLexicon, groundWords } from '@vqct/vq';
import { captionedBatches, datasetCaptions } from '../captioned-batches';
import { emojiSplitSource, openDataset, parseEmojiSource } from '../data';
import { groundedCheckpoint } from '../ground/grounded-checkpoint';
import type { GroundingRecord } from '../ground/grounding-record';
import { fitGroundedNet } from '../ground/grounded-net';
import { compareLines, heldOutFigures } from '../ground/held-out-report';
import { scoreWords } from '../ground/word-scores';
import { loadForInference } from '../checkpoint';
import { checkpointLabel } from '../checkpoint-label';
import { checkCheckpointFolderFree, writeCheckpointFolder } from '../io/checkpoint-folder';
import { createOutput, type GlobalOptions } from '../output';
import { createProgress } from '../progress';
import { UsageError } from '../errors';
import { intOption, numberOption } from './parse';
import { openCheckpoint, withCheckpointOptions, type InferenceFlags } from './inference-options';

interface GroundFlags extends InferenceFlags {
  output: string;
  data: string;
  limit?: number;
  top: number;
  hidden: number;
  steps: number;
  lr: number;
  seed: number;
  batchSize: number;
  report: boolean;
  force?: boolean;
}

/** The held-out split of `--data` for the report: emoji sources that name no split; null otherwise. */
function heldOutSource(data: string): string | null {
  return parseEmojiSource(data)?.split == null ? emojiSplitSource(data, 'heldout') : null;
}

/** `vqct ground`: caption words -> the codes their images use, by re-fitting the transfer net (issue 17). */
export function registerGround(program: Command): void {
  withCheckpointOptions(program
    .command('ground')
    .description('make the words right: give each caption word the code its images use, and re-fit the transfer net to say so')
    .requiredOption('-o, --output <dir>', 'the checkpoints folder to write (last.json, step-N.safetensors/.json, prior.safetensors)')
    .option('--data <source>', 'captioned images (their training split): emoji, emoji:google, emoji:twitter', 'emoji')
    .option('--limit <n>', 'at most this many images (spread over the set)', intOption('--limit'))
    .option('--top <n>', "how many of an image's most frequent codes a caption word is scored against", intOption('--top'), 5)
    .option('--hidden <n>', 'hidden width of the new transfer net (wide enough to give any word any code)', intOption('--hidden'), 1024)
    .option('--steps <n>', 'full-batch Adam steps of the fit, before its last layer is solved in closed form', intOption('--steps'), 2000)
    .option('--lr <rate>', 'peak learning rate of those steps (cosine down to 1% of it)', numberOption('--lr'), 3e-3)
    .option('--seed <n>', 'seed of the new net', intOption('--seed'), 1)
    .option('--batch-size <n>', 'images encoded at a time', intOption('--batch-size'), 64)
    .option('--no-report', 'skip the held-out comparison (PSNR, SSIM, caption recall before and after)')
    .option('--force', 'overwrite a folder that already holds a checkpoint'))
    .addHelpText('after', `
Examples:
  vqct ground -c emoji-32 --data emoji -o grounded
  vqct tokens smile.png -c grounded
The images keep their codes (the decoder sees the same vectors); only the words move between codes.
The new checkpoint records what was done in its sidecar (trainConfig.grounding).`)
    .action(async (opts: GroundFlags, cmd: Command) => runGround(opts, createOutput(cmd.optsWithGlobals<GlobalOptions>())));
}

type OpenedCheckpoint = Awaited<ReturnType<typeof openCheckpoint>>;
type DataOptions = Omit<Parameters<typeof openDataset>[0], 'source'>;

async function runGround(opts: GroundFlags, out: ReturnType<typeof createOutput>): Promise<void> {
  for (const [flag, v] of [['--top', opts.top], ['--hidden', opts.hidden], ['--batch-size', opts.batchSize]] as const) {
    if (v < 1) throw new UsageError(`${flag} must be at least 1, got ${v}`);
  }
  checkCheckpointFolderFree(opts.output, opts.force);
  const ck = await openCheckpoint(opts, out);
  try {
    if (ck.net == null || ck.prior == null) throw new ConfigError(`only a VQCT checkpoint has words to ground; this one's quantizer is ${ck.model.config.quantizer}`);
    const data: DataOptions = { size: ck.side, channels: ck.channels, limit: opts.limit, background: opts.background, log: (line: string) => out.log(line) };
    const progress = createProgress(out);
    const { name, scores } = await scoreTrainingImages(ck, opts, data, progress);
    const grounding = groundWords(scores);
    const fitted = await fitGroundedNet(ck.net, ck.prior, grounding, {
      hiddenDim: opts.hidden, steps: opts.steps, learningRate: opts.lr, seed: opts.seed,
      onProgress: (s) => progress.update('fitting the transfer net', s, opts.steps, 'steps'),
    });
    progress.stop();
    try {
      const record: GroundingRecord = {
        from: { checkpoint: checkpointLabel(ck.sidecarFile), weightsSha256: ck.sidecar.weightsSha256 }, data: name, top: opts.top,
        images: { adjective: scores.adjective.images, noun: scores.noun.images }, score: grounding.score,
        fit: { hiddenDim: opts.hidden, steps: opts.steps, learningRate: opts.lr, seed: opts.seed, mse: fitted.mse, ownNearest: fitted.ownNearest },
      };
      const checkpoint = writeCheckpointFolder(opts.output, groundedCheckpoint(ck, fitted.net, record), ck.prior);
      const heldOut = opts.report ? heldOutSource(opts.data) : null;
      const report = heldOut != null ? await compareHeldOut(ck, checkpoint, { ...data, source: heldOut }, opts.batchSize) : null;
      out.result({ checkpoint, ...record, heldOut: report }, () => [
        ...recordLines(record, ck.model.config.kAdj + ck.model.config.kNoun),
        `wrote ${checkpoint}`,
        ...(report != null ? compareLines(report.name, report.images, report.before, report.after) : []),
      ]);
    } finally {
      fitted.net.dispose();
    }
  } finally {
    ck.dispose();
  }
}

/** Encodes the training split of --data and scores its caption words against its codes. */
async function scoreTrainingImages(ck: OpenedCheckpoint, opts: GroundFlags, data: DataOptions, progress: ReturnType<typeof createProgress>) {
  const train = await openDataset({ ...data, source: opts.data, emojiSplit: 'train' });
  if (datasetCaptions(train) == null) throw new ConfigError(`--data ${opts.data} has no captions; grounding needs captioned images (emoji)`);
  const batches = captionedBatches(train, opts.batchSize, (d, n) => progress.update('encoding', d, n, 'images'));
  const scores = (await scoreWords(ck.model, batches, captionLexicon(ck.prior!), opts.top)).result();
  progress.stop();
  if (scores.noun.images + scores.adjective.images === 0) throw new ConfigError(`no caption of --data ${opts.data} has a word of this codebook`);
  return { name: train.name, scores };
}

/** The text report of what grounding did. */
function recordLines(r: GroundingRecord, k: number): string[] {
  return [
    `${r.data}: ${r.images.noun} images with a caption noun, ${r.images.adjective} with an adjective; words scored against each image's ${r.top} most frequent codes`,
    `  nouns: score ${r.score.noun.grounded} grounded (${r.score.noun.identity} with the checkpoint's words); adjectives: ${r.score.adjective.grounded} (${r.score.adjective.identity})`,
    `transfer net re-fit: hidden ${r.fit.hiddenDim}, ${r.fit.steps} steps + the last layer in closed form, mse ${r.fit.mse.toExponential(2)}; ${r.fit.ownNearest}/${k} words nearest their own code`,
  ];
}

/** Figures of the loaded checkpoint and of the written one (loaded back from disk) on the held-out images. */
async function compareHeldOut(ck: OpenedCheckpoint, written: string, data: Parameters<typeof openDataset>[0], batchSize: number) {
  const ds = await openDataset(data);
  const before = await heldOutFigures(ck.model, ds, ck.prior!, batchSize);
  const grounded = loadForInference(written);
  try {
    return { name: ds.name, images: ds.size, before, after: await heldOutFigures(grounded.model, ds, grounded.prior!, batchSize) };
  } finally {
    grounded.dispose();
  }
}
