import * as tf from '@tensorflow/tfjs-core';
import { Command, Option } from 'commander';
import type { CaptionRecallResult, FeatureExtractor, HalfRecall, PerceptualDistance, TrainableTokenizer } from '@vqct/vq';
import { evaluateTokenizer } from '@vqct/vq';
import { loadInceptionPoolFeatures, loadMobileNetPerceptual } from '@vqct/vq/node';
import { ConfigError } from '@vqct/core';
import type { Prior } from '@vqct/prior';
import { loadPrior } from '@vqct/prior/node';
import { captionedBatches } from '../captioned-batches';
import { fitWordTable, withWordTable } from '../ground/word-table';
import { openDataset } from '../data';
import { createOutput, type GlobalOptions } from '../output';
import { createProgress } from '../progress';
import { intOption } from './parse';
import { openCheckpoint, withCheckpointOptions, type InferenceFlags } from './inference-options';

interface EvalFlags extends InferenceFlags {
  data: string;
  limit: number;
  batchSize: number;
  perceptual: boolean;
  fid: 'mobilenet' | 'inception' | 'none';
  background?: string;
  wordTable?: boolean;
}

/** Pooled MobileNetV2 features (block_12_add, 96-d): a cheap FID-like feature space for small images. */
function mobilenetFeatures(p: ReturnType<typeof loadMobileNetPerceptual>): FeatureExtractor {
  return {
    name: 'mobilenet_v2(nsfwjs) block_12_add',
    dim: 96,
    features(x) {
      return tf.tidy(() => {
        const rgb = x.shape[3] === 1 ? tf.tile(x, [1, 1, 1, 3]) : x;
        const up = rgb.shape[1] < 64 ? tf.image.resizeBilinear(rgb as tf.Tensor4D, [64, 64]) : rgb;
        return tf.mean(p.net.run(tf.mul(tf.add(up, 1), 0.5) as tf.Tensor4D, ['block_12_add']).block_12_add, [1, 2]) as tf.Tensor2D;
      });
    },
  };
}

/** The caption-recall lines of the text report. */
export function recallLines(r: CaptionRecallResult): string[] {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const half = (name: string, h: HalfRecall): string =>
    `  ${name} ${h.at.map((a) => `@${a.n} ${pct(a.recall)} (chance ${pct(a.chance)}, same words for every image ${pct(a.frequent)})`).join(', ')}  over ${h.images}/${h.seen} images with such a caption word`;
  return ['  caption recall (a caption word among the image\'s n most frequent codes):', half('  nouns     ', r.noun), half('  adjectives', r.adjective)];
}

/** What eval measures: the checkpoint, or with --word-table its codes labelled by the best word table (pushed onto `frees`). */
async function measuredModel(ck: Awaited<ReturnType<typeof openCheckpoint>>, opts: EvalFlags, frees: Array<{ dispose(): void }>): Promise<{ model: Pick<TrainableTokenizer, 'forward'>; vocabulary: Prior | null }> {
  const vocabulary = ck.prior ?? (opts.wordTable && opts.prior != null ? loadPrior(opts.prior) : null);
  if (!opts.wordTable) return { model: ck.model, vocabulary };
  if (vocabulary == null) throw new ConfigError('--word-table: this checkpoint has no words; pass --prior with the words to label its codes');
  const table = withWordTable(ck.model, await fitWordTable(ck.model, vocabulary, opts.data, { size: ck.side, channels: ck.channels, background: opts.background }, opts.batchSize));
  frees.push(table);
  return { model: table, vocabulary };
}

/** `vqct eval`: reconstruction quality and codebook use over a dataset. */
export function registerEval(program: Command): void {
  withCheckpointOptions(program
    .command('eval')
    .description('measure PSNR, SSIM, perceptual distance, an FID-like score, code usage and perplexity over a dataset')
    .option('--data <source>', 'fashion-mnist | mnist | emoji[:google|:twitter] (its held-out split) | a folder of images', 'fashion-mnist')
    .option('--background <colour>', 'what transparent pixels become: white (default), black, gray, #rrggbb')
    .option('--limit <n>', 'evaluate at most n images', intOption('--limit'), 500)
    .option('--batch-size <n>', 'images per batch', intOption('--batch-size'), 16)
    .option('--no-perceptual', 'skip the perceptual distance')
    .option('--word-table', "caption recall with every code labelled by the best one-to-one word table, fit on the emoji training split (any quantizer; a learned VQ needs --prior for the words)")
    .addOption(new Option('--fid <features>', 'features of the FID-like score (inception is slow on CPU)').choices(['mobilenet', 'inception', 'none']).default('mobilenet')), false)
    .addHelpText('after', `
Examples:
  vqct eval --checkpoint runs/fm --data fashion-mnist --limit 1000
  vqct eval --checkpoint runs/photos --data ./photos-val --fid inception --json
FID-like values use small pretrained nets (nsfwjs) and are NOT comparable to published FID.`)
    .action(async (opts: EvalFlags, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      const ck = await openCheckpoint(opts, out);
      const frees: Array<{ dispose(): void }> = [];
      try {
        const ds = await openDataset({ source: opts.data, size: ck.side, channels: ck.channels, limit: opts.limit, background: opts.background, emojiSplit: 'heldout', log: (line) => out.log(line) });
        const mobilenet = opts.perceptual || opts.fid === 'mobilenet' ? loadMobileNetPerceptual() : null;
        if (mobilenet != null) frees.push(mobilenet.net);
        const perceptual: PerceptualDistance | undefined = opts.perceptual && mobilenet != null ? mobilenet : undefined;
        let features: FeatureExtractor | undefined;
        if (opts.fid === 'mobilenet' && mobilenet != null) features = mobilenetFeatures(mobilenet);
        if (opts.fid === 'inception') {
          const inc = loadInceptionPoolFeatures();
          frees.push(inc.net);
          features = inc;
        }
        const progress = createProgress(out);
        const { model, vocabulary } = await measuredModel(ck, opts, frees);
        const batches = captionedBatches(ds, opts.batchSize, (done, all) => progress.update('evaluating', done, all, 'images'));
        const t0 = Date.now();
        const r = await evaluateTokenizer(model, batches, { kAdj: ck.model.config.kAdj, kNoun: ck.model.config.kNoun, perceptual, features, vocabulary: vocabulary ?? undefined });
        progress.stop();
        const result = {
          checkpoint: ck.sidecarFile, step: ck.sidecar.step, data: ds.name, images: r.images,
          psnr: r.psnr, ssim: r.ssim,
          perceptual: r.perceptual ?? null,
          fidLike: r.fidLike ?? null,
          usage: r.usage,
          captionRecall: r.captionRecall ?? null,
          wordTable: opts.wordTable === true,
          seconds: (Date.now() - t0) / 1000,
        };
        const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
        out.result(result, () => [
          `${ds.name}: ${r.images} images, checkpoint step ${ck.sidecar.step}`,
          `  PSNR        ${r.psnr.toFixed(2)} dB`,
          `  SSIM        ${r.ssim.toFixed(4)}`,
          ...(r.perceptual != null ? [`  perceptual  ${r.perceptual.value.toFixed(4)}  (${r.perceptual.name})`] : []),
          ...(r.fidLike != null ? [`  FID-like    ${r.fidLike.value.toFixed(2)}  (${r.fidLike.name})`] : []),
          ...(ck.model.config.kAdj > 0 ? [`  adjectives  ${r.usage.adjective.used}/${ck.model.config.kAdj} used (${pct(r.usage.adjective.usage)}), perplexity ${r.usage.adjective.perplexity.toFixed(1)}`] : []),
          `  nouns       ${r.usage.noun.used}/${ck.model.config.kNoun} used (${pct(r.usage.noun.usage)}), perplexity ${r.usage.noun.perplexity.toFixed(1)}`,
          ...(r.captionRecall != null ? recallLines(r.captionRecall) : []),
        ]);
      } finally {
        for (const f of frees) f.dispose();
        ck.dispose();
      }
    });
}
