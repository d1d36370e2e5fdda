import { dirname, extname, join, basename } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { CheckpointError, InputError } from '@vqct/core';
import { toRawImage, writePng } from '../io/images';
import { DEFAULT_MAX_TOKEN_POSITIONS, readTokensFile } from '../io/tokens-file';
import { createOutput, type GlobalOptions } from '../output';
import { intOption } from './parse';
import { checkWritable } from './prior-build';
import { openCheckpoint, withCheckpointOptions, type InferenceFlags } from './inference-options';

/** out.png for one image; out-0.png, out-1.png, ... for several. */
export function numbered(output: string, index: number, count: number): string {
  if (count === 1) return output;
  const ext = extname(output) || '.png';
  return join(dirname(output), `${basename(output, extname(output))}-${index}${ext}`);
}

/** `vqct decode`: tokens -> images. */
export function registerDecode(program: Command): void {
  withCheckpointOptions(program
    .command('decode')
    .description('turn tokens (from `vqct encode`) back into images')
    .argument('<tokens>', 'tokens.json or tokens.npy')
    .option('-o, --output <file>', 'the PNG to write (out-0.png, out-1.png, ... for several images)', 'decoded.png')
    .option('--scale <n>', 'enlarge the PNG n times (nearest neighbour)', intOption('--scale'), 1)
    .option('--max-positions <n>', 'refuse tokens files with more positions (images x h x w) than this', intOption('--max-positions'), DEFAULT_MAX_TOKEN_POSITIONS), false)
    .addHelpText('after', `
Examples:
  vqct decode tokens.json --checkpoint runs/fm -o decoded.png
  vqct decode tokens.npy --checkpoint runs/fm -o decoded.png --scale 4`)
    .action(async (file: string, opts: InferenceFlags & { output: string; scale: number; maxPositions: number }, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      checkWritable(opts.output);
      const tokens = readTokensFile(file, { maxPositions: opts.maxPositions });
      const ck = await openCheckpoint(opts, out);
      try {
        const { kAdj, kNoun, topK, quantizer } = ck.model.config;
        if (tokens.meta != null && tokens.meta.checkpointSha256 !== ck.sidecar.weightsSha256) {
          throw new CheckpointError(`these tokens were made by another checkpoint (weights sha256 ${tokens.meta.checkpointSha256.slice(0, 12)}..., this one ${ck.sidecar.weightsSha256.slice(0, 12)}...)`, { file });
        }
        const per = quantizer === 'vqct' || kAdj > 0 ? topK + 1 : 1;
        const [h, w] = [tokens.grids[0].length, tokens.grids[0][0]?.length ?? 0];
        tokens.grids.forEach((g, i) => {
          if (g.length !== h || g.some((row) => row.length !== w || row.some((ids) => ids.length !== per))) {
            throw new InputError(`image ${i}: expected a ${h}x${w} grid of ${per} ids per position (${per - 1} adjectives + 1 noun)`, { file });
          }
          for (const row of g) for (const ids of row) {
            ids.forEach((id, j) => {
              const max = j < per - 1 ? kAdj : kNoun;
              if (!(id >= 0 && id < max)) throw new InputError(`image ${i}: ${j < per - 1 ? 'adjective' : 'noun'} id ${id} is outside 0..${max - 1}`, { file });
            });
          }
        });
        const images = tf.tidy(() => ck.model.decodeTokens(tf.tensor4d(tokens.grids.flat(3), [tokens.grids.length, h, w, per], 'int32')));
        const data = await images.data();
        const [n, H, W, C] = images.shape;
        images.dispose();
        const files: string[] = [];
        for (let i = 0; i < n; i++) {
          const f = numbered(opts.output, i, n);
          await writePng(f, toRawImage(data.subarray(i * H * W * C, (i + 1) * H * W * C), H, W, C), opts.scale);
          files.push(f);
        }
        out.result({ outputs: files, images: n, size: [H, W], grid: [h, w] }, () => files.map((f, i) => `${f}: ${tokens.names[i]} decoded to ${W}x${H}`));
      } finally {
        ck.dispose();
      }
    });
}
