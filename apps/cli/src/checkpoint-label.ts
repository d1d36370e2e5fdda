import { dirname, relative, resolve, sep } from 'node:path';
import { PRETRAINED_MODELS } from '@vqct/models';
import { pretrainedDir } from '@vqct/models/node';
import { readShippedCard } from './shipped-card';

/**
 * How a run records a checkpoint it started from (`--init`, `vqct ground`'s input, a held
 * codebook): portable, so a shipped sidecar names no folder of the machine that trained it.
 * A shipped model is `@vqct/models <name> <version>`; any other checkpoint is its sidecar's
 * path relative to the working folder (forward slashes), which is where the run's commands
 * ran. The weights' sha256 beside it is what identifies the checkpoint exactly.
 *
 * @example
 * checkpointLabel('/home/me/runs/a/checkpoints/last.json', '/home/me'); // 'runs/a/checkpoints/last.json'
 */
export function checkpointLabel(sidecarFile: string, cwd = process.cwd()): string {
  const shipped = shippedModelLabel(sidecarFile);
  if (shipped != null) return shipped;
  return relative(cwd, resolve(cwd, sidecarFile)).split(sep).join('/');
}

function shippedModelLabel(sidecarFile: string): string | null {
  const folder = resolve(dirname(sidecarFile));
  for (const name of PRETRAINED_MODELS) {
    const dir = resolve(pretrainedDir(name));
    if (folder !== dir) continue;
    try {
      const version: unknown = readShippedCard(name)?.version;
      return typeof version === 'string' ? `@vqct/models ${name} ${version}` : `@vqct/models ${name}`;
    } catch {
      return `@vqct/models ${name}`;
    }
  }
  return null;
}
