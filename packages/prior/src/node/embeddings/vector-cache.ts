import { existsSync, readFileSync } from 'node:fs';
import { decodeSafetensors, encodeSafetensors } from '@vqct/core';
import { writeFileAtomic } from '@vqct/core/node';
import type { EmbeddingProgress, EmbeddingResult, EmbeddingSource, WordQuery } from '../../embeddings/embedding-source';

interface CacheContent {
  dim: number;
  found: Map<string, Float32Array>;
  missing: Set<string>;
}

const keyOf = (q: WordQuery): string => `${q.pos}:${q.word}`;

function readCache(file: string, sourceId: string): CacheContent | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(file)), { source: file });
    if (metadata.format !== 'vqct-vector-cache' || metadata.source !== sourceId) return undefined;
    const keys = JSON.parse(metadata.keys) as string[];
    const missing = JSON.parse(metadata.missing) as string[];
    const t = tensors.vectors;
    const dim = t.shape[1];
    if (t.dtype !== 'F32' || t.shape[0] !== keys.length) return undefined;
    const data = t.data as Float32Array;
    const found = new Map(keys.map((k, i) => [k, data.slice(i * dim, (i + 1) * dim)] as const));
    return { dim, found, missing: new Set(missing) };
  } catch {
    // A damaged cache is only a cache: rebuild it.
    return undefined;
  }
}

function writeCache(file: string, sourceId: string, c: CacheContent): void {
  const keys = [...c.found.keys()];
  const data = new Float32Array(keys.length * c.dim);
  keys.forEach((k, i) => data.set(c.found.get(k) as Float32Array, i * c.dim));
  writeFileAtomic(file, encodeSafetensors(
    { vectors: { dtype: 'F32', shape: [keys.length, c.dim], data } },
    { format: 'vqct-vector-cache', source: sourceId, keys: JSON.stringify(keys), missing: JSON.stringify([...c.missing]) },
  ));
}

export interface CachedEmbeddingsOptions {
  /** The cache file (safetensors). */
  file: string;
  /**
   * What the cached vectors depend on, e.g. the source file's path, size and
   * mtime; a cache made for another id is ignored and replaced.
   */
  sourceId: string;
  /** Called with how many words the cache answered. */
  onCacheHit?: (hits: number, asked: number) => void;
}

/**
 * Wraps an embedding source with a compact binary cache of the vectors it
 * returned (and of the words it had none for), so rebuilding a prior does not
 * rescan a 300 MB vectors file. Only words not in the cache reach `source`.
 *
 * @example
 * const source = cachedEmbeddings(winkEmbeddings(), { file: 'prior.vectors-cache.safetensors', sourceId: 'wink@1.1.0' });
 */
export function cachedEmbeddings(source: EmbeddingSource, options: CachedEmbeddingsOptions): EmbeddingSource {
  return {
    name: source.name,
    async lookup(queries: WordQuery[], onProgress?: EmbeddingProgress): Promise<EmbeddingResult> {
      const cache = readCache(options.file, options.sourceId) ?? { dim: 0, found: new Map(), missing: new Set<string>() };
      const todo = queries.filter((q) => !cache.found.has(keyOf(q)) && !cache.missing.has(keyOf(q)));
      options.onCacheHit?.(queries.length - todo.length, queries.length);
      if (todo.length > 0) {
        const fresh = await source.lookup(todo, onProgress);
        if (cache.dim !== 0 && fresh.dim !== cache.dim) {
          cache.found.clear();
          cache.missing.clear();
        }
        cache.dim = fresh.dim;
        todo.forEach((q, i) => {
          const v = fresh.vectors[i];
          if (v == null) cache.missing.add(keyOf(q));
          else cache.found.set(keyOf(q), v);
        });
        writeCache(options.file, options.sourceId, cache);
        if (queries.some((q) => !cache.found.has(keyOf(q)) && !cache.missing.has(keyOf(q)))) {
          return source.lookup(queries, onProgress); // dimension changed under us: answer from the source alone
        }
      }
      return { dim: cache.dim, vectors: queries.map((q) => cache.found.get(keyOf(q))) };
    },
  };
}
