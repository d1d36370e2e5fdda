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

export function group(tensors: Record<string, SafetensorsTensor>, prefix: string): Record<string, SafetensorsTensor> {
  return Object.fromEntries(Object.entries(tensors).filter(([n]) => n.startsWith(`${prefix}.`)).map(([n, t]) => [n.slice(prefix.length + 1), t]));
}

/** The largest model resolution a checkpoint may claim (the paper's is 256). */
const MAX_RESOLUTION = 4096;

/** The recorded transfer-net options must describe the saved weights (checked before the net is built). */
function checkTransferShapes(transfer: Record<string, SafetensorsTensor>, opts: { kind?: string; layers?: number; hiddenDim?: number } | undefined, file: string): void {
  const kind = opts?.kind ?? 'gcn';
  const layers = opts?.layers ?? 2;
  const first = transfer[`${kind}.0.weight`];
  const ok = Number.isInteger(layers) && layers >= 1 && layers <= 16 && first != null && transfer[`${kind}.${layers - 1}.weight`] != null
    && (layers === 1 || opts?.hiddenDim == null || first.shape[1] === opts.hiddenDim);
  if (!ok) throw new CheckpointError(`the recorded transfer net (${kind}, ${layers} layers, hidden ${String(opts?.hiddenDim)}) does not match the saved transfer.* weights`, { file });
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
  // The sidecar's configs are not covered by the weights' sha256: nothing they claim is
  // allocated before it is checked against the weights (or a sane bound, for the image side).
  if (config.resolution > MAX_RESOLUTION) {
    throw new CheckpointError(`modelConfig.resolution ${config.resolution} is more than ${MAX_RESOLUTION} (not a checkpoint vqct wrote?)`, { file: sidecarFile });
  }
  let net: TransferNet | null = null;
  let model: VqModel | null = null;
  try {
    if (prior != null) {
      const transfer = group(tensors, 'transfer');
      const opts = settings.transfer ?? undefined;
      checkTransferShapes(transfer, opts, weightsFile);
      net = createTransferNet(prior, { ...opts, codeDim: config.codeDim, dropout: 0 });
      restoreVariables(transfer, net.namedWeights(), weightsFile);
    }
    const weights = group(tensors, 'model');
    model = createVqModel(config, { codebook: net ?? undefined, expectShapes: { shapes: Object.fromEntries(Object.entries(weights).map(([k, t]) => [k, t.shape])), file: sidecarFile } });
    restoreVariables(weights, model.namedWeights(), weightsFile);
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
