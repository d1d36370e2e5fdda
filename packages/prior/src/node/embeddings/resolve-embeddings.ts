import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, IoError } from '@vqct/core';
import type { EmbeddingSource } from '../../embeddings/embedding-source';
import { cachedEmbeddings } from './vector-cache';
import { clipTextEncoder } from './clip-text-encoder';
import { textVectors } from './text-vectors';
import { winkEmbeddings, winkEmbeddingsFile } from './wink-embeddings';

function fingerprint(kind: string, file: string): string {
  try {
    const s = statSync(file);
    return `${kind}|${file}|${s.size}|${Math.floor(s.mtimeMs)}`;
  } catch (e) {
    throw new IoError('no such file', { file, cause: e });
  }
}

/**
 * Turns the CLI's `--embeddings` value into a source: `wink` (the default),
 * `clip:DIR` (a local CLIP model folder) or a path to a GloVe / word2vec /
 * fastText text file. With `cacheFile`, vectors found are cached there.
 *
 * @example
 * const source = resolveEmbeddingSource('wink', { cacheFile: 'out/prior.vectors-cache.safetensors' });
 */
export function resolveEmbeddingSource(spec: string, options: { cacheFile?: string; onCacheHit?: (hits: number, asked: number) => void } = {}): EmbeddingSource {
  if (spec.trim().length === 0) throw new ConfigError('embeddings: expected wink, clip:DIR or a vectors file, got ""');
  let source: EmbeddingSource;
  let id: string;
  if (spec === 'wink') {
    const file = winkEmbeddingsFile();
    source = winkEmbeddings({ file });
    id = fingerprint('wink', file);
  } else if (spec.startsWith('clip:')) {
    const dir = spec.slice(5);
    source = clipTextEncoder(dir);
    id = fingerprint('clip', join(dir, 'config.json'));
  } else {
    source = textVectors(spec);
    id = fingerprint('text', spec);
  }
  if (options.cacheFile == null) return source;
  return cachedEmbeddings(source, { file: options.cacheFile, sourceId: id, onCacheHit: options.onCacheHit });
}
