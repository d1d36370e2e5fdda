import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { psnr } from '@vqct/vq';
import { rowOf, toRawImage, writePng } from '../io/images';
import { readImageBatch } from '../io/image-batch';
import { createOutput, type GlobalOptions } from '../output';
import { intOption } from './parse';
import { checkWritable } from './prior-build';
import { openCheckpoint, withCheckpointOptions, type InferenceFlags } from './inference-options';

/** `vqct reconstruct`: image -> tokens -> image, in one go. */
export function registerReconstruct(program: Command): void {
  withCheckpointOptions(program
    .command('reconstruct')
    .description('encode and decode an image (what the tokenizer keeps of it)')
    .argument('<image>', 'an image file')
    .option('-o, --output <file>', 'the PNG to write', 'reconstruction.png')
    .option('--side-by-side', 'write the input (resized) and the reconstruction next to each other')
    .option('--scale <n>', 'enlarge the PNG n times (nearest neighbour)', intOption('--scale'), 1))
    .addHelpText('after', `
Examples:
  vqct reconstruct cat.png --checkpoint runs/fm -o cat-recon.png --side-by-side --scale 4`)
    .action(async (image: string, opts: InferenceFlags & { output: string; sideBySide?: boolean; scale: number }, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      checkWritable(opts.output);
      const ck = await openCheckpoint(opts, out);
      try {
        const x = await readImageBatch([image], ck.side, ck.channels, ck.factor, opts.background);
        const { y, db } = tf.tidy(() => {
          const r = tf.clipByValue(ck.model.reconstruct(x), -1, 1) as tf.Tensor4D;
          return { y: r, db: psnr(x, r) };
        });
        const [, H, W, C] = y.shape;
        const recon = toRawImage(await y.data(), H, W, C);
        const input = toRawImage(await x.data(), H, W, C);
        const value = Math.min((await db.data())[0], 100);
        tf.dispose([x, y, db]);
        await writePng(opts.output, opts.sideBySide === true ? rowOf([input, recon], 2) : recon, opts.scale);
        out.result({ output: opts.output, input: image, size: [H, W], psnr: value }, () => [`${opts.output}: ${image} reconstructed at ${W}x${H}, PSNR ${value.toFixed(2)} dB`]);
      } finally {
        ck.dispose();
      }
    });
}
