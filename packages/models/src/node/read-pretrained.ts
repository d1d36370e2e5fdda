import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IoError } from '@vqct/core';
import { pretrainedFiles } from '../catalog';
import type { PretrainedBytes, PretrainedModel } from '../load-files';
import { checkPretrainedName, loadPretrainedFromBytes } from '../load-files';

/**
 * The folder of a shipped model inside this package (`weights/<name>/`):
 * a checkpoint folder the CLI's `--checkpoint` accepts (`<name>.json`).
 */
export function pretrainedDir(name: string): string {
  const id = checkPretrainedName(name);
  // dist/node/index.js -> ../../weights/<name>
  return join(fileURLToPath(new URL('../../weights/', import.meta.url)), id);
}

/** The four files of a shipped model, read from this package. */
export function readPretrainedBytes(name: string, dir = pretrainedDir(name)): PretrainedBytes {
  const files = pretrainedFiles(checkPretrainedName(name));
  const read = (file: string): Buffer => {
    try {
      return readFileSync(join(dir, file));
    } catch (e) {
      throw new IoError(`cannot read a file of the shipped model (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: join(dir, file), cause: e });
    }
  };
  return {
    weights: new Uint8Array(read(files.weights)),
    sidecar: read(files.sidecar).toString('utf8'),
    prior: new Uint8Array(read(files.prior)),
    card: read(files.card).toString('utf8'),
  };
}

/**
 * A shipped model in Node, in one call (set a backend first, e.g.
 * `await useNodeBackend()` from `@vqct/backend-node`).
 *
 * @example
 * import { loadPretrained } from '@vqct/models/node';
 * const emoji = loadPretrained('emoji-32');
 * console.log(emoji.card.heldOut.psnr);
 * emoji.dispose();
 */
export function loadPretrained(name: string, options: { dir?: string } = {}): PretrainedModel {
  return loadPretrainedFromBytes(name, readPretrainedBytes(name, options.dir));
}
