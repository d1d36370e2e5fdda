/**
 * Generator sidecar + weights bytes -> a TokenTransformer with its weights
 * restored (the worker and the Node checks in the tests share this). The
 * weights' sha256 is checked against the sidecar's.
 */
import { CheckpointError, decodeSafetensors, sha256Hex } from '@vqct/core';
import type { SafetensorsTensor } from '@vqct/core';
import { TokenTransformer } from '@vqct/transformer';
import type { TransformerConfig } from '@vqct/transformer';
import { restoreVariables } from '@vqct/vq';
import type { GeneratorSidecar } from './generator';

export interface GeneratorFiles {
  sidecar: { name: string; text: string };
  weights: { name: string; bytes: Uint8Array };
}

/** The sidecar, checked for the fields the playground reads. */
export function parseGeneratorSidecar(text: string, file: string): GeneratorSidecar {
  let s: GeneratorSidecar;
  try {
    s = JSON.parse(text) as GeneratorSidecar;
  } catch (e) {
    throw new CheckpointError(`the generator sidecar is not JSON (${(e as Error).message})`, { file, cause: e });
  }
  if (s?.format !== 'vqct-playground-generator' || s.version !== 1) throw new CheckpointError('not a playground generator sidecar (format vqct-playground-generator, version 1)', { file });
  if (typeof s.tokenizer?.weightsSha256 !== 'string' || typeof s.weightsSha256 !== 'string' || s.model == null) throw new CheckpointError('the generator sidecar lacks its tokenizer, weights digest or model config', { file });
  const scale = (v: unknown): boolean => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
  if (!scale(s.guidance) || !scale(s.conditionDropout) || (s.conditionDropout ?? 0) >= 1) throw new CheckpointError(`the generator sidecar's guidance (${String(s.guidance)}) or conditionDropout (${String(s.conditionDropout)}) is not a number in range`, { file });
  return s;
}

/** Restores the transformer; the caller disposes it. */
export function loadGeneratorModel(files: GeneratorFiles): { sidecar: GeneratorSidecar; model: TokenTransformer } {
  const sidecar = parseGeneratorSidecar(files.sidecar.text, files.sidecar.name);
  const got = sha256Hex(files.weights.bytes);
  if (got !== sidecar.weightsSha256) throw new CheckpointError(`weights sha256 ${got.slice(0, 12)}... is not the sidecar's ${sidecar.weightsSha256.slice(0, 12)}... (corrupt or replaced)`, { file: files.weights.name });
  const tensors: Record<string, SafetensorsTensor> = decodeSafetensors(files.weights.bytes, { source: files.weights.name }).tensors;
  const model = new TokenTransformer(sidecar.model as TransformerConfig);
  try {
    restoreVariables(tensors, model.namedWeights(), files.weights.name);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { sidecar, model };
}
