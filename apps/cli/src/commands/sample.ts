import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { sampleTokens } from '@vqct/transformer';
import { tokenWords } from '@vqct/vq';
import { writePng } from '../io/images';
import { createOutput, type GlobalOptions } from '../output';
import { checkGuidance, conditionFromFlags } from '../transformer/condition-flags';
import { gridImage } from '../transformer/grid-image';
import { loadTransformer } from '../transformer/load-transformer';
import { intOption, nonNegativeOption, probabilityOption } from './parse';
import { checkWritable } from './prior-build';

/** Flags shared by `vqct sample` and `vqct edit`. */
export interface SamplingFlags {
  checkpoint: string;
  tokenizer?: string;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  cache: boolean;
  guidance: number;
  scale: number;
}

/** Adds the sampling flags to a command. */
export function withSamplingOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-c, --checkpoint <path>', 'a `vqct transformer train` run folder or checkpoint')
    .option('--tokenizer <path>', 'the tokenizer, when it moved (it must be the one the transformer was trained on)')
    .option('--temperature <t>', 'divides the logits (0: greedy)', nonNegativeOption('--temperature'), 1)
    .option('--top-k <k>', 'sample among the k most likely tokens (0: all)', intOption('--top-k'), 0)
    .option('--top-p <p>', 'nucleus: the smallest set reaching probability p (1: all)', probabilityOption('--top-p'), 1)
    .option('--seed <n>', 'same seed, same images', intOption('--seed'), 0)
    .option('--guidance <s>', 'classifier-free guidance scale: 1 plain, 0 unconditioned, > 1 stronger (needs a transformer trained with --cond-dropout)', nonNegativeOption('--guidance'), 1)
    .option('--no-cache', 'recompute every position each token (slower; same result)')
    .option('--scale <n>', 'enlarge the PNG n times (nearest neighbour)', intOption('--scale'), 2);
}

/** `vqct sample`: new images from a transformer. */
export function registerSample(program: Command): void {
  withSamplingOptions(program
    .command('sample')
    .description('generate images: sample token grids from a transformer and decode them with its tokenizer')
    .option('--prompt <words>', 'words of the prior (for a transformer trained with --condition words)')
    .option('--class <c>', 'a class label or name (for --condition class)')
    .option('-n, --count <n>', 'images to sample', intOption('--count'), 16)
    .option('-o, --output <file>', 'the grid PNG to write', 'samples.png'))
    .addHelpText('after', `
Examples:
  vqct sample -c runs/fm-gpt --class Sneaker -n 16 -o sneakers.png
  vqct sample -c runs/fm-words --prompt "ankle boot" -n 16 --top-k 100 -o boots.png
  vqct sample -c runs/fm-cfg --class Dress --guidance 3 -n 16 -o dresses.png   # trained with --cond-dropout 0.1`)
    .action(async (opts: SamplingFlags & { prompt?: string; class?: string; count: number; output: string }, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      checkWritable(opts.output);
      const { useNodeBackend } = await import('@vqct/backend-node');
      const backend = await useNodeBackend();
      out.log(backend.line);
      const t = loadTransformer(opts.checkpoint, { tokenizer: opts.tokenizer });
      try {
        out.log(`transformer: ${t.sidecarFile} (step ${t.step}, condition ${t.settings.condition})`);
        const condition = conditionFromFlags(t, opts);
        checkGuidance(t, opts.guidance);
        const t0 = Date.now();
        let last = 0;
        const tokens = await sampleTokens(t.model, {
          count: opts.count, condition, temperature: opts.temperature, topK: opts.topK, topP: opts.topP, seed: opts.seed, cache: opts.cache, guidance: opts.guidance,
          onToken: (done, total) => { if (Date.now() - last > 2000) { last = Date.now(); out.log(`sampling: ${done}/${total} tokens`); } },
        });
        const seconds = (Date.now() - t0) / 1000;
        const images = tf.tidy(() => t.tokenizer.model.decodeTokens(tokens));
        const [n, H, W, C] = images.shape;
        await writePng(opts.output, gridImage(await images.data(), n, H, W, C), opts.scale);
        const words = t.tokenizer.prior != null ? tokenWords(tokens, t.tokenizer.prior) : null;
        tf.dispose([tokens, images]);
        const perSecond = (n * t.model.layout.imageLength) / seconds;
        out.result({ output: opts.output, images: n, size: [H, W], condition, seconds, tokensPerSecond: perSecond, words },
          () => [`${opts.output}: ${n} samples (${W}x${H}) in ${seconds.toFixed(1)} s, ${perSecond.toFixed(0)} tokens/s`, ...(words != null ? [`  first sample, row 0: ${words[0][0].join(' | ')}`] : [])]);
      } finally {
        t.dispose();
      }
    });
}
