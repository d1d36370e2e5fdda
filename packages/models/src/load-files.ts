import { CheckpointError, ConfigError, sha256Hex } from '@vqct/core';
import type { LoadedTokenizer } from './tokenizer-from-bytes';
import { loadTokenizerFromBytes } from './tokenizer-from-bytes';
import type { ModelCard, PretrainedName } from './catalog';
import { PRETRAINED_MODELS, pretrainedFiles } from './catalog';

/** The bytes of a shipped model, however they were read. */
export interface PretrainedBytes {
  weights: Uint8Array;
  sidecar: string;
  prior: Uint8Array;
  card: string;
}

/** A shipped model, ready to encode and decode. */
export interface PretrainedModel extends LoadedTokenizer {
  name: string;
  card: ModelCard;
  /** The side of the images the model takes. */
  imageSize: number;
}

/** Fails with ConfigError unless `name` is a shipped model. */
export function checkPretrainedName(name: string): PretrainedName {
  if (!(PRETRAINED_MODELS as readonly string[]).includes(name)) {
    throw new ConfigError(`no shipped model ${JSON.stringify(name)}; @vqct/models has ${PRETRAINED_MODELS.join(', ')}`);
  }
  return name as PretrainedName;
}

/**
 * Builds a shipped model from its bytes: checks every file against the card's
 * sha256, then restores it with `loadTokenizerFromBytes` (the weights against
 * the sidecar, the prior against the digest the model was trained with).
 * Needs a tfjs backend to be set (the caller picks it).
 *
 * @example
 * const m = loadPretrainedFromBytes('emoji-32', bytes);
 * const tokens = m.model.encode(x); m.dispose();
 */
export function loadPretrainedFromBytes(name: string, bytes: PretrainedBytes): PretrainedModel {
  const id = checkPretrainedName(name);
  const files = pretrainedFiles(id);
  let card: ModelCard;
  try {
    card = JSON.parse(bytes.card) as ModelCard;
  } catch (e) {
    throw new CheckpointError(`the model card is not JSON (${(e as Error).message})`, { file: `${id}/${files.card}`, cause: e });
  }
  const check = (file: string, data: Uint8Array | string): void => {
    const want = card.sha256?.[file];
    const got = sha256Hex(typeof data === 'string' ? new TextEncoder().encode(data) : data);
    if (want !== got) throw new CheckpointError(`sha256 ${got.slice(0, 12)}... is not the card's ${String(want).slice(0, 12)}... (corrupt or replaced)`, { file: `${id}/${file}` });
  };
  check(files.weights, bytes.weights);
  check(files.sidecar, bytes.sidecar);
  check(files.prior, bytes.prior);
  const tok = loadTokenizerFromBytes({
    weights: { name: `${id}/${files.weights}`, bytes: bytes.weights },
    sidecar: { name: `${id}/${files.sidecar}`, text: bytes.sidecar },
    prior: { name: `${id}/${files.prior}`, bytes: bytes.prior },
  });
  return { name: id, card, ...tok, imageSize: tok.model.config.resolution };
}
