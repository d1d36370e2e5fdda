import { Command, Option } from 'commander';
import { UsageError } from '../errors';
import { createOutput, type GlobalOptions } from '../output';
import { launchWorkers, withoutNproc } from '../train/launch-workers';
import { runTraining, type TrainResult } from '../train/run-training';
import type { TrainFlags } from '../train/settings';
import { fractionOption, intOption, nonNegativeOption, numberOption, rateOption } from './parse';

const fmt = (x: number | undefined, d = 4): string => (x == null ? '-' : x.toFixed(d));

/** The human summary of a training run. */
export function trainSummary(r: TrainResult): string[] {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  return [
    `${r.stopped === 'completed' ? 'trained' : r.stopped === 'interrupted' ? 'interrupted' : 'time limit reached'}: step ${r.startStep} -> ${r.step} of ${r.targetSteps} in ${r.seconds.toFixed(1)} s (${r.stepsPerSecond.toFixed(2)} steps/s, ${r.imagesPerSecond.toFixed(1)} img/s, backend ${r.backend})`,
    ...(r.workers > 1 ? [`  data-parallel: ${r.workers} workers (c10d), rank 0 wrote the run folder`] : []),
    `  loss total ${fmt(r.loss.first.total)} -> ${fmt(r.loss.last.total)}, l1 ${fmt(r.loss.first.l1)} -> ${fmt(r.loss.last.l1)} (means of the first and last steps, up to 10 each)`,
    `  code usage over ${r.usage.images} images: adjectives ${r.usage.adjective.used}/${r.codebook.kAdj} (${pct(r.usage.adjective.usage)}, perplexity ${r.usage.adjective.perplexity.toFixed(1)}), nouns ${r.usage.noun.used}/${r.codebook.kNoun} (${pct(r.usage.noun.usage)}, perplexity ${r.usage.noun.perplexity.toFixed(1)})`,
    `  run folder ${r.runDir}: checkpoints/, samples/ (${r.files.samples.length}), metrics.jsonl, plots/`,
    ...(r.skippedImages > 0 ? [`  ${r.skippedImages} unreadable images were skipped`] : []),
    r.stopped === 'completed' ? `next: vqct tokens IMAGE --checkpoint ${r.runDir}` : `continue: vqct train --out ${r.runDir} --resume`,
  ];
}

/** `vqct train`: train a tokenizer into a run folder. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a VQCT tokenizer (or a VQ/EMA baseline) into a run folder')
    .option('--config <file.yaml>', "a run config: ours (model/train/discriminator) or the authors' taming-style YAML")
    .addOption(new Option('--preset <name>', 'model preset (default tiny, or the config\'s)').choices(['tiny', 'emoji-32', 'bench-32', 'paper-256']))
    .option('--data <source>', 'fashion-mnist | mnist | emoji[:google|:twitter] (its train split) | a folder of images', 'fashion-mnist')
    .option('--background <colour>', 'what transparent pixels become: white (default), black, gray, #rrggbb')
    .option('--limit <n>', 'use at most n images of the data', intOption('--limit'))
    .option('--augment <list>', 'also train on variants of each image: a comma-separated subset of flip, shift[:N] (pixels, default 2), channels (colour orders); default none')
    .option('--prior <file>', 'the prior (.safetensors from `vqct prior build`); default: the default prior, built once and cached')
    .addOption(new Option('--quantizer <kind>', 'vqct (the method) | vq | ema (learned-codebook baselines)').choices(['vqct', 'vq', 'ema']))
    .addOption(new Option('--transfer <kind>', 'gcn (the method) | mlp (no graph) | random (no word vectors)').choices(['gcn', 'mlp', 'random']))
    .option('--transfer-hidden <n>', 'width of the transfer net\'s hidden layer (default: the code dimension e, as METHOD.md; the paper: 256)', intOption('--transfer-hidden'))
    .option('--transfer-lr-scale <f>', 'the transfer net learns at this multiple of --lr (default 1: one rate, as the authors; 0: the codebook stays fixed)', nonNegativeOption('--transfer-lr-scale'))
    .option('--transfer-dropout <p>', 'dropout on the transfer net\'s hidden layer in training (METHOD.md, default: 0.5; 0: the codes do not jitter)', rateOption('--transfer-dropout'))
    .addOption(new Option('--transfer-init <how>', 'how the transfer net starts: glorot (the method, default) | torch-linear (PyTorch nn.Linear: a tighter initial codebook)').choices(['glorot', 'torch-linear']))
    .option('--steps <n>', 'train until this step (with --resume: a new, larger target)', intOption('--steps'))
    .option('--epochs <n>', 'train this many passes over the data instead of --steps', intOption('--epochs'))
    .option('--batch-size <n>', 'images per step', intOption('--batch-size'))
    .option('--lr <rate>', 'learning rate (default: 2e-4 for the 32px presets, the authors\' 4.5e-6 x batch otherwise)', numberOption('--lr'))
    .addOption(new Option('--lr-schedule <kind>', 'constant (default) | cosine: from the peak --lr down to --lr-final x it at the last step').choices(['constant', 'cosine']))
    .option('--warmup-steps <n>', 'raise the lr linearly over the first n steps (default 0)', intOption('--warmup-steps'))
    .option('--lr-final <factor>', 'cosine: the lr at the last step, as a factor of the peak (default 0.1)', fractionOption('--lr-final'))
    .option('--seed <n>', 'seed of the init, data order and dropout', intOption('--seed'))
    .option('--perceptual', 'add the MobileNetV2 perceptual loss (slower; on by default with --preset emoji-32, at weight 0.1)')
    .option('--no-perceptual', 'train without the perceptual loss (also with --preset emoji-32)')
    .option('--disc-start <step>', 'the step at which the PatchGAN loss starts (emoji-32: 900; otherwise the authors\' 10000)', intOption('--disc-start'))
    .option('--checkpoint-every <n>', 'checkpoint every n steps (0: only at the end)', intOption('--checkpoint-every'))
    .option('--keep-every <n>', 'also keep every checkpoint at a multiple of n steps (pruning keeps only the newest two otherwise)', intOption('--keep-every'))
    .option('--sample-every <n>', 'write a sample grid every n steps (0: never)', intOption('--sample-every'))
    .option('--max-minutes <m>', 'stop (with a checkpoint) after m minutes of training', numberOption('--max-minutes'))
    .option('-o, --out <dir>', 'the run folder (must be new unless --resume)', `runs/run-${new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`)
    .option('--resume', 'continue the run in --out from its last checkpoint')
    .option('--init <checkpoint>', "start from a checkpoint's model and transfer-net weights (a run, a sidecar or a shipped model such as emoji-32; its prior unless --prior): step 0, new optimizer")
    .option('--align-weight <w>', 'image-caption alignment loss weight (captioned data such as emoji; default 0: off)', numberOption('--align-weight'))
    .addOption(new Option('--align-pool <how>', 'alignment: assignment (share of positions picking a caption word) | encoding (mean encoding vs the codes)').choices(['assignment', 'encoding']))
    .addOption(new Option('--align-gradient <side>', 'alignment moves both sides, only the codebook (transfer net) or only the encoder').choices(['both', 'codebook', 'encoder']))
    .addOption(new Option('--align-weighting <how>', 'alignment: caption words weigh the same (uniform) or by rarity over the training captions (idf)').choices(['uniform', 'idf']))
    .option('--align-adjective-weight <w>', 'alignment: weight of the adjective half relative to the nouns (default 1; 0: nouns only)', nonNegativeOption('--align-adjective-weight'))
    .addOption(new Option('--align-objective <how>', 'alignment: contrast (caption words against every other code) | attract (only pull the caption words\' codes; none pushed)').choices(['contrast', 'attract']))
    .option('--align-usage-weight <w>', 'alignment: weight of a term keeping the codes in use (batch code-usage entropy; default 0: off)', nonNegativeOption('--align-usage-weight'))
    .option('--align-start <step>', 'alignment: the first step at which the loss counts (default 0)', intOption('--align-start'))
    .option('--align-temperature <t>', 'alignment softmax temperature, relative to the mean distance (default 0.1)', numberOption('--align-temperature'))
    .option('--nproc <n>', 'data-parallel: start n local workers (torch backend, c10d/Gloo); --batch-size is per worker. torchrun/Slurm start workers with RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT instead', intOption('--nproc'))
    .addHelpText('after', `
Examples:
  vqct train --preset tiny --data fashion-mnist --steps 300 --out runs/fm
  vqct train --preset emoji-32 --data emoji --max-minutes 60 --out runs/emoji  # L1 + perceptual + PatchGAN
  vqct train --data ./photos --prior my-prior.safetensors --epochs 5 --out runs/photos
  vqct train --config configs/vqct_cub.yaml --data ./cub --out runs/cub     # the authors' YAML
  vqct train --out runs/fm --resume --steps 600                            # continue to step 600
  vqct train --quantizer vq --out runs/vq-baseline                          # a plain VQGAN baseline
  vqct train --preset emoji-32 --data emoji --init emoji-32 --align-weight 0.1 --steps 300 --out runs/aligned  # words that match captions
  vqct --backend torch train --nproc 2 --batch-size 4 --out runs/ddp        # 2 local workers x batch 4 (docs/distributed.md)
Ctrl-C stops after the current step and saves a checkpoint (exit code 130); --resume continues it.`)
    .action(async (opts: TrainFlags & { out: string; resume?: boolean; maxMinutes?: number; nproc?: number }, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      if (opts.nproc != null) {
        if (process.env.WORLD_SIZE != null && process.env.WORLD_SIZE !== '') throw new UsageError('--nproc starts workers itself; it cannot be given to a worker of a distributed job (WORLD_SIZE is set)');
        process.exit(await launchWorkers({ nproc: opts.nproc, args: withoutNproc(process.argv.slice(2)), log: (line) => out.log(line) }));
      }
      const result = await runTraining(opts, { out: opts.out, resume: opts.resume, maxSeconds: opts.maxMinutes != null ? opts.maxMinutes * 60 : undefined }, out);
      if (result.rank === 0) out.result(result, () => trainSummary(result));
      if (result.stopped === 'interrupted') process.exit(130);
    });
}
