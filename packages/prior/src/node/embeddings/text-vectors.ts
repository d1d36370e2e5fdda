import { InputError } from '@vqct/core';
import type { EmbeddingProgress, EmbeddingResult, EmbeddingSource, WordQuery } from '../../embeddings/embedding-source';
import { readLines, ReadTally } from '../corpus/line-stream';
import { statSync } from 'node:fs';

/**
 * Word vectors from a text file, streamed: GloVe (`word v1 ... vd`), word2vec
 * text and fastText .vec (the same rows after an `N d` header line). Every
 * row must have the same number of values; a ragged or non-numeric row is an
 * InputError naming the file and line. The first occurrence of a word wins.
 *
 * @example
 * const source = textVectors('glove.6B.300d.txt');
 */
export function textVectors(file: string): EmbeddingSource {
  return {
    name: `vectors:${file}`,
    async lookup(queries: WordQuery[], onProgress?: EmbeddingProgress): Promise<EmbeddingResult> {
      const wanted = new Set(queries.map((q) => q.word));
      const found = new Map<string, Float32Array>();
      const tally = new ReadTally();
      let total = 0;
      try {
        total = statSync(file).size;
      } catch { /* readLines reports it */ }
      let dim = 0;
      let rows = 0;
      for await (const { text, line } of readLines(file, tally)) {
        const t = text.trimEnd();
        if (t.length === 0) continue;
        const fields = t.split(' ');
        if (line === 1 && fields.length === 2 && /^\d+$/.test(fields[0]) && /^\d+$/.test(fields[1])) {
          dim = Number(fields[1]); // word2vec / fastText header "count dim"
          continue;
        }
        const n = fields.length - 1;
        if (dim === 0) {
          if (n < 1) throw new InputError('a vectors row needs a word and at least one value', { file, line });
          dim = n;
        } else if (n !== dim) {
          throw new InputError(`ragged row: ${n} values, expected ${dim} like the rows before`, { file, line });
        }
        rows++;
        const word = fields[0];
        if (wanted.has(word) && !found.has(word)) {
          const v = new Float32Array(dim);
          for (let i = 0; i < dim; i++) {
            const x = Number(fields[i + 1]);
            if (!Number.isFinite(x)) throw new InputError(`value ${i + 1} of "${word}" is not a number: ${JSON.stringify(fields[i + 1])}`, { file, line });
            v[i] = x;
          }
          found.set(word, v);
        }
        if ((rows & 0x3fff) === 0) onProgress?.({ phase: 'scan vectors', done: tally.bytes, total });
      }
      if (rows === 0) throw new InputError('the vectors file has no rows', { file });
      onProgress?.({ phase: 'scan vectors', done: tally.bytes, total });
      return { dim, vectors: queries.map((q) => found.get(q.word)) };
    },
  };
}
