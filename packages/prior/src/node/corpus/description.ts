/** One image description read from a corpus, with where it came from (for errors). */
export interface Description {
  text: string;
  file: string;
  /** 1-based line (or record) number in `file`. */
  line: number;
}

export type CorpusFormat = 'text' | 'jsonl' | 'coco' | 'folder';

/**
 * A corpus being read: descriptions as a stream, and the SHA-256 of every byte
 * read, available once the stream is done.
 */
export interface Corpus {
  /** Names the corpus in reports and errors. */
  readonly name: string;
  readonly format: CorpusFormat | 'wordnet';
  /** Total bytes to read, for progress (0 when unknown). */
  readonly totalBytes: number;
  /** Bytes read so far. */
  bytesRead(): number;
  descriptions(): AsyncIterable<Description>;
  /** SHA-256 hex of the bytes read; call after `descriptions()` is exhausted. */
  digest(): string;
}
