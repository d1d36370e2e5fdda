import { Rng } from '@vqct/core';

/**
 * Glorot (Xavier) uniform, as PyTorch Geometric initializes GCNConv's weight:
 * U(-a, a) with a = sqrt(6 / (fanIn + fanOut)). The MLP ablation uses the same
 * init so the two kinds differ only in the graph.
 *
 * @returns float32 [fanIn, fanOut], row-major (tfjs's matMul orientation)
 * @example
 * const w = glorotUniform(100, 256, new Rng(0));
 */
export function glorotUniform(fanIn: number, fanOut: number, rng: Rng): Float32Array {
  const a = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < out.length; i++) out[i] = (2 * rng.next() - 1) * a;
  return out;
}
