import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '@vqct/core';
import { writeFileAtomic } from '@vqct/core/node';
import { captionLexicon, captionWords, tokenWords, type TokenVocabulary } from '@vqct/vq';
import { imageCaption } from '../caption';
import { toRawImage } from '../io/images';
import { readImageBatch } from '../io/image-batch';
import { createOutput, type GlobalOptions } from '../output';
import { tokenOverlayPng } from '../plots/token-overlay';
import { intOption } from './parse';
import { checkWritable } from './prior-build';
import { openCheckpoint, withCheckpointOptions, type InferenceFlags } from './inference-options';

/** A text table of the word grid; cells cut to `width` characters ('…'). */
export function wordTable(words: string[][], width: number): string[] {
  const cut = (s: string): string => (s.length > width ? `${s.slice(0, width - 1)}…` : s);
  const cells = words.map((row) => row.map(cut));
  const colW = words[0].map((_, x) => Math.max(String(x).length, ...cells.map((r) => r[x].length)));
  const line = (label: string, row: string[]): string => `${label.padStart(3)} | ${row.map((c, x) => c.padEnd(colW[x])).join(' | ')}`;
  return [
    line('', colW.map((_, x) => String(x))),
    `${'-'.repeat(4)}+${colW.map((w) => '-'.repeat(w + 2)).join('+')}`,
    ...cells.map((r, y) => line(String(y), r)),
  ];
}

/** The caption's codebook nouns with their rank among the image's most frequent nouns (null: not among them). */
export function captionNounRanks(caption: string, vocabulary: TokenVocabulary, top: string[]): Array<{ word: string; rank: number | null }> {
  const { nouns } = captionWords(caption, captionLexicon(vocabulary));
  return nouns.map((id) => {
    const word = vocabulary.words[vocabulary.kAdj + id];
    const at = top.indexOf(word);
    return { word, rank: at >= 0 ? at + 1 : null };
  });
}

/** `vqct tokens`: which words an image becomes, per patch. */
export function registerTokens(program: Command): void {
  withCheckpointOptions(program
    .command('tokens')
    .description('show the words of each patch ("adjectives / noun") as a table and an overlay PNG')
    .argument('<image>', 'an image file')
    .option('-o, --output <file>', 'the overlay PNG (default: <image>.tokens.png in this folder)')
    .option('--cell <px>', 'pixels per token cell in the overlay', intOption('--cell'), 96)
    .option('--width <chars>', 'cut table cells to this many characters (0: no limit)', intOption('--width'), 16)
    .option('--caption <text>', "the image's own description, shown next to the patch words (default: <image>.txt, or the emoji's name)"))
    .addHelpText('after', `
Examples:
  vqct tokens cat.png --checkpoint runs/fm
  vqct tokens cat.png --checkpoint runs/fm --json | jq '.words[0][0]'
  vqct tokens node_modules/emoji-datasource-google/img/google/64/1f34e.png -c emoji-32   # caption: red apple`)
    .action(async (image: string, opts: InferenceFlags & { output?: string; cell: number; width: number; caption?: string }, cmd: Command) => {
      const out = createOutput(cmd.optsWithGlobals<GlobalOptions>());
      const output = opts.output ?? `${basename(image, extname(image))}.tokens.png`;
      checkWritable(output);
      const ck = await openCheckpoint(opts, out);
      try {
        if (ck.prior == null) throw new ConfigError(`the checkpoint uses the ${ck.model.config.quantizer} quantizer: its codes have no words (only vqct checkpoints do)`, { file: opts.checkpoint });
        const x = await readImageBatch([image], ck.side, ck.channels, ck.factor, opts.background);
        const t = ck.model.encode(x);
        const grid = ((await t.array()) as number[][][][])[0];
        t.dispose();
        const words = tokenWords([grid], ck.prior)[0];
        const [, H, W, C] = x.shape;
        const raw = toRawImage(await x.data(), H, W, C);
        x.dispose();
        writeFileAtomic(output, await tokenOverlayPng(raw, words, opts.cell));
        const nouns = new Map<string, number>();
        for (const row of words) for (const w of row) { const n = w.split(' / ').pop() ?? w; nouns.set(n, (nouns.get(n) ?? 0) + 1); }
        const top = [...nouns.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
        const caption = imageCaption(image, opts.caption);
        const ranks = caption != null ? captionNounRanks(caption.text, ck.prior, top.map(([w]) => w)) : [];
        const rankText = ranks.map((r) => `"${r.word}" ${r.rank != null ? `#${r.rank}` : 'not among them'}`).join(', ');
        out.result({ image, caption: caption?.text ?? null, captionSource: caption?.source ?? null, captionNouns: ranks, overlay: output, grid: [words.length, words[0].length], tokens: grid, words, topNouns: top.map(([word, count]) => ({ word, count })) }, () => [
          ...(caption != null ? [`caption: ${caption.text}   (the image's own description, from ${caption.source === 'flag' ? '--caption' : caption.source === 'emoji' ? 'the emoji name' : `${image}.txt`})`] : []),
          ...wordTable(words, opts.width > 0 ? opts.width : Infinity),
          `most frequent nouns: ${top.map(([w, c]) => `${w} (${c})`).join(', ')}`,
          ...(ranks.length > 0 ? [`caption nouns among them: ${rankText}`] : []),
          `overlay: ${output}`,
        ]);
      } finally {
        ck.dispose();
      }
    });
}
