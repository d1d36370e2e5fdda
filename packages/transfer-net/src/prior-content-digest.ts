import { Sha256 } from '@vqct/core';
import type { TransferNetPrior } from './validate-prior';

function bytesOf(a: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * SHA-256 of everything in a prior that shapes the transfer net: sizes, vectors,
 * edges and weights (and words, when present). A saved net records it so that it
 * is never loaded against a different prior.
 *
 * @example
 * priorContentDigest(prior); // '3f0a…' (64 hex characters)
 */
export function priorContentDigest(prior: TransferNetPrior): string {
  const h = new Sha256();
  h.update(JSON.stringify({ kAdj: prior.kAdj, kNoun: prior.kNoun, dim: prior.dim, edges: prior.edgeWeight.length }));
  if (prior.words != null) h.update(prior.words.join('\n'));
  h.update(bytesOf(prior.vectors));
  h.update(bytesOf(prior.edgeIndex));
  h.update(bytesOf(prior.edgeWeight));
  return h.hex();
}
