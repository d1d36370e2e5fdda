import type { SafetensorsTensor } from '@vqct/core';
import { FormatError, decodeSafetensors, encodeSafetensors } from '@vqct/core';
import type { Prior } from '@vqct/prior';
import { decodePrior, encodePrior } from '@vqct/prior';

/*
 * The prior inside a torch file, beside the weights (prefix "prior."):
 *   prior.vectors     F32 [K, d]   the word vectors (the GCN's input X), adjectives first
 *   prior.edge_index  I64 [2, E]   torch_geometric's layout: row 0 adjective ids, row 1 noun ids,
 *                                  each undirected pair once (add the reverse direction for GCNConv)
 *   prior.edge_weight F32 [E]      how often the pair occurred
 *   prior.counts      I32 [K]
 *   metadata prior.<key>          the prior file's own metadata (words, pos, k_adj, k_noun, ...)
 */
export const TORCH_PRIOR_PREFIX = 'prior.';
const P = TORCH_PRIOR_PREFIX;

/**
 * A prior as torch-file tensors and metadata (layout above).
 * @example const { tensors, metadata } = priorToTorch(prior);
 */
export function priorToTorch(prior: Prior): { tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> } {
  const E = prior.edgeWeight.length;
  const edgeIndex = new BigInt64Array(2 * E);
  for (let e = 0; e < E; e++) {
    edgeIndex[e] = BigInt(prior.edgeIndex[2 * e]);
    edgeIndex[E + e] = BigInt(prior.edgeIndex[2 * e + 1]);
  }
  const K = prior.words.length;
  const tensors: Record<string, SafetensorsTensor> = {
    [`${P}vectors`]: { dtype: 'F32', shape: [K, prior.dim], data: prior.vectors },
    [`${P}edge_index`]: { dtype: 'I64', shape: [2, E], data: edgeIndex },
    [`${P}edge_weight`]: { dtype: 'F32', shape: [E], data: prior.edgeWeight },
    [`${P}counts`]: { dtype: 'I32', shape: [K], data: prior.counts },
  };
  // The prior file's own metadata, exactly as encodePrior writes it.
  const own = decodeSafetensors(encodePrior(prior)).metadata;
  const metadata = Object.fromEntries(Object.entries(own).map(([k, v]) => [`${P}${k}`, v]));
  return { tensors, metadata };
}

function edgesFromTorch(t: SafetensorsTensor, file: string): Int32Array {
  if ((t.dtype !== 'I64' && t.dtype !== 'I32') || t.shape.length !== 2 || t.shape[0] !== 2) {
    throw new FormatError(`tensor "${P}edge_index" is ${t.dtype} [${t.shape.join(', ')}], expected I64 [2, E] (torch_geometric's layout)`, { file });
  }
  const E = t.shape[1];
  const out = new Int32Array(2 * E);
  for (let e = 0; e < E; e++) {
    out[2 * e] = Number(t.data[e]);
    out[2 * e + 1] = Number(t.data[E + e]);
  }
  return out;
}

/**
 * The prior carried by a torch file (null when it has none), validated like a
 * prior file (FormatError naming `file`). Its `priorDigest` equals the
 * original's: the same prior encodes to the same bytes.
 * @example const prior = priorFromTorch(file.tensors, file.metadata, 'model.safetensors');
 */
export function priorFromTorch(tensors: Record<string, SafetensorsTensor>, metadata: Record<string, string>, file: string): Prior | null {
  if (tensors[`${P}vectors`] == null) return null;
  const own: Record<string, SafetensorsTensor> = {};
  for (const name of ['vectors', 'edge_index', 'edge_weight', 'counts']) {
    const t = tensors[`${P}${name}`];
    if (t == null) throw new FormatError(`the file carries a prior but tensor "${P}${name}" is missing`, { file });
    own[name] = name === 'edge_index' ? { dtype: 'I32', shape: [t.shape[1] ?? 0, 2], data: edgesFromTorch(t, file) } : t;
  }
  const md = Object.fromEntries(Object.entries(metadata).filter(([k]) => k.startsWith(P)).map(([k, v]) => [k.slice(P.length), v]));
  return decodePrior(encodeSafetensors(own, md), { source: `${file} (its prior.* entries)` });
}
