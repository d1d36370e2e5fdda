import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { ConfigError, InputError, IoError, isVqctError, parseJsonWithDepthLimit } from '@vqct/core';
import type { Corpus, CorpusFormat, Description } from './description';
import { readLines, ReadTally } from './line-stream';
import { readCocoCaptions } from './coco-reader';

/** Guesses the format from the path: a folder, .jsonl/.ndjson, .json (COCO), else text. */
export function detectCorpusFormat(path: string): CorpusFormat {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new IoError('no such file or folder', { file: path, cause: e });
  }
  if (isDir) return 'folder';
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.json') return 'coco';
  return 'text';
}

async function* textLines(file: string, tally: ReadTally): AsyncGenerator<Description> {
  for await (const { text, line } of readLines(file, tally)) {
    const t = text.trim();
    if (t.length > 0) yield { text: t, file, line };
  }
}

async function* jsonLines(file: string, tally: ReadTally): AsyncGenerator<Description> {
  for await (const { text, line } of readLines(file, tally)) {
    if (text.trim().length === 0) continue;
    let v: unknown;
    try {
      v = parseJsonWithDepthLimit(text, { file, line });
    } catch (e) {
      if (isVqctError(e)) throw new InputError(e.message.replace(`${file}:${line}: `, ''), { file, line });
      throw new InputError(`malformed JSON line (${(e as Error).message})`, { file, line });
    }
    if (v == null || typeof v !== 'object' || Array.isArray(v)) throw new InputError('expected a JSON object with a "caption" or "text" field', { file, line });
    const o = v as Record<string, unknown>;
    const caption = o.caption ?? o.text;
    if (typeof caption !== 'string') {
      throw new InputError(`expected a string "caption" or "text" field, found keys ${JSON.stringify(Object.keys(o).slice(0, 5))}`, { file, line });
    }
    if (caption.trim().length > 0) yield { text: caption.trim(), file, line };
  }
}

function listTxt(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (e) {
      throw new IoError(`cannot list (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: d, cause: e });
    }
    for (const ent of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile() && ent.name.toLowerCase().endsWith('.txt')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

async function* folderLines(dir: string, tally: ReadTally): AsyncGenerator<Description> {
  const files = listTxt(dir);
  if (files.length === 0) throw new InputError('the folder holds no .txt files', { file: dir });
  for (const f of files) {
    // The digest covers names too, so moving captions between classes changes it.
    tally.sha.update(`\u0000${relative(dir, f)}\u0000`);
    yield* textLines(f, tally);
  }
}

function totalBytes(path: string, format: CorpusFormat): number {
  try {
    if (format !== 'folder') return statSync(path).size;
    return listTxt(path).reduce((s, f) => s + statSync(f).size, 0);
  } catch {
    return 0;
  }
}

/**
 * Opens a corpus for streaming: plain text (one description per line), JSONL
 * (a "caption" or "text" field per line), COCO captions JSON
 * (`annotations[].caption`) or a folder tree of .txt files (CUB/Flowers
 * layout, files in name order). Throws an InputError naming the file when
 * the corpus is empty, binary or malformed.
 *
 * @example
 * const corpus = openCorpus('captions.jsonl');
 * for await (const d of corpus.descriptions()) console.log(d.line, d.text);
 */
export interface OpenCorpusOptions {
  /** Longest line (or COCO string) accepted, in characters (default DEFAULT_MAX_LINE_LENGTH, 2^24). */
  maxLineLength?: number;
}

export function openCorpus(path: string, format: CorpusFormat | 'auto' = 'auto', options: OpenCorpusOptions = {}): Corpus {
  const fmt = format === 'auto' ? detectCorpusFormat(path) : format;
  if (!['text', 'jsonl', 'coco', 'folder'].includes(fmt)) {
    throw new ConfigError(`unknown corpus format ${JSON.stringify(fmt)}; expected text, jsonl, coco or folder`);
  }
  let tally = new ReadTally(options.maxLineLength);
  let digest: string | undefined;
  const total = totalBytes(path, fmt);
  const source = (): AsyncGenerator<Description> => {
    switch (fmt) {
      case 'text': return textLines(path, tally);
      case 'jsonl': return jsonLines(path, tally);
      case 'coco': return readCocoCaptions(path, tally);
      case 'folder': return folderLines(path, tally);
    }
  };
  return {
    name: path,
    format: fmt,
    totalBytes: total,
    bytesRead: () => tally.bytes,
    async *descriptions() {
      tally = new ReadTally(options.maxLineLength); // each pass reads (and digests) the corpus afresh
      digest = undefined;
      let n = 0;
      for await (const d of source()) {
        n++;
        yield d;
      }
      if (n === 0) throw new InputError(`the corpus is empty: no descriptions found (format ${fmt})`, { file: path });
      digest = tally.sha.hex();
    },
    digest() {
      if (digest == null) throw new Error('corpus digest requested before the corpus was read');
      return digest;
    },
  };
}
