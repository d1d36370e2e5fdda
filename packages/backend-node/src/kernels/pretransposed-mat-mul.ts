import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { getKernel } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './backend-access';

/** Marks a kernel function as this module's wrapper, so wrapping twice is a no-op. */
const WRAPPED = Symbol.for('vqct.pretransposedMatMul');

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/**
 * Wraps wasm's BatchMatMul or _FusedMatMul: a transposed operand is transposed
 * first (wasm's Transpose kernel) and the product runs with both flags off.
 * XNNPACK's path with the flags set is about an order of magnitude slower than
 * a transpose plus the plain product (measured in bench/kernels.bench.mjs).
 */
export function pretransposedMatMul(inner: KernelFunc): KernelFunc {
  const wrapped: KernelFunc = (args) => {
    const attrs = args.attrs as NamedAttrMap & { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return inner(args);
    const backend = args.backend as WasmBackendLike;
    const transpose = getKernel('Transpose', 'wasm')!.kernelFunc;
    const inputs = { ...args.inputs } as Record<string, TensorInfo>;
    const owned: TensorInfo[] = [];
    for (const [key, flag] of [['a', attrs.transposeA], ['b', attrs.transposeB]] as const) {
      if (!flag) continue;
      const x = inputs[key];
      const t = transpose({ inputs: { x }, backend, attrs: { perm: swapLastTwo(x.shape.length) } }) as TensorInfo;
      inputs[key] = t;
      owned.push(t);
    }
    const out = inner({ ...args, inputs, attrs: { ...attrs, transposeA: false, transposeB: false } });
    for (const t of owned) backend.disposeData(t.dataId);
    return out;
  };
  (wrapped as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  return wrapped;
}

/** True when `config` is already this module's wrapper. */
export function isPretransposed(config: KernelConfig | undefined): boolean {
  return config != null && (config.kernelFunc as unknown as Record<symbol, boolean>)[WRAPPED] === true;
}
