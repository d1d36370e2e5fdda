import type { KernelConfig, KernelFunc, TensorInfo, TileAttrs } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './backend-access';

/** Marks a kernel function as this module's wrapper, so wrapping twice is a no-op. */
const WRAPPED = Symbol.for('vqct.tileByRows');

/**
 * Wraps wasm's Tile (index arithmetic per element: ~0.2 s for the 1M-float
 * nearest-upsampling broadcast of bench-32) with a JS copy by rows: each row
 * of the output's last axis is the matching input row repeated, copied with
 * TypedArray.set. float32 and int32; other dtypes go to `inner`.
 *
 * @param inputs x [...shape] @returns [...shape[i] * reps[i]]
 */
export function tileByRows(inner: KernelFunc): KernelFunc {
  const wrapped = (args: { inputs: { x: TensorInfo }; backend: WasmBackendLike; attrs: TileAttrs }): TensorInfo => {
    const { backend } = args;
    const { x } = args.inputs;
    const reps = args.attrs.reps;
    const rank = x.shape.length;
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || rank === 0 || reps.length !== rank) return inner(args as never) as TensorInfo;
    const outShape = x.shape.map((s, i) => s * reps[i]);
    const out = backend.makeOutput(outShape, x.dtype);
    const outV = backend.typedArrayFromHeap(out);
    const xV = backend.typedArrayFromHeap(x);
    if (outV.length === 0) return out;
    const inRow = x.shape[rank - 1];
    const outRow = outShape[rank - 1];
    const inStrides = new Array<number>(rank).fill(1);
    for (let d = rank - 2; d >= 0; d--) inStrides[d] = inStrides[d + 1] * x.shape[d + 1];
    const idx = new Array<number>(rank - 1).fill(0); // odometer over the output's outer axes
    const rows = outV.length / outRow;
    let src = 0; // input offset of the current row
    for (let r = 0, dst = 0; r < rows; r++, dst += outRow) {
      if (inRow >= 16) {
        const row = xV.subarray(src, src + inRow);
        for (let k = 0; k < outRow; k += inRow) outV.set(row, dst + k);
      } else {
        for (let k = 0; k < outRow; k++) outV[dst + k] = xV[src + (k % inRow)];
      }
      // Advance the odometer; the input index of axis d is idx[d] % x.shape[d].
      for (let d = rank - 2; d >= 0; d--) {
        idx[d] += 1;
        if (idx[d] % x.shape[d] === 0) src -= (x.shape[d] - 1) * inStrides[d];
        else src += inStrides[d];
        if (idx[d] < outShape[d]) break;
        idx[d] = 0;
        // src already wrapped back to this axis' first input index above.
      }
    }
    return out;
  };
  (wrapped as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  return wrapped as unknown as KernelFunc;
}

/** True when `config` is already this module's wrapper. */
export function isTileByRows(config: KernelConfig | undefined): boolean {
  return config != null && (config.kernelFunc as unknown as Record<symbol, boolean>)[WRAPPED] === true;
}
