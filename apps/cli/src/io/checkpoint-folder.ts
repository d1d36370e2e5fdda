import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { IoError } from '@vqct/core';
import { writeFileAtomic } from '@vqct/core/node';
import type { Prior } from '@vqct/prior';
import { encodePrior } from '@vqct/prior';
import type { CheckpointSidecar } from '@vqct/vq';

/** IoError unless `dir` is free to write a checkpoint into (no last.json, or `force`). */
export function checkCheckpointFolderFree(dir: string, force: boolean | undefined): void {
  if (existsSync(join(dir, 'last.json')) && force !== true) {
    throw new IoError('-o: this folder already holds a checkpoint (last.json); pass --force to overwrite it', { file: dir });
  }
}

/**
 * Writes a checkpoints folder a command made (not a training run): the prior,
 * step-N.safetensors and its sidecar, and last.json, each through a temporary
 * file and a rename. Returns the path of last.json.
 */
export function writeCheckpointFolder(dir: string, built: { weights: Uint8Array; sidecar: CheckpointSidecar; sidecarText: string }, prior: Prior | null): string {
  mkdirSync(dir, { recursive: true });
  if (prior != null) writeFileAtomic(join(dir, 'prior.safetensors'), encodePrior(prior));
  writeFileAtomic(join(dir, built.sidecar.weightsFile), built.weights);
  writeFileAtomic(join(dir, built.sidecar.weightsFile.replace(/\.safetensors$/, '.json')), built.sidecarText);
  const last = join(dir, 'last.json');
  writeFileAtomic(last, built.sidecarText);
  return last;
}
