/**
 * Checkpoint + sidecar + prior bytes -> a ready VQCT tokenizer (model + transfer net),
 * with the real packages and no backend choice: the worker (WebGPU) and the Node parity
 * check in the tests build the model with this same function.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SafetensorsTensor } from '@vqct/core';
import { CheckpointError } from '@vqct/core';
import type { Prior } from '@vqct/prior';
import { decodePrior, priorDigest } from '@vqct/prior';
import type { TransferNet, TransferNetOptions } from '@vqct/transfer-net';
import { createTransferNet } from '@vqct/transfer-net';
import type { CheckpointSidecar, VqModel } from '@vqct/vq';
import { createVqModel, decodeCheckpoint, parseCheckpointSidecar, resolveVqModelConfig, restoreVariables } from '@vqct/vq';
import type { ModelFiles } from './engine';

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
  return Object.fromEntries(
    Object.entries(tensors)
      .filter(([name]) => name.startsWith(`${prefix}.`))
      .map(([name, t]) => [name.slice(prefix.length + 1), t]),
  );
}

/**
 * The transfer net's options: from the sidecar's training config when it records them,
 * else read off the saved weights (kind, layers, widths). Inference needs no dropout,
 * and `gather-scatter` suits GPU backends.
 */
export function transferOptions(sidecar: CheckpointSidecar, weights: Record<string, SafetensorsTensor>, file: string): TransferNetOptions {
  // GPU backends: gather + UnsortedSegmentSum (tfjs-webgpu's SparseSegmentSum reads its
  // segment ids back synchronously, which WebGPU cannot do well). Same sums either way.
  const gpu = ['webgpu', 'webgl'].includes(tf.getBackend());
  const train = (sidecar.trainConfig ?? {}) as Record<string, unknown>;
  const recorded = (train.transfer ?? train.transferNet ?? train.codebook ?? {}) as TransferNetOptions;
  const names = Object.keys(weights);
  const kind = names[0]?.split('.')[0];
  if (kind !== 'gcn' && kind !== 'mlp') {
    throw new CheckpointError(`no transfer net weights (transfer.gcn.* or transfer.mlp.*) in the checkpoint: it is not a VQCT model`, { file });
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

export function loadTokenizer(files: ModelFiles): LoadedTokenizer {
  const prior = decodePrior(files.prior.bytes, { source: files.prior.name });
  const sidecar = parseCheckpointSidecar(files.sidecar.text, files.sidecar.name);
  if (sidecar.priorDigest == null) {
    const quantizer = (sidecar.modelConfig as { quantizer?: string } | null)?.quantizer ?? 'a non-vqct';
    throw new CheckpointError(`this checkpoint uses the ${quantizer} quantizer: its codes have no words (only vqct checkpoints do)`, { file: files.sidecar.name });
  }
  const tensors = decodeCheckpoint(files.checkpoint.bytes, sidecar, { priorDigest: priorDigest(prior), source: files.checkpoint.name });
  const transfer = group(tensors, 'transfer');
  const net = createTransferNet(prior, transferOptions(sidecar, transfer, files.checkpoint.name));
  let model: VqModel | null = null;
  try {
    restoreVariables(transfer, net.namedWeights(), files.checkpoint.name);
    const weights = group(tensors, 'model');
    // The sidecar's config is not covered by the weights' digest: its shapes are checked before allocating.
    const shapes = Object.fromEntries(Object.entries(weights).map(([k, t]) => [k, t.shape]));
    model = createVqModel(resolveVqModelConfig(sidecar.modelConfig as never), { codebook: net, expectShapes: { shapes, file: files.sidecar.name } });
    restoreVariables(weights, model.namedWeights(), files.checkpoint.name);
  } catch (e) {
    model?.dispose();
    net.dispose();
    throw e;
  }
  // The inference codebook is computed once, here, rather than on the first image.
  tf.tidy(() => void net.inferenceCodebook());
  const m = model;
  return { model: m, net, prior, sidecar, dispose: () => (m.dispose(), net.dispose()) };
}
