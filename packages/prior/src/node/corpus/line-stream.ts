import { createReadStream, statSync } from 'node:fs';
import { InputError, IoError, Sha256 } from '@vqct/core';

/** A line of a file, 1-based. */
export interface Line {
  text: string;
  line: number;
}

/**
 * The longest line (or COCO JSON string/number) a corpus may hold, in characters:
 * 2^24 (16.7 M). A caption is a sentence; a longer line means a binary or broken
 * file, and is refused before it is held in memory. `openCorpus(..., { maxLineLength })` raises it.
 */
export const DEFAULT_MAX_LINE_LENGTH = 1 << 24;

/** Running totals shared by every file of one corpus, and its line limit. */
export class ReadTally {
  bytes = 0;
  readonly sha = new Sha256();
  constructor(readonly maxLineLength = DEFAULT_MAX_LINE_LENGTH) {}
}

function tooLong(file: string, line: number, max: number): InputError {
  return new InputError(`line is longer than ${max} characters (not a caption file, or raise maxLineLength)`, { file, line });
}

function checkFile(file: string): void {
  try {
    if (!statSync(file).isFile()) throw new InputError('is not a file', { file });
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new IoError(err.code === 'ENOENT' ? 'no such file' : `cannot read (${err.code ?? err.message})`, { file, cause: e });
  }
}

/**
 * Streams a UTF-8 file as decoded text chunks (never whole), feeding `tally`.
 * Rejects a file that looks binary (a NUL byte or invalid UTF-8), naming the
 * line it was found on.
 */
export async function* readText(file: string, tally: ReadTally): AsyncGenerator<string> {
  checkFile(file);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      tally.bytes += chunk.length;
      tally.sha.update(chunk);
      const nul = chunk.indexOf(0);
      if (nul >= 0) {
        const at = line + countNewlines(chunk.subarray(0, nul));
        throw new InputError('looks like a binary file (NUL byte), expected UTF-8 text', { file, line: at });
      }
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw new InputError('looks like a binary file (invalid UTF-8), expected UTF-8 text', { file, line });
      }
      line += countNewlines(chunk);
      yield text;
    }
    try {
      const tail = decoder.decode();
      if (tail.length > 0) yield tail;
    } catch {
      throw new InputError('ends inside a UTF-8 character (truncated or binary)', { file, line });
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new IoError(`cannot read (${err.code ?? err.message})`, { file, line, cause: e });
  } finally {
    stream.destroy();
  }
}

function countNewlines(b: Uint8Array): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** Streams a UTF-8 file line by line (see `readText`); lines are 1-based, without "\r". */
export async function* readLines(file: string, tally: ReadTally): AsyncGenerator<Line> {
  let rest = '';
  let line = 0;
  for await (const text of readText(file, tally)) {
    if (!text.includes('\n')) {
      // Checked before joining, so a gigabyte without a newline is refused at the limit, not held;
      // and appended without a split (which would copy the whole line once per chunk).
      if (rest.length + text.length > tally.maxLineLength) throw tooLong(file, line + 1, tally.maxLineLength);
      rest += text;
      continue;
    }
    const parts = (rest + text).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) {
      if (p.length > tally.maxLineLength) throw tooLong(file, line + 1, tally.maxLineLength);
      yield { text: p.endsWith('\r') ? p.slice(0, -1) : p, line: ++line };
    }
    if (rest.length > tally.maxLineLength) throw tooLong(file, line + 1, tally.maxLineLength);
  }
  if (rest.length > 0) yield { text: rest.endsWith('\r') ? rest.slice(0, -1) : rest, line: ++line };
}
