import { ConfigError, resolveOrThrow } from '@vqct/core';
import { z } from 'zod';
import { VQ_MODEL_PRESETS } from './presets';
import type { VqModelConfig, VqModelOptions, VqModelPresetName } from './types';

const posInt = z.number().int().positive();

const schema = z
  .object({
    resolution: posInt,
    inChannels: posInt,
    outChannels: posInt,
    ch: posInt,
    chMult: z.array(posInt).min(1),
    numResBlocks: z.number().int().min(0),
    attnResolutions: z.array(posInt),
    midAttention: z.boolean(),
    zChannels: posInt,
    dropout: z.number().min(0).lt(1),
    quantizer: z.enum(['vqct', 'vq', 'ema']),
    codeDim: posInt,
    topK: posInt,
    beta: z.number().min(0),
    betaPlacement: z.enum(['authors', 'vqvae']),
    kAdj: z.number().int().min(0),
    kNoun: posInt,
    emaDecay: z.number().gt(0).lt(1),
    emaEpsilon: z.number().positive(),
    distanceBlockElements: posInt,
  })
  .strict();

/** The authors' 256x256 configuration (METHOD.md §4); defaults for every field. */
export const defaultVqModelConfig: Readonly<VqModelConfig> = Object.freeze({ ...VQ_MODEL_PRESETS['paper-256'] });

function groupsOk(c: number): boolean {
  return c % 32 === 0;
}

/**
 * Validates options (or a preset name) and fills in defaults. Throws one
 * ConfigError listing every problem (field, value, expectation).
 *
 * @example
 * const config = resolveVqModelConfig('tiny');
 * const ablation = resolveVqModelConfig({ preset: 'bench-32', quantizer: 'vq', betaPlacement: 'vqvae' });
 */
export function resolveVqModelConfig(options: VqModelOptions | VqModelPresetName = {}): VqModelConfig {
  const opts: VqModelOptions = typeof options === 'string' ? { preset: options } : { ...options };
  const presetName = opts.preset ?? 'paper-256';
  const preset = VQ_MODEL_PRESETS[presetName];
  if (preset == null) {
    throw new ConfigError(`invalid VqModel config:\n  preset: unknown preset ${JSON.stringify(presetName)}; expected one of ${Object.keys(VQ_MODEL_PRESETS).join(', ')}`);
  }
  delete opts.preset;
  const config = resolveOrThrow(schema, { ...preset, ...opts }, 'VqModel config') as VqModelConfig;
  const errors: string[] = [];
  const levels = config.chMult.length;
  const factor = 2 ** (levels - 1);
  if (config.resolution % factor !== 0) {
    errors.push(`resolution: ${config.resolution} is not divisible by the downsampling factor ${factor} (2^(chMult.length-1))`);
  }
  const widths = new Set([config.ch, ...config.chMult.map((m) => m * config.ch)]);
  for (const c of widths) {
    if (!groupsOk(c)) errors.push(`ch/chMult: channel count ${c} is not divisible by GroupNorm's 32 groups`);
  }
  if (config.kAdj > 0 && config.topK > config.kAdj && config.quantizer !== 'vqct') {
    errors.push(`topK: ${config.topK} exceeds kAdj ${config.kAdj}; expected topK <= kAdj`);
  }
  if (config.quantizer === 'vqct' && config.kAdj === 0) {
    errors.push('kAdj: 0 is only allowed for the learned quantizers (vq, ema); vqct always has an adjective half');
  }
  if (errors.length > 0) throw new ConfigError(`invalid VqModel config:\n  ${errors.join('\n  ')}`);
  return config;
}

/** Token grid side for an image side: `side / 2^(chMult.length - 1)`. */
export function downsampleFactor(config: Pick<VqModelConfig, 'chMult'>): number {
  return 2 ** (config.chMult.length - 1);
}
