import { Rng } from '@vqct/core';

/**
 * Glorot (Xavier) uniform, as PyTorch Geometric initializes GCNConv's weight:
 * U(-a, a) with a = sqrt(6 / (fanIn + fanOut)). The MLP ablation uses the same
 * init by default so the two kinds differ only in the graph.
 *
 * @returns float32 [fanIn, fanOut], row-major (tfjs's matMul orientation)
 * @example
 * const w = glorotUniform(100, 256, new Rng(0));
 */
export function glorotUniform(fanIn: number, fanOut: number, rng: Rng): Float32Array {
  return uniform(fanIn * fanOut, Math.sqrt(6 / (fanIn + fanOut)), rng);
}

/**
 * PyTorch's default `nn.Linear` init: Kaiming-uniform with a = sqrt(5) for the
 * weight, which is U(-b, b) with b = 1 / sqrt(fanIn), and the bias U(-b, b) too.
 * Its weights are narrower than Glorot's whenever fanOut < 5 fanIn (100 -> 32 -> 32:
 * bound 0.10 vs 0.21, 0.18 vs 0.31), and its bias is not zero.
 *
 * @returns weight float32 [fanIn, fanOut] (row-major), bias float32 [fanOut]
 * @example
 * const { weight, bias } = torchLinearUniform(100, 32, new Rng(0));
 */
export function torchLinearUniform(fanIn: number, fanOut: number, rng: Rng): { weight: Float32Array; bias: Float32Array } {
  const bound = 1 / Math.sqrt(fanIn);
  const weight = uniform(fanIn * fanOut, bound, rng);
  return { weight, bias: uniform(fanOut, bound, rng) };
}

/** One layer's initial weight [fanIn, fanOut] and bias [fanOut] for the named init. */
export function initialLayer(init: 'glorot' | 'torch-linear', fanIn: number, fanOut: number, rng: Rng): { weight: Float32Array; bias: Float32Array } {
  if (init === 'torch-linear') return torchLinearUniform(fanIn, fanOut, rng);
  return { weight: glorotUniform(fanIn, fanOut, rng), bias: new Float32Array(fanOut) };
}

function uniform(n: number, bound: number, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * rng.next() - 1) * bound;
  return out;
}
