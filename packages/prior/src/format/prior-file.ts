import { decodeSafetensors, encodeSafetensors, FormatError, parseJsonWithDepthLimit, sha256Hex } from '@vqct/core';
import type { Prior, PriorMeta } from '../types';
import { PRIOR_FORMAT_VERSION } from '../vocabulary/assemble-prior';

/*
 * File layout (safetensors, readable by Python's `safetensors`):
 *   vectors     F32 [K, dim]   edge_index I32 [E, 2]   edge_weight F32 [E]   counts I32 [K]
 *   __metadata__: format "vqct-prior", format_version, words (JSON), pos (JSON, "adj"/"noun"
 *   per word), k_adj, k_noun, corpus_digest, embedding_source, min_count, dropped_words (JSON),
 *   meta (JSON of any further provenance).
 */
const KNOWN = new Set(['formatVersion', 'corpusDigest', 'embeddingSource', 'minCount', 'droppedWords']);

/**
 * Serializes a prior to safetensors bytes (deterministic: same prior, same bytes).
 *
 * @example
 * writeFileSync('prior.safetensors', encodePrior(prior));
 */
export function encodePrior(prior: Prior): Uint8Array {
  validatePrior(prior, '<prior>');
  const K = prior.words.length;
  const E = prior.edgeWeight.length;
  const extra = Object.fromEntries(Object.entries(prior.meta).filter(([k]) => !KNOWN.has(k)));
  return encodeSafetensors(
    {
      vectors: { dtype: 'F32', shape: [K, prior.dim], data: prior.vectors },
      edge_index: { dtype: 'I32', shape: [E, 2], data: prior.edgeIndex },
      edge_weight: { dtype: 'F32', shape: [E], data: prior.edgeWeight },
      counts: { dtype: 'I32', shape: [K], data: prior.counts },
    },
    {
      format: 'vqct-prior',
      format_version: String(prior.meta.formatVersion),
      words: JSON.stringify(prior.words),
      pos: JSON.stringify(prior.words.map((_, i) => (i < prior.kAdj ? 'adj' : 'noun'))),
      k_adj: String(prior.kAdj),
      k_noun: String(prior.kNoun),
      corpus_digest: prior.meta.corpusDigest,
      embedding_source: prior.meta.embeddingSource,
      min_count: String(prior.meta.minCount),
      dropped_words: JSON.stringify(prior.meta.droppedWords ?? []),
      meta: JSON.stringify(extra),
    },
  );
}

/** SHA-256 of the prior's file bytes: the identity checkpoints record. */
export function priorDigest(prior: Prior): string {
  return sha256Hex(encodePrior(prior));
}

function intField(md: Record<string, string>, key: string, file: string): number {
  const raw = md[key];
  if (raw == null) throw new FormatError(`prior metadata "${key}" is missing`, { file });
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 0) throw new FormatError(`prior metadata "${key}" must be a non-negative integer, got ${JSON.stringify(raw)}`, { file });
  return v;
}

function jsonField<T>(md: Record<string, string>, key: string, file: string, ok: (v: unknown) => v is T): T {
  const raw = md[key];
  if (raw == null) throw new FormatError(`prior metadata "${key}" is missing`, { file });
  let v: unknown;
  try {
    v = parseJsonWithDepthLimit(raw, { file });
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError(`prior metadata "${key}": ${e.message.replace(`${file}: `, '')}`, { file });
    throw new FormatError(`prior metadata "${key}" is not JSON (${(e as Error).message})`, { file });
  }
  if (!ok(v)) throw new FormatError(`prior metadata "${key}" has the wrong type`, { file });
  return v;
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isObject = (v: unknown): v is Record<string, unknown> => v != null && typeof v === 'object' && !Array.isArray(v);

/**
 * Parses and validates a prior file: header, dtypes, shapes, kAdj + kNoun = K,
 * part-of-speech list, counts, edge bounds (adjective then noun), finite
 * vectors and positive weights. Never runs code. `source` names the file in errors.
 *
 * @example
 * const prior = decodePrior(readFileSync('prior.safetensors'), { source: 'prior.safetensors' });
 */
export function decodePrior(bytes: Uint8Array, options: { source?: string } = {}): Prior {
  const file = options.source ?? '<prior>';
  const { tensors, metadata: md } = decodeSafetensors(bytes, { source: file });
  if (md.format !== 'vqct-prior') throw new FormatError(`not a vqct prior (metadata "format" is ${JSON.stringify(md.format)}, expected "vqct-prior")`, { file });
  const version = intField(md, 'format_version', file);
  if (version !== PRIOR_FORMAT_VERSION) throw new FormatError(`prior format version ${version} is not supported (this build reads ${PRIOR_FORMAT_VERSION})`, { file });
  const words = jsonField(md, 'words', file, isStringArray);
  const pos = jsonField(md, 'pos', file, isStringArray);
  const kAdj = intField(md, 'k_adj', file);
  const kNoun = intField(md, 'k_noun', file);
  const extra = jsonField(md, 'meta', file, isObject);
  const dropped = jsonField(md, 'dropped_words', file, isStringArray);
  for (const name of ['vectors', 'edge_index', 'edge_weight', 'counts']) {
    if (tensors[name] == null) throw new FormatError(`tensor "${name}" is missing`, { file });
  }
  const { vectors, edge_index: ei, edge_weight: ew, counts } = tensors;
  const K = words.length;
  if (kAdj + kNoun !== K) throw new FormatError(`k_adj ${kAdj} + k_noun ${kNoun} != ${K} words`, { file });
  if (pos.length !== K || pos.some((p, i) => p !== (i < kAdj ? 'adj' : 'noun'))) {
    throw new FormatError('metadata "pos" must list kAdj "adj" then kNoun "noun"', { file });
  }
  const expect = (name: string, t: { dtype: string; shape: number[] }, dtype: string, shape: Array<number | null>): void => {
    const okShape = t.shape.length === shape.length && shape.every((d, i) => d == null || d === t.shape[i]);
    if (t.dtype !== dtype || !okShape) {
      throw new FormatError(`tensor "${name}" is ${t.dtype} [${t.shape.join(', ')}], expected ${dtype} [${shape.map((d) => d ?? '*').join(', ')}]`, { file });
    }
  };
  expect('vectors', vectors, 'F32', [K, null]);
  expect('edge_index', ei, 'I32', [null, 2]);
  expect('edge_weight', ew, 'F32', [ei.shape[0]]);
  expect('counts', counts, 'I32', [K]);
  const prior: Prior = {
    words,
    kAdj,
    kNoun,
    dim: vectors.shape[1],
    vectors: vectors.data as Float32Array,
    edgeIndex: ei.data as Int32Array,
    edgeWeight: ew.data as Float32Array,
    counts: counts.data as Int32Array,
    meta: {
      ...extra,
      formatVersion: version,
      corpusDigest: md.corpus_digest ?? '',
      embeddingSource: md.embedding_source ?? '',
      minCount: intField(md, 'min_count', file),
      droppedWords: dropped,
    } as PriorMeta,
  };
  validatePrior(prior, file);
  return prior;
}

/** Checks the invariants every consumer relies on; throws a FormatError naming `file`. */
export function validatePrior(prior: Prior, file: string): void {
  const fail = (msg: string): never => {
    throw new FormatError(msg, { file });
  };
  const K = prior.words.length;
  if (K === 0 || prior.kAdj === 0 || prior.kNoun === 0) fail(`a prior needs adjectives and nouns (kAdj ${prior.kAdj}, kNoun ${prior.kNoun})`);
  if (prior.kAdj + prior.kNoun !== K) fail(`kAdj ${prior.kAdj} + kNoun ${prior.kNoun} != ${K} words`);
  if (!Number.isInteger(prior.dim) || prior.dim <= 0) fail(`dim must be a positive integer, got ${prior.dim}`);
  if (prior.vectors.length !== K * prior.dim) fail(`vectors has ${prior.vectors.length} values, expected K*dim = ${K * prior.dim}`);
  if (prior.counts.length !== K) fail(`counts has ${prior.counts.length} values, expected ${K}`);
  const E = prior.edgeWeight.length;
  if (prior.edgeIndex.length !== 2 * E) fail(`edgeIndex has ${prior.edgeIndex.length} values, expected 2*E = ${2 * E}`);
  const seen = new Set<string>();
  prior.words.forEach((w, i) => {
    if (w.length === 0) fail(`word ${i} is empty`);
    const key = `${i < prior.kAdj ? 'a' : 'n'}:${w}`;
    if (seen.has(key)) fail(`word "${w}" appears twice among the ${i < prior.kAdj ? 'adjectives' : 'nouns'}`);
    seen.add(key);
  });
  for (let i = 0; i < prior.vectors.length; i++) {
    if (!Number.isFinite(prior.vectors[i])) fail(`vectors[${Math.floor(i / prior.dim)}, ${i % prior.dim}] is not finite`);
  }
  for (let i = 0; i < K; i++) if (prior.counts[i] < 0) fail(`counts[${i}] is negative`);
  for (let e = 0; e < E; e++) {
    const a = prior.edgeIndex[2 * e];
    const n = prior.edgeIndex[2 * e + 1];
    if (!(a >= 0 && a < prior.kAdj)) fail(`edge ${e}: adjective index ${a} is outside 0..${prior.kAdj - 1}`);
    if (!(n >= prior.kAdj && n < K)) fail(`edge ${e}: noun index ${n} is outside ${prior.kAdj}..${K - 1}`);
    const w = prior.edgeWeight[e];
    if (!(Number.isFinite(w) && w > 0)) fail(`edge ${e}: weight ${w} must be positive`);
  }
}
