import * as tf from '@tensorflow/tfjs-core';
import type { SafetensorsTensor } from '@vqct/core';
import { CheckpointError } from '@vqct/core';
import type { Prior } from '@vqct/prior';
import { decodePrior, priorDigest } from '@vqct/prior';
import type { TransferNet, TransferNetOptions } from '@vqct/transfer-net';
import { createTransferNet } from '@vqct/transfer-net';
import type { CheckpointSidecar, VqModel } from '@vqct/vq';
import { createVqModel, decodeCheckpoint, parseCheckpointSidecar, resolveVqModelConfig, restoreVariables } from '@vqct/vq';

/** A VQCT checkpoint's three files, each with the name errors cite. */
export interface TokenizerBytes {
  weights: { name: string; bytes: Uint8Array };
  sidecar: { name: string; text: string };
  prior: { name: string; bytes: Uint8Array };
}

/** A VQCT tokenizer restored from its files: the model, the transfer net that makes its codebook, the prior. */
export interface LoadedTokenizer {
  model: VqModel;
  net: TransferNet;
  prior: Prior;
  sidecar: CheckpointSidecar;
  /** Frees the model and the net. */
  dispose(): void;
}

/** Tensors of one group (`model.`, `transfer.`), without the prefix. */
function group(tensors: Record<string, SafetensorsTensor>, prefix: string): Record<string, SafetensorsTensor> {
  return Object.fromEntries(Object.entries(tensors).filter(([n]) => n.startsWith(`${prefix}.`)).map(([n, t]) => [n.slice(prefix.length + 1), t]));
}

/**
 * The transfer net's options for inference: the sidecar's training config where it records
 * them, checked against (and completed from) the saved weights (kind, layers, widths);
 * no dropout; GPU backends aggregate by gather + UnsortedSegmentSum (tfjs-webgpu's
 * SparseSegmentSum reads its segment ids back synchronously). Same sums either way.
 */
export function transferOptions(sidecar: CheckpointSidecar, weights: Record<string, SafetensorsTensor>, file: string): TransferNetOptions {
  const gpu = ['webgpu', 'webgl'].includes(tf.getBackend());
  const train = (sidecar.trainConfig ?? {}) as Record<string, unknown>;
  const recorded = (train.transfer ?? train.transferNet ?? train.codebook ?? {}) as TransferNetOptions;
  const names = Object.keys(weights);
  const kind = names[0]?.split('.')[0];
  if (kind !== 'gcn' && kind !== 'mlp') {
    throw new CheckpointError('no transfer net weights (transfer.gcn.* or transfer.mlp.*) in the checkpoint: it is not a VQCT model', { file });
  }
  const layers = names.filter((n) => n.endsWith('.weight')).length;
  const first = weights[`${kind}.0.weight`];
  const last = weights[`${kind}.${layers - 1}.weight`];
  return {
    ...recorded,
    kind,
    layers,
    hiddenDim: layers > 1 ? first.shape[1] : (recorded.hiddenDim ?? last.shape[1]),
    codeDim: last.shape[1],
    dropout: 0,
    aggregation: gpu ? 'gather-scatter' : 'sparse-segment',
  };
}

/**
 * Restores a VQCT tokenizer from a checkpoint's bytes (any backend; the caller picks it):
 * the weights are checked against the sidecar's digest and the prior's digest, the
 * sidecar's model config against the weights' shapes before anything is allocated;
 * a learned-codebook (vq/ema) checkpoint is refused, its codes having no words.
 * The inference codebook is computed once, here. Nothing is left allocated on error.
 *
 * @example
 * const tok = loadTokenizerFromBytes({ weights, sidecar, prior });
 * const tokens = tok.model.encode(x); tok.dispose();
 */
export function loadTokenizerFromBytes(files: TokenizerBytes): LoadedTokenizer {
  const prior = decodePrior(files.prior.bytes, { source: files.prior.name });
  const sidecar = parseCheckpointSidecar(files.sidecar.text, files.sidecar.name);
  if (sidecar.priorDigest == null) {
    const quantizer = (sidecar.modelConfig as { quantizer?: string } | null)?.quantizer ?? 'a non-vqct';
    throw new CheckpointError(`this checkpoint uses the ${quantizer} quantizer: its codes have no words (only vqct checkpoints do)`, { file: files.sidecar.name });
  }
  const tensors = decodeCheckpoint(files.weights.bytes, sidecar, { priorDigest: priorDigest(prior), source: files.weights.name });
  const transfer = group(tensors, 'transfer');
  const net = createTransferNet(prior, transferOptions(sidecar, transfer, files.weights.name));
  let model: VqModel | null = null;
  try {
    restoreVariables(transfer, net.namedWeights(), files.weights.name);
    const weights = group(tensors, 'model');
    // The sidecar's config is not covered by the weights' digest: its shapes are checked before allocating.
    const shapes = Object.fromEntries(Object.entries(weights).map(([k, t]) => [k, t.shape]));
    model = createVqModel(resolveVqModelConfig(sidecar.modelConfig as never), { codebook: net, expectShapes: { shapes, file: files.sidecar.name } });
    restoreVariables(weights, model.namedWeights(), files.weights.name);
  } catch (e) {
    model?.dispose();
    net.dispose();
    throw e;
  }
  tf.tidy(() => void net.inferenceCodebook());
  const m = model;
  return { model: m, net, prior, sidecar, dispose: () => (m.dispose(), net.dispose()) };
}
