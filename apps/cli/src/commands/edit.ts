import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { InputError } from '@vqct/core';
import { sampleTokens } from '@vqct/transformer';
import { readImage, writePng } from '../io/images';
import { createOutput, type GlobalOptions } from '../output';
import { checkGuidance, conditionFromFlags } from '../transformer/condition-flags';
import { gridImage } from '../transformer/grid-image';
import { loadTransformer } from '../transformer/load-transformer';
import { intOption } from './parse';
import { checkWritable } from './prior-build';
import { withSamplingOptions, type SamplingFlags } from './sample';

/** One `--set "row,col=words"`: the noun (last word) and optional adjectives ("red, small / apple" or "red apple"). */
interface SetEdit { row: number; col: number; adjectives: string[]; noun: string }

export function parseSet(value: string): SetEdit {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*=\s*(.+)$/.exec(value);
  if (m == null) throw new InputError(`--set ${JSON.stringify(value)}: expected "row,col=noun" or "row,col=adjective adjective noun"`);
  const words = m[3].split(/[\s,/]+/).filter((w) => w !== '').map((w) => w.toLowerCase());
  return { row: Number(m[1]), col: Number(m[2]), adjectives: words.slice(0, -1), noun: words[words.length - 1] };
}

/** `vqct edit`: replace the words of patches, then decode (or re-sample their neighbourhood). */
export function registerEdit(program: Command): void {
  withSamplingOptions(program
    .command('edit')
    .description('replace the words of patches of an image, re-sample around them with the transformer (--resample), decode')
    .argument('<image>', 'the image to edit')
    .requiredOption('--set <row,col=words>', 'a patch and its new noun (and adjectives), e.g. "3,4=apple" or "3,4=red small apple"; repeatable', (v: string, prev: SetEdit[] = []) => [...prev, parseSet(v)])
    .option('--resample <r>', 're-sample the positions within r patches of each edit (0: just decode the edited tokens)', intOption('--resample'), 1)
    .option('--prompt <words>', 'the condition, for a words transformer')
    .option('--class <c>', 'the condition, for a class transformer')
    .option('-o, --output <file>', 'the PNG to write (original | edited)', 'edited.png'))
    .addHelpText('after', `
Examples:
  vqct edit shoe.png -c runs/fm-gpt --class Sneaker --set "3,4=boot" -o out.png
  vqct edit shoe.png -c runs/fm-gpt --class 7 --set "2,2=dark leather" --set "2,3=leather" --resample 0 -o out.png`)
    .action(async (file: string, opts: SamplingFlags & { set: SetEdit[]; resample: number; prompt?: string; class?: string; output: string }, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      checkWritable(opts.output);
      const { useNodeBackend } = await import('@vqct/backend-node');
      out.log((await useNodeBackend()).line);
      const t = loadTransformer(opts.checkpoint, { tokenizer: opts.tokenizer });
      try {
        checkGuidance(t, opts.guidance);
        const vq = t.tokenizer;
        const prior = vq.prior;
        if (prior == null) throw new InputError('--set needs a VQCT tokenizer (its words come from the prior)');
        const { kAdj, adjectives, grid: [h, w] } = t.model.layout.tokens;
        const px = await readImage(file, vq.imageSize, vq.channels);
        const x = tf.tensor4d(px, [1, vq.imageSize, vq.imageSize, vq.channels]);
        const grid = Int32Array.from(await tf.tidy(() => vq.model.encode(x)).data());
        const k1 = adjectives + 1;
        const keep = Array.from({ length: h * w }, () => true);
        for (const e of opts.set) {
          if (e.row >= h || e.col >= w) throw new InputError(`--set ${e.row},${e.col}: outside the ${h}x${w} token grid`);
          const noun = prior.words.indexOf(e.noun, kAdj);
          if (noun < 0) throw new InputError(`--set: "${e.noun}" is not a noun of the prior`);
          const p = e.row * w + e.col;
          grid[p * k1 + k1 - 1] = noun - kAdj;
          e.adjectives.slice(0, adjectives).forEach((a, i) => {
            const id = prior.words.indexOf(a);
            if (id < 0 || id >= kAdj) throw new InputError(`--set: "${a}" is not an adjective of the prior`);
            grid[p * k1 + i] = id;
          });
          for (let r = Math.max(0, e.row - opts.resample); r <= Math.min(h - 1, e.row + opts.resample); r++) {
            for (let c = Math.max(0, e.col - opts.resample); c <= Math.min(w - 1, e.col + opts.resample); c++) if (opts.resample > 0) keep[r * w + c] = false;
          }
        }
        for (const e of opts.set) keep[e.row * w + e.col] = true;
        const resampled = keep.filter((k) => !k).length;
        const tokens = resampled > 0
          ? await sampleTokens(t.model, { count: 1, condition: conditionFromFlags(t, opts), keep: { tokens: grid, positions: keep }, temperature: opts.temperature, topK: opts.topK, topP: opts.topP, seed: opts.seed, cache: opts.cache, guidance: opts.guidance })
          : tf.tensor4d(grid, [1, h, w, k1], 'int32');
        const both = tf.tidy(() => tf.concat([vq.model.reconstruct(x), vq.model.decodeTokens(tokens)], 0));
        const [, H, W, C] = both.shape;
        await writePng(opts.output, gridImage(await both.data(), 2, H, W, C, 2), opts.scale);
        tf.dispose([x, tokens, both]);
        out.result({ output: opts.output, edits: opts.set.length, resampled, grid: [h, w] },
          () => [`${opts.output}: ${opts.set.length} patch(es) set, ${resampled} around them re-sampled (left: the tokenizer's reconstruction, right: edited)`]);
      } finally {
        t.dispose();
      }
    });
}
