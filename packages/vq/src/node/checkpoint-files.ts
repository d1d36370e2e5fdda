import type * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, IoError } from '@vqct/core';
import { writeFileAtomic } from '@vqct/core/node';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CheckpointExpectations, CheckpointMeta } from '../checkpoint/codec';
import { decodeCheckpoint, encodeCheckpoint, parseCheckpointSidecar, restoreVariables } from '../checkpoint/codec';
import { stepWeightsFile, type CheckpointSidecar } from '../checkpoint/sidecar';

/** The sidecar that always names the newest complete checkpoint in a folder. */
export const LAST_CHECKPOINT = 'last.json';

/**
 * Writes a checkpoint into `dir`: `step-<n>.safetensors` (atomic), then
 * `step-<n>.json` and `last.json` (atomic). A crash at any point leaves the
 * previous `last.json` and the weights it names intact. Keeps the newest
 * `keep` weight files, and every one whose step is a multiple of `keepEvery`
 * (milestones to evaluate or ship later; 0: none).
 *
 * @example
 * saveCheckpoint('runs/a', step.state(), { modelConfig, priorDigest, ...trainer.state() });
 */
export function saveCheckpoint(
  dir: string,
  variables: Record<string, tf.Variable>,
  meta: Omit<CheckpointMeta, 'weightsFile'>,
  options: { keep?: number; keepEvery?: number } = {},
): CheckpointSidecar {
  const weightsFile = stepWeightsFile(meta.step);
  const { weights, sidecar, sidecarText } = encodeCheckpoint(variables, { ...meta, weightsFile });
  writeFileAtomic(join(dir, weightsFile), weights);
  writeFileAtomic(join(dir, weightsFile.replace(/\.safetensors$/, '.json')), sidecarText);
  writeFileAtomic(join(dir, LAST_CHECKPOINT), sidecarText);
  const keep = options.keep ?? 2;
  const old = readdirSync(dir).filter((f) => /^step-\d+\.(safetensors|json)$/.test(f)).sort();
  const steps = [...new Set(old.map((f) => f.replace(/\.(safetensors|json)$/, '')))];
  const every = options.keepEvery ?? 0;
  const milestone = (s: string): boolean => every > 0 && Number(s.slice('step-'.length)) % every === 0;
  for (const s of steps.slice(0, Math.max(0, steps.length - keep))) {
    if (`${s}.safetensors` === weightsFile || milestone(s)) continue;
    rmSync(join(dir, `${s}.safetensors`), { force: true });
    rmSync(join(dir, `${s}.json`), { force: true });
  }
  return sidecar;
}

function read(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new CheckpointError('file not found', { file: path, cause: e });
    throw new IoError(`cannot read (${err.code ?? err.message})`, { file: path, cause: e });
  }
}

/**
 * Reads and verifies a checkpoint: `path` is a folder (its `last.json`) or a
 * sidecar `.json`. Throws CheckpointError for a missing, truncated or corrupt
 * file, or one made for another model config or prior.
 *
 * @example
 * const ck = loadCheckpoint('runs/a', { modelConfig, priorDigest });
 * restoreVariables(ck.tensors, step.state(), ck.file);
 */
export function loadCheckpoint(path: string, expect: Omit<CheckpointExpectations, 'source'> = {}) {
  const sidecarPath = path.endsWith('.json') ? path : join(path, LAST_CHECKPOINT);
  if (!existsSync(sidecarPath)) throw new CheckpointError('no checkpoint here (no sidecar)', { file: sidecarPath });
  const sidecar = parseCheckpointSidecar(new TextDecoder().decode(read(sidecarPath)), sidecarPath);
  const dir = sidecarPath.slice(0, sidecarPath.length - basename(sidecarPath).length);
  const file = join(dir, sidecar.weightsFile);
  const tensors = decodeCheckpoint(read(file), sidecar, { ...expect, source: file });
  return { sidecar, tensors, file };
}

/** loadCheckpoint + restoreVariables in one call; returns the sidecar. */
export function restoreCheckpoint(path: string, variables: Record<string, tf.Variable>, expect: Omit<CheckpointExpectations, 'source'> = {}): CheckpointSidecar {
  const ck = loadCheckpoint(path, expect);
  restoreVariables(ck.tensors, variables, ck.file);
  return ck.sidecar;
}
