import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { CheckpointError } from '@vqct/core';
import type { SafetensorsTensor } from '@vqct/core';
import { decodeCheckpoint, parseCheckpointSidecar, restoreVariables } from '@vqct/vq';
import { TokenTransformer } from '@vqct/transformer';
import { loadForInference, resolveCheckpointSidecar, type LoadedCheckpoint } from '../checkpoint';
import type { TransformerRunSettings } from './settings';
import { TOKENIZER_DIR } from './settings';

/** A transformer checkpoint with the tokenizer its tokens belong to. */
export interface LoadedTransformer {
  model: TokenTransformer;
  tokenizer: LoadedCheckpoint;
  settings: TransformerRunSettings;
  sidecarFile: string;
  step: number;
  dispose(): void;
}

/**
 * Loads `vqct transformer train`'s checkpoint (a run folder, its checkpoints
 * folder or a sidecar): the settings are in the sidecar, the tokenizer is
 * its copy in checkpoints/tokenizer/ (or `tokenizer`, which must have the same weights).
 *
 * @example
 * const t = loadTransformer('runs/t'); const tokens = await sampleTokens(t.model, { count: 4 }); t.dispose();
 */
export function loadTransformer(path: string, options: { tokenizer?: string } = {}): LoadedTransformer {
  const sidecarFile = resolveCheckpointSidecar(path);
  const sidecar = parseCheckpointSidecar(readFileSync(sidecarFile, 'utf8'), sidecarFile);
  const settings = sidecar.trainConfig as TransformerRunSettings | undefined;
  if (settings?.format !== 'vqct-transformer-run') throw new CheckpointError('not a transformer checkpoint (made by `vqct transformer train`); for a tokenizer use encode/decode', { file: sidecarFile });
  const weightsFile = join(dirname(sidecarFile), sidecar.weightsFile);
  if (!existsSync(weightsFile)) throw new CheckpointError(`the weights file ${sidecar.weightsFile} named by the sidecar is missing`, { file: sidecarFile });
  const tensors = decodeCheckpoint(new Uint8Array(readFileSync(weightsFile)), sidecar, { source: weightsFile, modelConfig: settings.model });
  const copy = join(dirname(sidecarFile), TOKENIZER_DIR, 'tokenizer.json');
  const tokenizer = loadForInference(options.tokenizer ?? (existsSync(copy) ? copy : settings.tokenizer.checkpoint));
  if (tokenizer.sidecar.weightsSha256 !== settings.tokenizer.weightsSha256) {
    tokenizer.dispose();
    throw new CheckpointError(`the tokenizer (weights sha256 ${tokenizer.sidecar.weightsSha256.slice(0, 12)}...) is not the one this transformer was trained on (${settings.tokenizer.weightsSha256.slice(0, 12)}...); pass --tokenizer`, { file: options.tokenizer ?? settings.tokenizer.checkpoint });
  }
  const model = new TokenTransformer(settings.model);
  try {
    const own: Record<string, SafetensorsTensor> = Object.fromEntries(Object.entries(tensors).filter(([n]) => n.startsWith('model.')).map(([n, t]) => [n.slice(6), t]));
    restoreVariables(own, model.namedWeights(), weightsFile);
  } catch (e) {
    model.dispose();
    tokenizer.dispose();
    throw e;
  }
  return { model, tokenizer, settings, sidecarFile, step: sidecar.step, dispose: () => { model.dispose(); tokenizer.dispose(); } };
}
