import { ConfigError } from '@vqct/core';
import { parse as parseYaml } from 'yaml';
import type { VqModelOptions } from '../config/types';
import type { PatchDiscriminatorOptions } from '../losses/patch-discriminator';
import type { ResolvedTrainOptions, TrainOptions } from '../train/options';
import { resolveTrainOptions } from '../train/options';
import { fromTaming } from './taming';

/** A training run's configuration as read from YAML. */
export interface RunConfig {
  /** Options for resolveVqModelConfig (validated there). */
  model: VqModelOptions;
  /** The file's train section with defaults filled in (all defaults when it has none: see `trainGiven`). */
  train: ResolvedTrainOptions;
  /** Whether the file has a train section: a caller with its own training defaults (a preset's) uses them when it has not. */
  trainGiven: boolean;
  discriminator: PatchDiscriminatorOptions;
  /** 'taming' for the authors' files, 'vqct' for ours. */
  dialect: 'taming' | 'vqct';
  /** Dotted paths of keys that were read but have no effect here, each with why. */
  ignored: string[];
}

const NATIVE_KEYS = new Set(['model', 'train', 'discriminator']);

/**
 * Reads a run configuration from YAML text. Two dialects: ours
 * (`model:` VqModelOptions, `train:` TrainOptions, `discriminator:`) and the
 * authors' taming-style files (`model.params.embed_dim`, `n_embed`, `topk`,
 * `ddconfig.*`, `lossconfig.params.*`, `model.base_learning_rate`,
 * `data.params.batch_size`), whose unused keys are reported in `ignored`.
 *
 * @example
 * const run = loadRunConfig(readFileSync('vqct.yaml', 'utf8'), 'vqct.yaml');
 * run.ignored; // ['model.params.monitor: logging only', ...]
 */
export function loadRunConfig(text: string, file = '<config.yaml>'): RunConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`not valid YAML: ${(e as Error).message.split('\n')[0]}`, { file, cause: e });
  }
  if (doc == null || typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError('the config must be a YAML mapping', { file });
  const root = doc as Record<string, unknown>;
  const model = root.model as Record<string, unknown> | undefined;
  if (model != null && typeof model === 'object' && ('params' in model || 'target' in model)) {
    let t: ReturnType<typeof fromTaming>;
    try {
      t = fromTaming(root);
    } catch (e) {
      if (e instanceof ConfigError && e.file == null) throw new ConfigError(e.message, { file, cause: e });
      throw e;
    }
    return { model: t.model, train: resolveTrainOptions(t.train, file), trainGiven: true, discriminator: t.discriminator, dialect: 'taming', ignored: t.ignored };
  }
  const unknown = Object.keys(root).filter((k) => !NATIVE_KEYS.has(k));
  if (unknown.length > 0) throw new ConfigError(`unknown top-level keys ${unknown.join(', ')} (expected model, train, discriminator)`, { file });
  return {
    model: (root.model ?? {}) as VqModelOptions,
    train: resolveTrainOptions((root.train ?? {}) as TrainOptions, file),
    trainGiven: root.train != null,
    discriminator: (root.discriminator ?? {}) as PatchDiscriminatorOptions,
    dialect: 'vqct',
    ignored: [],
  };
}
