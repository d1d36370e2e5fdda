import type { SafetensorsTensor } from '@vqct/core';
import { FormatError, decodeSafetensors, encodeSafetensors, isVqctError } from '@vqct/core';
import type { Prior } from '@vqct/prior';
import type { VqModelConfig } from '../config/types';
import type { CheckpointMeta } from './codec';
import { encodeCheckpointTensors, parseCheckpointSidecar } from './codec';
import type { CheckpointSidecar } from './sidecar';
import { canonicalJson } from './sidecar';
import { metadataJson, modelConfigFromTorchMetadata, tamingConfigOf } from './torch-config';
import { fromTorchLayout, toTorchLayout } from './torch-layout';
import { fromTorchName, toTorchName } from './torch-names';
import { TORCH_PRIOR_PREFIX, priorFromTorch, priorToTorch } from './torch-prior';

/** `__metadata__.format` of a torch file. */
export const TORCH_CHECKPOINT_FORMAT = 'vqct-torch';
/** `__metadata__.format_version` written by this version. */
export const TORCH_CHECKPOINT_FORMAT_VERSION = 1;

/*
 * A torch file is one safetensors file a PyTorch user loads with
 * `model.load_state_dict(safetensors.torch.load_file(path), strict=False)`:
 *   taming VQModel names and layouts (see torch-names.ts), NCHW / OIHW;
 *   prior.* (see torch-prior.ts); optimizer.* only on request (not a state_dict entry).
 *   __metadata__: format "vqct-torch", format_version, ddconfig (JSON, taming's Encoder/Decoder
 *   arguments), quantizer (JSON: kind, embed_dim = e, top_k, beta, legacy, k_adj, k_noun),
 *   transfer (JSON: the transfer net's options, absent for vq/ema), vqct_model_config and
 *   vqct_sidecar (JSON, written by vqct so that importing gives back the same checkpoint), prior.*.
 */

/** What `encodeTorchCheckpoint` reads: a decoded vqct checkpoint and what it was built from. */
export interface TorchExportInput {
  /** The checkpoint's tensors by vqct name (decodeCheckpoint's result). */
  tensors: Record<string, SafetensorsTensor>;
  sidecar: CheckpointSidecar;
  /** The resolved model config (the sidecar's modelConfig). */
  modelConfig: VqModelConfig;
  /** The transfer net's options; null for the learned codebooks. */
  transfer: Record<string, unknown> | null;
  prior: Prior | null;
}

export interface TorchExportOptions {
  /** Also write the Adam moments (optimizer.*), for a byte-identical way back (default false). */
  optimizer?: boolean;
  /** Write the PatchGAN discriminator (loss.discriminator.*) when the checkpoint has one (default true). */
  discriminator?: boolean;
}

function floatOrInt(t: SafetensorsTensor, name: string): Float32Array | Int32Array {
  if (t.data instanceof Float32Array || t.data instanceof Int32Array) return t.data;
  throw new FormatError(`"${name}" is ${t.dtype}; a checkpoint tensor is F32 or I32`);
}

/**
 * A vqct checkpoint as a torch file (layout above). Deterministic.
 *
 * @example
 * const bytes = encodeTorchCheckpoint({ tensors, sidecar, modelConfig, transfer, prior }, { optimizer: true });
 */
export function encodeTorchCheckpoint(input: TorchExportInput, options: TorchExportOptions = {}): Uint8Array {
  const out: Record<string, SafetensorsTensor> = {};
  const from: Record<string, string> = {};
  for (const [name, t] of Object.entries(input.tensors)) {
    const group = name.split('.')[0];
    if (group === 'opt' && options.optimizer !== true) continue;
    if (group === 'disc' && options.discriminator === false) continue;
    const mapped = toTorchName(name);
    if (from[mapped.name] != null) throw new FormatError(`"${name}" and "${from[mapped.name]}" both map to "${mapped.name}"`);
    from[mapped.name] = name;
    const moved = toTorchLayout(floatOrInt(t, name), t.shape, mapped.layout, name);
    out[mapped.name] = { dtype: t.dtype, shape: moved.shape, data: moved.data };
  }
  const { ddconfig, quantizer } = tamingConfigOf(input.modelConfig);
  const metadata: Record<string, string> = {
    format: TORCH_CHECKPOINT_FORMAT,
    format_version: String(TORCH_CHECKPOINT_FORMAT_VERSION),
    layout: 'NCHW; conv weights [out, in, kh, kw]; Linear weights [out, in]',
    ddconfig: JSON.stringify(ddconfig),
    quantizer: JSON.stringify(quantizer),
    vqct_model_config: JSON.stringify(input.modelConfig),
    vqct_sidecar: JSON.stringify(input.sidecar),
  };
  if (input.transfer != null) metadata.transfer = JSON.stringify(input.transfer);
  if (input.prior != null) {
    const p = priorToTorch(input.prior);
    Object.assign(out, p.tensors);
    Object.assign(metadata, p.metadata);
  }
  return encodeSafetensors(out, metadata);
}

/** A torch file read back into vqct's names and layouts. */
export interface TorchCheckpoint {
  /** Tensors by vqct checkpoint name (model.*, transfer.*, disc.*, opt.*), vqct layouts. */
  tensors: Record<string, SafetensorsTensor>;
  modelConfig: VqModelConfig;
  /** The transfer net's options (null: none recorded). */
  transfer: Record<string, unknown> | null;
  prior: Prior | null;
  /** The sidecar `vqct export` carried (unchecked JSON), null for a file written elsewhere. */
  carriedSidecar: Record<string, unknown> | null;
  /** Entries deliberately not imported, with the reason. */
  ignored: string[];
}

function ignoreReason(name: string, transfer: Record<string, unknown> | null): string | null {
  if (name.endsWith('.num_batches_tracked')) return 'BatchNorm batch counter (vqct keeps none)';
  if (name.startsWith('loss.perceptual_loss.')) return 'LPIPS weights (frozen; vqct has its own perceptual net)';
  if (name.startsWith('quantize.code_book_mapping.') && transfer?.kind !== 'mlp') return 'the MLP mapping is unused by a GCN transfer net';
  return null;
}

function checkFloat(t: SafetensorsTensor, torchName: string, file: string): Float32Array | Int32Array {
  if (!(t.data instanceof Float32Array) && !(t.data instanceof Int32Array)) {
    throw new FormatError(`"${torchName}" is ${t.dtype}; vqct reads float32 weights (save them with tensor.float())`, { file });
  }
  return t.data;
}

/**
 * Reads a torch file (written by `encodeTorchCheckpoint` or by the PyTorch
 * side in tools/torch) into vqct names and layouts. Never runs code: the file
 * is safetensors. Every tensor must map to a vqct name or be one of the known
 * ignorable entries; FormatError names the file and what is wrong.
 *
 * @example
 * const ck = decodeTorchCheckpoint(readFileSync('model.safetensors'), { source: 'model.safetensors' });
 */
export function decodeTorchCheckpoint(bytes: Uint8Array, options: { source?: string } = {}): TorchCheckpoint {
  const file = options.source ?? '<torch checkpoint>';
  let parsed: ReturnType<typeof decodeSafetensors>;
  try {
    parsed = decodeSafetensors(bytes, { source: file });
  } catch (e) {
    if (isVqctError(e)) throw new FormatError(`${e.message} (a Lightning .ckpt is a pickle: convert it with tools/torch/ckpt_to_safetensors.py, in the vqct repository, first)`, { file, cause: e });
    throw e;
  }
  const { tensors, metadata: md } = parsed;
  if (md.format !== TORCH_CHECKPOINT_FORMAT) {
    throw new FormatError(`not a vqct torch file (metadata "format" is ${JSON.stringify(md.format)}, expected "${TORCH_CHECKPOINT_FORMAT}"); convert a state_dict with tools/torch/ckpt_to_safetensors.py (vqct repository)`, { file });
  }
  if (md.format_version !== String(TORCH_CHECKPOINT_FORMAT_VERSION)) {
    throw new FormatError(`torch file format_version ${JSON.stringify(md.format_version)} is not supported (this build reads ${TORCH_CHECKPOINT_FORMAT_VERSION})`, { file });
  }
  const modelConfig = modelConfigFromTorchMetadata(md, file);
  const transfer = (metadataJson(md, 'transfer', file) ?? null) as Record<string, unknown> | null;
  const carried = (metadataJson(md, 'vqct_sidecar', file) ?? null) as Record<string, unknown> | null;
  const out: Record<string, SafetensorsTensor> = {};
  const ignored: string[] = [];
  const unknown: string[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(TORCH_PRIOR_PREFIX)) continue;
    const why = ignoreReason(name, transfer);
    if (why != null) {
      ignored.push(`${name}: ${why}`);
      continue;
    }
    const mapped = fromTorchName(name);
    if (mapped == null) {
      unknown.push(name);
      continue;
    }
    const moved = fromTorchLayout(checkFloat(t, name, file), t.shape, mapped.layout, name);
    out[mapped.name] = { dtype: t.dtype, shape: moved.shape, data: moved.data };
  }
  if (unknown.length > 0) {
    const list = `${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? `, ... (${unknown.length})` : ''}`;
    throw new FormatError(`tensors with no vqct counterpart (not a taming VQModel + VQCT quantizer?): ${list}`, { file });
  }
  return { tensors: out, modelConfig, transfer, prior: priorFromTorch(tensors, md, file), carriedSidecar: carried, ignored };
}

/** A vqct checkpoint rebuilt from a torch file: the bytes to write and whether they are the exported ones. */
export interface RebuiltCheckpoint {
  weights: Uint8Array;
  sidecar: CheckpointSidecar;
  sidecarText: string;
  /** True when the weights are byte-identical to the checkpoint `vqct export` started from. */
  identical: boolean;
}

/**
 * The vqct checkpoint (weights + sidecar) of a decoded torch file. With the
 * sidecar `vqct export` carried, everything but the weights' digest comes from
 * it (so an unchanged round trip is byte-identical); otherwise `fresh` gives
 * the record (step, data order, ...) of a checkpoint that starts here.
 *
 * @example
 * const { weights, sidecarText, identical } = checkpointFromTorch(ck, { ...fresh }, 'model.safetensors');
 */
export function checkpointFromTorch(ck: TorchCheckpoint, fresh: CheckpointMeta, source = '<torch checkpoint>'): RebuiltCheckpoint {
  if (ck.carriedSidecar == null) return { ...encodeCheckpointTensors(ck.tensors, fresh), identical: false };
  const carried = parseCheckpointSidecar(JSON.stringify(ck.carriedSidecar), `${source} (metadata vqct_sidecar)`);
  if (canonicalJson(carried.modelConfig) !== canonicalJson(ck.modelConfig)) {
    throw new FormatError('metadata "vqct_sidecar" is for a different model config than "vqct_model_config"', { file: source });
  }
  const { formatVersion: _f, weightsSha256, weightsBytes: _b, groups, createdAt, ...meta } = carried;
  // The carried group order, so that the sidecar text comes out the same.
  const rank = new Map(Object.keys(groups).map((g, i) => [g, i]));
  const names = Object.keys(ck.tensors).sort((a, b) => (rank.get(a.split('.')[0]) ?? rank.size) - (rank.get(b.split('.')[0]) ?? rank.size));
  const ordered = Object.fromEntries(names.map((n) => [n, ck.tensors[n]]));
  const out = encodeCheckpointTensors(ordered, meta, { createdAt });
  return { ...out, identical: out.sidecar.weightsSha256 === weightsSha256 };
}
