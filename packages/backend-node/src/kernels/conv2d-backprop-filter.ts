import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, Conv2DBackpropFilter, getKernel } from '@tensorflow/tfjs-core';
import { BackendError } from '@vqct/core';
import type { WasmBackendLike } from './backend-access';
import { viewAs } from './backend-access';

/** Upper bound on the im2col buffer (floats) before the work is split over output rows. */
const MAX_COLS = 1 << 22;

function wasmKernel(name: string): KernelFunc {
  const config = getKernel(name, 'wasm');
  if (config == null) throw new BackendError(`wasm kernel ${name} is not registered; import @tensorflow/tfjs-backend-wasm first`);
  return config.kernelFunc;
}

function transposeNchwToNhwc(backend: WasmBackendLike, x: TensorInfo): TensorInfo {
  return wasmKernel('Transpose')({ inputs: { x }, backend, attrs: { perm: [0, 2, 3, 1] } }) as TensorInfo;
}

/**
 * dW = im2col(x)^T · dy, computed as [K, n] · [n, outC] so that wasm's
 * BatchMatMul (XNNPACK) runs without its slow transpose flags. K = fh·fw·inC,
 * n = a block of whole output rows of the b·outH·outW positions; blocks keep
 * the im2col buffer under MAX_COLS floats and their products are summed.
 * x is first transposed to [inC, b, h, w] (wasm's Transpose) so that each
 * im2col row is written in order from runs of x along w (the former
 * position-major fill wrote with a stride of n and cost ~1/3 of the kernel).
 *
 * @param inputs x [b, h, w, inC] (or NCHW), dy [b, outH, outW, outC]
 * @returns dW [fh, fw, inC, outC]
 */
export function conv2dBackpropFilterWasm(args: { inputs: { x: TensorInfo; dy: TensorInfo }; backend: WasmBackendLike; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { backend, attrs } = args;
  let { x, dy } = args.inputs;
  const owned: TensorInfo[] = [];
  if (attrs.dataFormat === 'NCHW') {
    x = transposeNchwToNhwc(backend, x);
    dy = transposeNchwToNhwc(backend, dy);
    owned.push(x, dy);
  }
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new BackendError(`Conv2DBackpropFilter on wasm supports float32 only, got ${x.dtype} and ${dy.dtype}`);
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top: padTop, left: padLeft } = info.padInfo;
  const k = filterHeight * filterWidth * inChannels;
  const n = batchSize * outHeight * outWidth;
  // Blocks of whole output rows, so that each im2col row is filled by runs along ox.
  const rowsPerBlock = Math.max(1, Math.floor(MAX_COLS / (k * outWidth)));
  const block = Math.min(n, rowsPerBlock * outWidth);
  const matMul = wasmKernel('BatchMatMul');
  // x as [inC, b, h, w]: an im2col row (fy, fx, c) then reads runs of x along w.
  const xT = wasmKernel('Transpose')({ inputs: { x }, backend, attrs: { perm: [3, 0, 1, 2] } }) as TensorInfo;
  owned.push(xT);
  let acc: TensorInfo | null = null;

  for (let n0 = 0; n0 < n; n0 += block) {
    const nc = Math.min(block, n - n0);
    const cols = backend.makeOutput([1, k, nc], 'float32');
    const dyBlock = nc === n ? viewAs(dy, [1, n, outChannels]) : backend.makeOutput([1, nc, outChannels], 'float32');
    // Views are taken after every allocation: growing the heap detaches them.
    const colsV = backend.typedArrayFromHeap(cols);
    const xV = backend.typedArrayFromHeap(xT);
    if (nc !== n) {
      const dyV = backend.typedArrayFromHeap(dy);
      backend.typedArrayFromHeap(dyBlock).set(dyV.subarray(n0 * outChannels, (n0 + nc) * outChannels));
    }
    const row0 = n0 / outWidth; // first output row (b·outH + oh) of the block
    const rows = nc / outWidth;
    for (let fy = 0; fy < filterHeight; fy++) {
      for (let fx = 0; fx < filterWidth; fx++) {
        // Output columns whose input column ix = ox·sw - padLeft + fx lies inside [0, inWidth).
        const oxStart = Math.min(outWidth, Math.max(0, Math.ceil((padLeft - fx) / strideWidth)));
        const oxEnd = Math.max(oxStart, Math.min(outWidth, Math.floor((inWidth - 1 + padLeft - fx) / strideWidth) + 1));
        for (let c = 0; c < inChannels; c++) {
          let dst = ((fy * filterWidth + fx) * inChannels + c) * nc;
          for (let r = 0; r < rows; r++, dst += outWidth) {
            const oh = (row0 + r) % outHeight;
            const b = Math.floor((row0 + r) / outHeight);
            const iy = oh * strideHeight - padTop + fy;
            if (iy < 0 || iy >= inHeight) {
              colsV.fill(0, dst, dst + outWidth);
              continue;
            }
            const srcRow = ((c * batchSize + b) * inHeight + iy) * inWidth - padLeft + fx;
            for (let ox = 0; ox < oxStart; ox++) colsV[dst + ox] = 0;
            for (let ox = oxStart, src = srcRow + ox * strideWidth; ox < oxEnd; ox++, src += strideWidth) colsV[dst + ox] = xV[src];
            for (let ox = oxEnd; ox < outWidth; ox++) colsV[dst + ox] = 0;
          }
        }
      }
    }
    const part = matMul({ inputs: { a: cols, b: dyBlock }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
    backend.disposeData(cols.dataId);
    if (nc !== n) backend.disposeData(dyBlock.dataId);
    if (acc == null) {
      acc = part;
    } else {
      const accV = backend.typedArrayFromHeap(acc);
      const partV = backend.typedArrayFromHeap(part);
      for (let i = 0; i < accV.length; i++) accV[i] += partV[i];
      backend.disposeData(part.dataId);
    }
  }
  for (const t of owned) backend.disposeData(t.dataId);
  if (acc == null) throw new BackendError('Conv2DBackpropFilter: empty input');
  return viewAs(acc, [filterHeight, filterWidth, inChannels, outChannels]);
}

export const conv2dBackpropFilterWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as KernelFunc,
};
