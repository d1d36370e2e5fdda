import { readFileSync } from 'node:fs';
import { IoError } from '@vqct/core';
import { writeFileAtomic } from '@vqct/core/node';
import { decodePrior, encodePrior } from '../format/prior-file';
import type { Prior } from '../types';

/**
 * Writes a prior as one safetensors file, atomically (never half-written).
 *
 * @example
 * savePrior('prior.safetensors', prior);
 */
export function savePrior(path: string, prior: Prior): void {
  writeFileAtomic(path, encodePrior(prior));
}

/**
 * Reads and validates a prior file; errors name the file.
 *
 * @example
 * const prior = loadPrior('prior.safetensors');
 */
export function loadPrior(path: string): Prior {
  let bytes: Uint8Array;
  try {
    // A fresh Uint8Array, not Node's pooled Buffer: decoders may use `.buffer`.
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new IoError(err.code === 'ENOENT' ? 'no such file' : `cannot read (${err.code ?? err.message})`, { file: path, cause: e });
  }
  return decodePrior(bytes, { source: path });
}
