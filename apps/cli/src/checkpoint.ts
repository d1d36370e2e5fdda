import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { SafetensorsTensor } from '@vqct/core';
import { CheckpointError } from '@vqct/core';
import type { Prior } from '@vqct/prior';
import { priorDigest } from '@vqct/prior';
import { loadPrior } from '@vqct/prior/node';
import { createTransferNet, type TransferNet } from '@vqct/transfer-net';
import type { CheckpointSidecar, VqModel } from '@vqct/vq';
import { createVqModel, decodeCheckpoint, parseCheckpointSidecar, resolveVqModelConfig, restoreVariables } from '@vqct/vq';
import { PRETRAINED_MODELS } from '@vqct/models';
import { pretrainedDir } from '@vqct/models/node';
import type { RunSettings } from './train/settings';

/**
 * Finds the sidecar of `--checkpoint`: a run folder (its checkpoints/last.json),
 * a checkpoints folder (last.json), a sidecar .json, a weights .safetensors
 * (the .json with the same name), or the name of a model `@vqct/models` ships.
 */
export function resolveCheckpointSidecar(path: string): string {
  if (!existsSync(path) && (PRETRAINED_MODELS as readonly string[]).includes(path)) return join(pretrainedDir(path), `${path}.json`);
  if (!existsSync(path)) throw new CheckpointError('--checkpoint: no such file or folder', { file: path });
  if (statSync(path).isDirectory()) {
    for (const p of [join(path, 'checkpoints', 'last.json'), join(path, 'last.json')]) if (existsSync(p)) return p;
    throw new CheckpointError('--checkpoint: this folder has no last.json or checkpoints/last.json (not a run or checkpoints folder)', { file: path });
  }
  if (path.endsWith('.safetensors')) {
    const side = path.replace(/\.safetensors$/, '.json');
    if (!existsSync(side)) throw new CheckpointError(`--checkpoint: the sidecar ${basename(side)} is missing next to the weights`, { file: path });
    return side;
  }
  return path;
}

/** A checkpoint ready for inference. */
export interface LoadedCheckpoint {
  model: VqModel;
  net: TransferNet | null;
  prior: Prior | null;
  priorFile: string | null;
  sidecar: CheckpointSidecar;
  sidecarFile: string;
  settings: Partial<RunSettings>;
  /** The token grid [h', w'] and image side the model expects. */
  imageSize: number;
  channels: 1 | 3;
  dispose(): void;
}

function group(tensors: Record<string, SafetensorsTensor>, prefix: string): Record<string, SafetensorsTensor> {
  return Object.fromEntries(Object.entries(tensors).filter(([n]) => n.startsWith(`${prefix}.`)).map(([n, t]) => [n.slice(prefix.length + 1), t]));
}

/** The prior of a checkpoint: `--prior` when given, else the file its sidecar names (next to it). */
function locatePrior(settings: Partial<RunSettings>, sidecarFile: string, override?: string): string {
  if (override != null) return override;
  const rec = settings.prior;
  if (rec == null) throw new CheckpointError('the checkpoint does not say which prior it was trained with; pass --prior', { file: sidecarFile });
  const candidates = [isAbsolute(rec.file) ? rec.file : join(dirname(sidecarFile), rec.file), rec.source].filter((p): p is string => p != null);
  const found = candidates.find((p) => existsSync(p));
  if (found == null) {
    throw new CheckpointError(`the prior ${rec.file} (sha256 ${rec.digest.slice(0, 12)}...) is not next to the checkpoint nor at ${rec.source}; pass --prior`, { file: sidecarFile });
  }
  return found;
}

/** A checkpoint's files, verified (size, sha256, prior digest) but not yet turned into a model. */
export interface CheckpointFiles {
  sidecar: CheckpointSidecar;
  sidecarFile: string;
  settings: Partial<RunSettings>;
  weightsFile: string;
  /** The decoded tensors by checkpoint name (model.*, transfer.*, disc.*, opt.*). */
  tensors: Record<string, SafetensorsTensor>;
  prior: Prior | null;
  priorFile: string | null;
}

/**
 * Reads and verifies a checkpoint's sidecar, weights and prior (see
 * `resolveCheckpointSidecar` for what `path` may be). CheckpointError names the
 * file and what is wrong.
 *
 * @example
 * const files = readCheckpointFiles('runs/a'); files.tensors['model.quant_conv.kernel'].shape;
 */
export function readCheckpointFiles(path: string, options: { prior?: string } = {}): CheckpointFiles {
  const sidecarFile = resolveCheckpointSidecar(path);
  let text: string;
  try {
    text = readFileSync(sidecarFile, 'utf8');
  } catch (e) {
    throw new CheckpointError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: sidecarFile, cause: e });
  }
  const sidecar = parseCheckpointSidecar(text, sidecarFile);
  const settings = (sidecar.trainConfig ?? {}) as Partial<RunSettings>;
  const weightsFile = join(dirname(sidecarFile), sidecar.weightsFile);
  if (!existsSync(weightsFile)) throw new CheckpointError(`the weights file ${sidecar.weightsFile} named by the sidecar is missing`, { file: sidecarFile });
  const weights = new Uint8Array(readFileSync(weightsFile));
  let prior: Prior | null = null;
  let priorFile: string | null = null;
  if (sidecar.priorDigest != null) {
    priorFile = locatePrior(settings, sidecarFile, options.prior);
    prior = loadPrior(priorFile);
    const digest = priorDigest(prior);
    if (digest !== sidecar.priorDigest) {
      throw new CheckpointError(`this prior (sha256 ${digest.slice(0, 12)}...) is not the one the checkpoint was trained with (${sidecar.priorDigest.slice(0, 12)}...)`, { file: priorFile });
    }
  }
  const tensors = decodeCheckpoint(weights, sidecar, { source: weightsFile });
  return { sidecar, sidecarFile, settings, weightsFile, tensors, prior, priorFile };
}

/**
 * Loads a checkpoint for inference: verifies the weights (size, sha256), finds
 * and checks the prior (digest), rebuilds the transfer net and the model and
 * restores them. A prior that does not match is a CheckpointError.
 *
 * @example
 * const ck = loadForInference('runs/a'); const tokens = ck.model.encode(x); ck.dispose();
 */
export function loadForInference(path: string, options: { prior?: string } = {}): LoadedCheckpoint {
  const { sidecar, sidecarFile, settings, weightsFile, tensors, prior, priorFile } = readCheckpointFiles(path, options);
  const config = resolveVqModelConfig(sidecar.modelConfig as never);
  let net: TransferNet | null = null;
  let model: VqModel | null = null;
  try {
    if (prior != null) {
      const transfer = group(tensors, 'transfer');
      const opts = settings.transfer ?? undefined;
      net = createTransferNet(prior, { ...opts, codeDim: config.codeDim, dropout: 0 });
      restoreVariables(transfer, net.namedWeights(), weightsFile);
    }
    model = createVqModel(config, { codebook: net ?? undefined });
    restoreVariables(group(tensors, 'model'), model.namedWeights(), weightsFile);
  } catch (e) {
    model?.dispose();
    net?.dispose();
    throw e;
  }
  if (net != null) tf.tidy(() => void net?.inferenceCodebook());
  const m = model;
  const n = net;
  return {
    model: m, net: n, prior, priorFile, sidecar, sidecarFile: resolve(sidecarFile), settings,
    imageSize: config.resolution,
    channels: config.inChannels === 1 ? 1 : 3,
    dispose: () => { m.dispose(); n?.dispose(); },
  };
}
