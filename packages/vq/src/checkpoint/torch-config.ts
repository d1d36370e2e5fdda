import { ConfigError, FormatError, isVqctError } from '@vqct/core';
import { resolveVqModelConfig } from '../config/resolve-config';
import type { VqModelConfig } from '../config/types';
import { canonicalJson } from './sidecar';

/** taming's `ddconfig` (the Encoder/Decoder constructor arguments), as the authors' YAML writes it. */
export interface TamingDdconfig {
  double_z: false;
  z_channels: number;
  resolution: number;
  in_channels: number;
  out_ch: number;
  ch: number;
  ch_mult: number[];
  num_res_blocks: number;
  attn_resolutions: number[];
  dropout: number;
}

/**
 * The quantizer's settings in a torch file. `embed_dim` is e, the width of one
 * half (quant_conv outputs 2e channels with an adjective half); `legacy` is
 * taming's name for the authors' beta placement.
 */
export interface TorchQuantizerConfig {
  kind: 'vqct' | 'vq' | 'ema';
  embed_dim: number;
  top_k: number;
  beta: number;
  legacy: boolean;
  k_adj: number;
  k_noun: number;
}

/**
 * A model config in taming's vocabulary (what a PyTorch user builds the
 * modules from).
 * @example tamingConfigOf(model.config).ddconfig.ch_mult; // [1, 2, 2] for tiny
 */
export function tamingConfigOf(config: VqModelConfig): { ddconfig: TamingDdconfig; quantizer: TorchQuantizerConfig } {
  return {
    ddconfig: {
      double_z: false,
      z_channels: config.zChannels,
      resolution: config.resolution,
      in_channels: config.inChannels,
      out_ch: config.outChannels,
      ch: config.ch,
      ch_mult: config.chMult.slice(),
      num_res_blocks: config.numResBlocks,
      attn_resolutions: config.attnResolutions.slice(),
      dropout: config.dropout,
    },
    quantizer: {
      kind: config.quantizer,
      embed_dim: config.codeDim,
      top_k: config.topK,
      beta: config.beta,
      legacy: config.betaPlacement === 'authors',
      k_adj: config.kAdj,
      k_noun: config.kNoun,
    },
  };
}

/** Reads a JSON metadata entry (FormatError naming the key when it is not JSON); undefined when absent. */
export function metadataJson(md: Record<string, string>, key: string, file: string): unknown {
  const raw = md[key];
  if (raw == null) return undefined;
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw new FormatError(`metadata "${key}" is not JSON (${(e as Error).message})`, { file });
  }
}

function fromTaming(dd: Record<string, unknown>, q: Record<string, unknown>, file: string): VqModelConfig {
  if (dd.double_z === true) throw new FormatError('ddconfig.double_z is true: the encoder of a VQ model outputs z_channels (double_z false)', { file });
  const pick = (o: Record<string, unknown>, k: string, what: string): unknown => {
    if (o[k] === undefined) throw new FormatError(`metadata "${what}" has no "${k}"`, { file });
    return o[k];
  };
  try {
    return resolveVqModelConfig({
      resolution: pick(dd, 'resolution', 'ddconfig') as number,
      inChannels: pick(dd, 'in_channels', 'ddconfig') as number,
      outChannels: pick(dd, 'out_ch', 'ddconfig') as number,
      ch: pick(dd, 'ch', 'ddconfig') as number,
      chMult: pick(dd, 'ch_mult', 'ddconfig') as number[],
      numResBlocks: pick(dd, 'num_res_blocks', 'ddconfig') as number,
      attnResolutions: pick(dd, 'attn_resolutions', 'ddconfig') as number[],
      zChannels: pick(dd, 'z_channels', 'ddconfig') as number,
      dropout: (dd.dropout ?? 0) as number,
      midAttention: true,
      quantizer: pick(q, 'kind', 'quantizer') as VqModelConfig['quantizer'],
      codeDim: pick(q, 'embed_dim', 'quantizer') as number,
      topK: (q.top_k ?? 2) as number,
      beta: (q.beta ?? 0.25) as number,
      betaPlacement: q.legacy === false ? 'vqvae' : 'authors',
      kAdj: pick(q, 'k_adj', 'quantizer') as number,
      kNoun: pick(q, 'k_noun', 'quantizer') as number,
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new FormatError(`metadata "ddconfig"/"quantizer" do not make a valid model: ${e.message}`, { file, cause: e });
    throw e;
  }
}

/**
 * The model config of a torch file: from `ddconfig` + `quantizer` (taming's
 * vocabulary, what the Python side writes); a carried `vqct_model_config`
 * (what `vqct export` writes) is used as it is, after checking that it says
 * the same as ddconfig/quantizer (a file edited on one side only is refused).
 */
export function modelConfigFromTorchMetadata(md: Record<string, string>, file: string): VqModelConfig {
  const dd = metadataJson(md, 'ddconfig', file);
  const q = metadataJson(md, 'quantizer', file);
  const isObj = (v: unknown): v is Record<string, unknown> => v != null && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(dd) || !isObj(q)) throw new FormatError('metadata "ddconfig" and "quantizer" (JSON objects) are required: they say how to build the model', { file });
  const derived = fromTaming(dd, q, file);
  const carried = metadataJson(md, 'vqct_model_config', file);
  if (carried === undefined) return derived;
  let config: VqModelConfig;
  try {
    config = resolveVqModelConfig(carried as VqModelConfig);
  } catch (e) {
    if (isVqctError(e)) throw new FormatError(`metadata "vqct_model_config" is not a valid model config: ${e.message}`, { file, cause: e });
    throw e;
  }
  const a = tamingConfigOf(config);
  const b = tamingConfigOf(derived);
  for (const part of ['ddconfig', 'quantizer'] as const) {
    if (canonicalJson(a[part]) !== canonicalJson(b[part])) {
      throw new FormatError(`metadata "${part}" (${canonicalJson(b[part])}) disagrees with "vqct_model_config" (${canonicalJson(a[part])}); edit both or drop vqct_model_config`, { file });
    }
  }
  return config;
}
