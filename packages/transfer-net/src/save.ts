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
  priorContentDigest(): string;
  rngState(): number[];
}

/*
 * File layout (safetensors, readable by Python's `safetensors`; the prior's conventions):
 *   gcn.{l}.weight F32 [in, out]   gcn.{l}.bias F32 [out]   (mlp.* for the MLP)
 *   __metadata__: format "vqct-transfer-net", format_version, config (JSON of the resolved
 *   options), k_adj, k_noun, dim, prior_content_digest, rng_state (JSON, 4 uint32).
 */

/**
 * Saves the weights and config (layout above). Deterministic: same net, same bytes.
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
    format_version: String(TRANSFER_NET_FORMAT_VERSION),
    config: JSON.stringify(net.config),
    k_adj: String(net.kAdj),
    k_noun: String(net.kNoun),
    dim: String(net.inputDim),
    prior_content_digest: net.priorContentDigest(),
    rng_state: JSON.stringify(net.rngState()),
  });
}

