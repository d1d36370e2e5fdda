import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, FormatError, decodeSafetensors, parseJsonWithDepthLimit } from '@vqct/core';
import { resolveTransferNetOptions } from './options';
import { TRANSFER_NET_FORMAT, TRANSFER_NET_FORMAT_VERSION } from './save';
import { createTransferNet, type TransferNet } from './transfer-net';
import type { TransferNetPrior } from './validate-prior';

function parseJson(text: string | undefined, key: string, file: string): unknown {
  if (text == null) throw new FormatError(`missing __metadata__.${key}: not a saved transfer net`, { file });
  try {
    return parseJsonWithDepthLimit(text, { file });
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError(`__metadata__.${key}: ${e.message.replace(`${file}: `, '')}`, { file, cause: e });
    throw new FormatError(`__metadata__.${key} is not JSON (${(e as Error).message})`, { file, cause: e });
  }
}

/**
 * Restores a net saved by `toSafetensors()` for the same prior: checks the format,
 * the config, the prior (sizes and digest) and every weight's name and shape, then
 * copies the weights bit-exactly. Throws `FormatError`, `ConfigError` or `CheckpointError`.
 *
 * @example
 * const net = transferNetFromSafetensors(bytes, prior, { source: 'transfer-net.safetensors' });
 */
export function transferNetFromSafetensors(bytes: Uint8Array, prior: TransferNetPrior, options: { source?: string } = {}): TransferNet {
  const file = options.source ?? '<transfer-net.safetensors>';
  const { tensors, metadata } = decodeSafetensors(bytes, { source: file });
  if (metadata.format !== TRANSFER_NET_FORMAT) {
    throw new FormatError(`__metadata__.format is ${JSON.stringify(metadata.format)}, expected "${TRANSFER_NET_FORMAT}"`, { file });
  }
  if (metadata.format_version !== String(TRANSFER_NET_FORMAT_VERSION)) {
    throw new FormatError(`format version ${metadata.format_version} is not supported (this reader knows ${TRANSFER_NET_FORMAT_VERSION})`, { file });
  }
  const config = resolveTransferNetOptions(parseJson(metadata.config, 'config', file) as object, file);
  for (const key of ['k_adj', 'k_noun', 'dim', 'prior_content_digest']) {
    if (metadata[key] == null) throw new FormatError(`missing __metadata__.${key}: not a saved transfer net`, { file });
  }
  const saved = { kAdj: Number(metadata.k_adj), kNoun: Number(metadata.k_noun), dim: Number(metadata.dim), digest: metadata.prior_content_digest };
  if (saved.kAdj !== prior.kAdj || saved.kNoun !== prior.kNoun || saved.dim !== prior.dim) {
    throw new CheckpointError(
      `the net was trained on a prior with kAdj ${saved.kAdj}, kNoun ${saved.kNoun}, dim ${saved.dim}; ` +
        `this prior has kAdj ${prior.kAdj}, kNoun ${prior.kNoun}, dim ${prior.dim}`,
      { file },
    );
  }
  const net = createTransferNet(prior, config);
  try {
    if (saved.digest !== net.priorContentDigest()) {
      throw new CheckpointError(`the net was trained on a different prior (digest ${String(saved.digest).slice(0, 12)}…, this prior ${net.priorContentDigest().slice(0, 12)}…)`, { file });
    }
    const weights = net.namedWeights();
    const extra = Object.keys(tensors).filter((n) => !(n in weights));
    if (extra.length > 0) throw new CheckpointError(`unexpected tensors ${extra.join(', ')} for a ${config.kind} of ${config.layers} layers`, { file });
    for (const [name, v] of Object.entries(weights)) {
      const t = tensors[name];
      if (t == null) throw new CheckpointError(`tensor "${name}" is missing`, { file });
      if (t.dtype !== 'F32' || t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i])) {
        throw new CheckpointError(`tensor "${name}" is ${t.dtype} [${t.shape.join(', ')}], expected F32 [${v.shape.join(', ')}]`, { file });
      }
    }
    for (const [name, v] of Object.entries(weights)) {
      const t = tensors[name];
      tf.tidy(() => v.assign(tf.tensor(t.data as Float32Array, t.shape, 'float32')));
    }
    if (metadata.rng_state != null) {
      const state = parseJson(metadata.rng_state, 'rng_state', file);
      try {
        net.setRngState(state as number[]);
      } catch (e) {
        throw new FormatError(`__metadata__.rng_state is not a valid RNG state: ${(e as Error).message}`, { file, cause: e });
      }
    }
    return net;
  } catch (e) {
    net.dispose();
    throw e;
  }
}
