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
 * n = a block of the b·outH·outW output positions; blocks keep the im2col
 * buffer under MAX_COLS floats and their products are summed.
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
  const block = Math.max(1, Math.min(n, Math.floor(MAX_COLS / k)));
  const matMul = wasmKernel('BatchMatMul');
  let acc: TensorInfo | null = null;

  for (let n0 = 0; n0 < n; n0 += block) {
    const nc = Math.min(block, n - n0);
    const cols = backend.makeOutput([1, k, nc], 'float32');
    const dyBlock = nc === n ? viewAs(dy, [1, n, outChannels]) : backend.makeOutput([1, nc, outChannels], 'float32');
    // Views are taken after every allocation: growing the heap detaches them.
    const colsV = backend.typedArrayFromHeap(cols);
    const xV = backend.typedArrayFromHeap(x);
    if (nc !== n) {
      const dyV = backend.typedArrayFromHeap(dy);
      backend.typedArrayFromHeap(dyBlock).set(dyV.subarray(n0 * outChannels, (n0 + nc) * outChannels));
    }
    for (let j = 0; j < nc; j++) {
      const p = n0 + j;
      const ow = p % outWidth;
      const oh = Math.floor(p / outWidth) % outHeight;
      const b = Math.floor(p / (outWidth * outHeight));
      for (let fy = 0; fy < filterHeight; fy++) {
        const iy = oh * strideHeight - padTop + fy;
        for (let fx = 0; fx < filterWidth; fx++) {
          const ix = ow * strideWidth - padLeft + fx;
          let row = ((fy * filterWidth + fx) * inChannels) * nc + j;
          if (iy < 0 || iy >= inHeight || ix < 0 || ix >= inWidth) {
            for (let c = 0; c < inChannels; c++, row += nc) colsV[row] = 0;
          } else {
            let src = ((b * inHeight + iy) * inWidth + ix) * inChannels;
            for (let c = 0; c < inChannels; c++, row += nc) colsV[row] = xV[src++];
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
