import * as tf from '@tensorflow/tfjs-core';
import type { SafetensorsTensor } from '@vqct/core';
import { CheckpointError, ConfigError, sha256Hex } from '@vqct/core';
import type { Prior } from '@vqct/prior';
import { decodePrior, priorDigest } from '@vqct/prior';
import type { TransferNet, TransferNetOptions } from '@vqct/transfer-net';
import { createTransferNet } from '@vqct/transfer-net';
import type { CheckpointSidecar, VqModel } from '@vqct/vq';
import { createVqModel, decodeCheckpoint, parseCheckpointSidecar, resolveVqModelConfig, restoreVariables } from '@vqct/vq';
import type { ModelCard, PretrainedName } from './catalog';
import { PRETRAINED_MODELS, pretrainedFiles } from './catalog';

/** The bytes of a shipped model, however they were read. */
export interface PretrainedBytes {
  weights: Uint8Array;
  sidecar: string;
  prior: Uint8Array;
  card: string;
}

/** A shipped model, ready to encode and decode. */
export interface PretrainedModel {
  name: string;
  card: ModelCard;
  model: VqModel;
  /** The transfer net that makes the codebook from the prior. */
  net: TransferNet;
  prior: Prior;
  sidecar: CheckpointSidecar;
  /** The side of the images the model takes. */
  imageSize: number;
  /** Frees the model and the net. */
  dispose(): void;
}

/** Fails with ConfigError unless `name` is a shipped model. */
export function checkPretrainedName(name: string): PretrainedName {
  if (!(PRETRAINED_MODELS as readonly string[]).includes(name)) {
    throw new ConfigError(`no shipped model ${JSON.stringify(name)}; @vqct/models has ${PRETRAINED_MODELS.join(', ')}`);
  }
  return name as PretrainedName;
}

function group(tensors: Record<string, SafetensorsTensor>, prefix: string): Record<string, SafetensorsTensor> {
  return Object.fromEntries(Object.entries(tensors).filter(([n]) => n.startsWith(`${prefix}.`)).map(([n, t]) => [n.slice(prefix.length + 1), t]));
}

/** The transfer net as trained (the sidecar records it), without dropout; GPU backends aggregate by gather + scatter. */
function transferOptions(sidecar: CheckpointSidecar, codeDim: number): TransferNetOptions {
  const recorded = ((sidecar.trainConfig ?? {}) as { transfer?: TransferNetOptions | null }).transfer;
  if (recorded == null) throw new CheckpointError('the sidecar records no transfer net: not a VQCT model', { file: sidecar.weightsFile });
  const gpu = ['webgpu', 'webgl'].includes(tf.getBackend());
  return { ...recorded, codeDim, dropout: 0, aggregation: gpu ? 'gather-scatter' : 'sparse-segment' };
}

/**
 * Builds a shipped model from its bytes: checks every file against the card's
 * sha256, the weights against the sidecar and the prior against the digest
 * the model was trained with, then restores the transfer net and the model.
 * Needs a tfjs backend to be set (the caller picks it).
 *
 * @example
 * const m = loadPretrainedFromBytes('emoji-32', bytes);
 * const tokens = m.model.encode(x); m.dispose();
 */
export function loadPretrainedFromBytes(name: string, bytes: PretrainedBytes): PretrainedModel {
  const id = checkPretrainedName(name);
  const files = pretrainedFiles(id);
  let card: ModelCard;
  try {
    card = JSON.parse(bytes.card) as ModelCard;
  } catch (e) {
    throw new CheckpointError(`the model card is not JSON (${(e as Error).message})`, { file: `${id}/${files.card}`, cause: e });
  }
  const check = (file: string, data: Uint8Array | string): void => {
    const want = card.sha256?.[file];
    const got = sha256Hex(typeof data === 'string' ? new TextEncoder().encode(data) : data);
    if (want !== got) throw new CheckpointError(`sha256 ${got.slice(0, 12)}... is not the card's ${String(want).slice(0, 12)}... (corrupt or replaced)`, { file: `${id}/${file}` });
  };
  check(files.weights, bytes.weights);
  check(files.sidecar, bytes.sidecar);
  check(files.prior, bytes.prior);
  const prior = decodePrior(bytes.prior, { source: `${id}/${files.prior}` });
  const sidecar = parseCheckpointSidecar(bytes.sidecar, `${id}/${files.sidecar}`);
  const tensors = decodeCheckpoint(bytes.weights, sidecar, { priorDigest: priorDigest(prior), source: `${id}/${files.weights}` });
  const config = resolveVqModelConfig(sidecar.modelConfig as never);
  const net = createTransferNet(prior, transferOptions(sidecar, config.codeDim));
  let model: VqModel | null = null;
  try {
    restoreVariables(group(tensors, 'transfer'), net.namedWeights(), files.weights);
    model = createVqModel(config, { codebook: net });
    restoreVariables(group(tensors, 'model'), model.namedWeights(), files.weights);
  } catch (e) {
    model?.dispose();
    net.dispose();
    throw e;
  }
  // The codebook of a trained model is fixed: compute it once, here.
  tf.tidy(() => void net.inferenceCodebook());
  const m = model;
  return { name: id, card, model: m, net, prior, sidecar, imageSize: config.resolution, dispose: () => { m.dispose(); net.dispose(); } };
}
