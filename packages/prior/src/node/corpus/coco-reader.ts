import { InputError } from '@vqct/core';
import type { Description } from './description';
import { readText, type ReadTally } from './line-stream';
import { JsonScanner } from './json-scanner';

/**
 * Streams `annotations[].caption` out of a COCO captions JSON file
 * (captions_train2017.json and the like) without building its parse tree.
 * The record number in errors is the annotation's position (1-based).
 */
export async function* readCocoCaptions(file: string, tally: ReadTally): AsyncGenerator<Description> {
  const found: Description[] = [];
  let sawAnnotations = false;
  const scanner = new JsonScanner(file, (path, value, line) => {
    if (path[0] !== 'annotations') return;
    sawAnnotations = true;
    if (path.length === 3 && path[2] === 'caption') {
      if (typeof value !== 'string') throw new InputError(`annotations[${String(path[1])}].caption is not a string`, { file, line });
      if (value.trim().length > 0) found.push({ text: value.trim(), file, line });
    }
  }, tally.maxLineLength);
  for await (const text of readText(file, tally)) {
    scanner.write(text);
    for (const d of found) yield d;
    found.length = 0;
  }
  scanner.end();
  if (!sawAnnotations) throw new InputError('not a COCO captions file: no "annotations" array with "caption" fields', { file });
}
