import { basename } from 'node:path';
import type { Command } from 'commander';
import { tokenWords } from '@vqct/vq';
import { readImageBatch } from '../io/image-batch';
import { TOKENS_FORMAT, TOKENS_FORMAT_VERSION, type TokensFile, writeTokensFile } from '../io/tokens-file';
import { createOutput, type GlobalOptions } from '../output';
import { checkWritable } from './prior-build';
import { openCheckpoint, withCheckpointOptions, type InferenceFlags } from './inference-options';

/** `vqct encode`: images -> tokens (k adjective ids + 1 noun id per position). */
export function registerEncode(program: Command): void {
  withCheckpointOptions(program
    .command('encode')
    .description('turn images into tokens: k adjective ids + 1 noun id per position (JSON with words, or .npy)')
    .argument('<images...>', 'image files (PNG, JPEG, WebP, ...)')
    .option('-o, --output <file>', 'tokens.json (with words) or tokens.npy (int32 [n, h, w, k+1])', 'tokens.json'))
    .addHelpText('after', `
Examples:
  vqct encode cat.png dog.jpg --checkpoint runs/fm -o tokens.json
  vqct encode photos/*.jpg --checkpoint runs/fm/checkpoints/last.json -o tokens.npy`)
    .action(async (images: string[], opts: InferenceFlags & { output: string }, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      checkWritable(opts.output);
      const ck = await openCheckpoint(opts, out);
      try {
        const x = await readImageBatch(images, ck.side, ck.channels, ck.factor, opts.background);
        const tokens = ck.model.encode(x);
        x.dispose();
        const grids = (await tokens.array()) as number[][][][];
        tokens.dispose();
        const words = ck.prior != null ? tokenWords(grids, ck.prior) : null;
        const [, h, w, p] = [grids.length, grids[0].length, grids[0][0].length, grids[0][0][0].length];
        const doc: TokensFile = {
          format: TOKENS_FORMAT,
          version: TOKENS_FORMAT_VERSION,
          checkpointSha256: ck.sidecar.weightsSha256,
          priorDigest: ck.sidecar.priorDigest,
          imageSize: [ck.side, ck.side],
          grid: [h, w],
          k: p - 1,
          kAdj: ck.model.config.kAdj,
          kNoun: ck.model.config.kNoun,
          images: images.map((file, i) => ({ file, tokens: grids[i], ...(words != null ? { words: words[i] } : {}) })),
        };
        writeTokensFile(opts.output, doc);
        const format = opts.output.toLowerCase().endsWith('.npy') ? 'npy' : 'json';
        out.result({ output: opts.output, format, images: images.length, grid: [h, w], k: p - 1, kAdj: doc.kAdj, kNoun: doc.kNoun }, () => [
          `${opts.output}: ${images.length} image${images.length === 1 ? '' : 's'} -> ${h}x${w} tokens of ${p - 1} adjective${p === 2 ? '' : 's'} + 1 noun (${format})`,
          ...(words != null ? images.slice(0, 5).map((f, i) => `  ${basename(f)} top-left: ${words[i][0][0]}`) : []),
        ]);
      } finally {
        ck.dispose();
      }
    });
}
