import type * as tf from '@tensorflow/tfjs-core';
import { encodeSafetensors, type SafetensorsTensor } from '@vqct/core';
import type { ResolvedTransferNetOptions } from './options';

/** `__metadata__.format` of a saved transfer net. */
export const TRANSFER_NET_FORMAT = 'vqct-transfer-net';
/** `__metadata__.formatVersion` written by this version. */
export const TRANSFER_NET_FORMAT_VERSION = 1;

/** What saving reads from a net (a `TransferNet` has all of it). */
export interface SavableTransferNet {
  readonly config: Readonly<ResolvedTransferNetOptions>;
  readonly kAdj: number;
  readonly kNoun: number;
  readonly inputDim: number;
  namedWeights(): Record<string, tf.Variable>;
  priorDigest(): string;
  rngState(): number[];
}

/**
 * Saves the weights (F32, under `namedWeights()` names) and, in `__metadata__`, the
 * format, the resolved config (JSON), the prior's sizes and digest, and the dropout
 * stream's state. Bytes open in Python's `safetensors` too.
 *
 * @example
 * const bytes = transferNetToSafetensors(net); // the same as net.toSafetensors()
 */
export function transferNetToSafetensors(net: SavableTransferNet): Uint8Array {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, v] of Object.entries(net.namedWeights())) {
    tensors[name] = { dtype: 'F32', shape: [...v.shape], data: v.dataSync() as Float32Array };
  }
  return encodeSafetensors(tensors, {
    format: TRANSFER_NET_FORMAT,
    formatVersion: String(TRANSFER_NET_FORMAT_VERSION),
    config: JSON.stringify(net.config),
    prior: JSON.stringify({ kAdj: net.kAdj, kNoun: net.kNoun, dim: net.inputDim, digest: net.priorDigest() }),
    rngState: JSON.stringify(net.rngState()),
  });
}

