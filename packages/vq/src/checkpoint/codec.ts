import * as tf from '@tensorflow/tfjs-core';
import type { SafetensorsTensor } from '@vqct/core';
import { CheckpointError, decodeSafetensors, encodeSafetensors, isVqctError, parseWithSchema, sha256Hex } from '@vqct/core';
import type { CheckpointSidecar } from './sidecar';
import { CHECKPOINT_FORMAT_VERSION, canonicalJson, checkpointSidecarSchema } from './sidecar';

export type CheckpointMeta = Omit<CheckpointSidecar, 'formatVersion' | 'weightsSha256' | 'weightsBytes' | 'groups' | 'createdAt'>;

/**
 * Serializes variables (names like `model.encoder.conv_in.kernel`,
 * `transfer.*`, `disc.*`, `opt.g.m.*`) to safetensors bytes and a sidecar
 * carrying their digest. Browser-safe; `@vqct/vq/node` writes the files.
 *
 * @example
 * const { weights, sidecar } = encodeCheckpoint(step.state(), { weightsFile: 'step-100.safetensors', modelConfig, priorDigest, ...trainer.state() });
 */
export function encodeCheckpoint(
  variables: Record<string, tf.Variable>,
  meta: CheckpointMeta,
): { weights: Uint8Array; sidecar: CheckpointSidecar; sidecarText: string } {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, v] of Object.entries(variables)) {
    const dtype = v.dtype === 'int32' ? 'I32' : v.dtype === 'float32' ? 'F32' : undefined;
    if (dtype == null) throw new CheckpointError(`variable "${name}" has dtype ${v.dtype}; only float32/int32 can be saved`);
    const data = v.dataSync();
    tensors[name] = { dtype, shape: v.shape.slice(), data: dtype === 'I32' ? Int32Array.from(data) : Float32Array.from(data) };
  }
  return encodeCheckpointTensors(tensors, meta);
}

/**
 * `encodeCheckpoint` over plain tensors (already read back, e.g. converted from
 * another format). `createdAt` keeps a carried timestamp (default: now), so a
 * checkpoint rebuilt from its own tensors and sidecar is byte-identical.
 *
 * @example
 * const { weights, sidecarText } = encodeCheckpointTensors(tensors, meta, { createdAt: original.createdAt });
 */
export function encodeCheckpointTensors(
  tensors: Record<string, SafetensorsTensor>,
  meta: CheckpointMeta,
  options: { createdAt?: string } = {},
): { weights: Uint8Array; sidecar: CheckpointSidecar; sidecarText: string } {
  const groups: Record<string, number> = {};
  for (const name of Object.keys(tensors)) {
    const g = name.split('.')[0];
    groups[g] = (groups[g] ?? 0) + 1;
  }
  const weights = encodeSafetensors(tensors, { format: 'vqct-checkpoint', step: String(meta.step) });
  const sidecar: CheckpointSidecar = {
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    ...meta,
    weightsSha256: sha256Hex(weights),
    weightsBytes: weights.length,
    groups,
    createdAt: options.createdAt ?? new Date().toISOString(),
  };
  return { weights, sidecar, sidecarText: `${JSON.stringify(sidecar, null, 2)}\n` };
}

export interface CheckpointExpectations {
  /** The model config this run uses; a different one in the checkpoint is rejected. */
  modelConfig?: unknown;
  /** The prior digest this run uses; a different one is rejected. */
  priorDigest?: string | null;
  /** Names the files in errors. */
  source?: string;
}

/** Parses and checks a sidecar's JSON text. */
export function parseCheckpointSidecar(text: string, source = '<checkpoint.json>'): CheckpointSidecar {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`sidecar is not valid JSON (truncated?): ${(e as Error).message}`, { file: source, cause: e });
  }
  const { value, errors } = parseWithSchema(checkpointSidecarSchema, raw);
  if (value == null) throw new CheckpointError(`sidecar is not a vqct checkpoint:\n  ${errors.join('\n  ')}`, { file: source });
  if (value.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(`checkpoint format ${value.formatVersion} is not supported (expected ${CHECKPOINT_FORMAT_VERSION})`, { file: source });
  }
  // The file's own key order (zod's output follows the schema's), so that re-encoding a sidecar gives the same text.
  const ordered = Object.fromEntries(Object.keys(raw as object).filter((k) => k in value).map((k) => [k, (value as Record<string, unknown>)[k]]));
  return ordered as unknown as CheckpointSidecar;
}

/**
 * Verifies weights bytes against their sidecar (length, sha256) and the run's
 * expectations (model config, prior digest), then decodes them.
 * Throws CheckpointError naming the file and what differs.
 */
export function decodeCheckpoint(
  weights: Uint8Array,
  sidecar: CheckpointSidecar,
  expect: CheckpointExpectations = {},
): Record<string, SafetensorsTensor> {
  const file = expect.source ?? sidecar.weightsFile;
  if (weights.length !== sidecar.weightsBytes) {
    throw new CheckpointError(`weights file has ${weights.length} bytes, the sidecar says ${sidecar.weightsBytes} (truncated or replaced)`, { file });
  }
  const digest = sha256Hex(weights);
  if (digest !== sidecar.weightsSha256) {
    throw new CheckpointError(`weights sha256 ${digest.slice(0, 12)}... does not match the sidecar's ${sidecar.weightsSha256.slice(0, 12)}... (corrupt)`, { file });
  }
  if (expect.priorDigest !== undefined && expect.priorDigest !== sidecar.priorDigest) {
    throw new CheckpointError(`checkpoint was trained with prior ${String(sidecar.priorDigest).slice(0, 12)}..., this run uses ${String(expect.priorDigest).slice(0, 12)}... (wrong prior)`, { file });
  }
  if (expect.modelConfig !== undefined) {
    const a = JSON.parse(canonicalJson(sidecar.modelConfig)) as Record<string, unknown>;
    const b = JSON.parse(canonicalJson(expect.modelConfig)) as Record<string, unknown>;
    const diff = Object.keys({ ...a, ...b }).filter((k) => canonicalJson(a?.[k]) !== canonicalJson(b?.[k]));
    if (diff.length > 0 || canonicalJson(a) !== canonicalJson(b)) {
      const shown = diff.slice(0, 5).map((k) => `${k}: checkpoint ${canonicalJson(a?.[k])}, run ${canonicalJson(b?.[k])}`).join('; ');
      throw new CheckpointError(`checkpoint is for a different model config (${shown || 'differs'})`, { file });
    }
  }
  try {
    return decodeSafetensors(weights, { source: file }).tensors;
  } catch (e) {
    if (isVqctError(e)) throw new CheckpointError(e.message, { file, cause: e });
    throw e;
  }
}

/**
 * Assigns decoded tensors to the run's variables. Every variable must be
 * present with the same shape; extra tensors in the file are an error too
 * (a checkpoint of a different setup).
 */
export function restoreVariables(tensors: Record<string, SafetensorsTensor>, variables: Record<string, tf.Variable>, source = '<checkpoint>'): void {
  const missing = Object.keys(variables).filter((n) => tensors[n] == null);
  const extra = Object.keys(tensors).filter((n) => variables[n] == null);
  if (missing.length > 0 || extra.length > 0) {
    const list = (xs: string[]): string => `${xs.slice(0, 4).join(', ')}${xs.length > 4 ? `, ... (${xs.length})` : ''}`;
    throw new CheckpointError(
      `checkpoint does not match this run's variables${missing.length > 0 ? `; missing: ${list(missing)}` : ''}${extra.length > 0 ? `; unexpected: ${list(extra)}` : ''}`,
      { file: source },
    );
  }
  for (const [name, v] of Object.entries(variables)) {
    const t = tensors[name];
    if (t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i])) {
      throw new CheckpointError(`"${name}" has shape [${t.shape.join(', ')}] in the checkpoint, [${v.shape.join(', ')}] here`, { file: source });
    }
  }
  for (const [name, v] of Object.entries(variables)) {
    const t = tensors[name];
    tf.tidy(() => v.assign(tf.tensor(t.data as Float32Array | Int32Array, t.shape, v.dtype)));
  }
}
