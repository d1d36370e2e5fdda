import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, getKernel } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './backend-access';

/** Marks a kernel function as this module's wrapper, so wrapping twice is a no-op. */
const WRAPPED = Symbol.for('vqct.conv2dBackpropInputAsConv');

type Args = { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: WasmBackendLike; attrs: Conv2DBackpropInputAttrs };

/**
 * Wraps wasm's Conv2DBackpropInput (a plain C++ loop, ~10x slower than XNNPACK's
 * forward conv on vqct's shapes) so that dx is computed as a forward conv:
 * dx = conv2d(pad(dilate(dy, stride)), W'), stride 1, 'valid', with
 * W'[fh-1-i, fw-1-j, o, c] = W[i, j, c, o]. dy is dilated by the stride and
 * padded by (f - 1 - padBefore) before / (f - 1 - padAfter) after in JS (one
 * copy), then wasm's Conv2D (XNNPACK) does the product. Falls back to `inner`
 * for NCHW, non-float32 or pads larger than the filter.
 *
 * @param inputs dy [b, outH, outW, outC], filter [fh, fw, inC, outC]
 * @returns dx [b, inH, inW, inC] (attrs.inputShape)
 */
export function conv2dBackpropInputAsConv(inner: KernelFunc): KernelFunc {
  const wrapped = (args: Args): TensorInfo => {
    const { backend, attrs } = args;
    const { dy, filter } = args.inputs;
    const info = backend_util.computeConv2DInfo(
      attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
    );
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const padTop = fh - 1 - info.padInfo.top;
    const padLeft = fw - 1 - info.padInfo.left;
    const usable = attrs.dataFormat !== 'NCHW' && dy.dtype === 'float32' && filter.dtype === 'float32'
      && padTop >= 0 && padLeft >= 0 && outHeight === dy.shape[1] && outWidth === dy.shape[2];
    if (!usable) return inner(args as never) as TensorInfo;

    // The padded, dilated dy: dy[b, y, x] lands at (padTop + y·sh, padLeft + x·sw).
    const ph = inHeight + fh - 1;
    const pw = inWidth + fw - 1;
    const padded = backend.makeOutput([batchSize, ph, pw, outChannels], 'float32');
    const flipped = backend.makeOutput([fh, fw, outChannels, inChannels], 'float32');
    // Views are taken after every allocation: growing the heap detaches them.
    const pV = backend.typedArrayFromHeap(padded);
    const dyV = backend.typedArrayFromHeap(dy);
    pV.fill(0);
    for (let b = 0; b < batchSize; b++) {
      for (let y = 0; y < outHeight; y++) {
        const py = padTop + y * sh;
        if (py >= ph) break;
        for (let x = 0; x < outWidth; x++) {
          const px = padLeft + x * sw;
          if (px >= pw) break;
          const src = ((b * outHeight + y) * outWidth + x) * outChannels;
          pV.set(dyV.subarray(src, src + outChannels), ((b * ph + py) * pw + px) * outChannels);
        }
      }
    }
    const fV = backend.typedArrayFromHeap(flipped);
    const wV = backend.typedArrayFromHeap(filter);
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        const dst0 = ((fh - 1 - i) * fw + (fw - 1 - j)) * outChannels * inChannels;
        const src0 = (i * fw + j) * inChannels * outChannels;
        for (let c = 0; c < inChannels; c++) {
          for (let o = 0; o < outChannels; o++) fV[dst0 + o * inChannels + c] = wV[src0 + c * outChannels + o];
        }
      }
    }
    const conv2d = getKernel('Conv2D', 'wasm')!.kernelFunc;
    const dx = conv2d({
      inputs: { x: padded, filter: flipped }, backend,
      attrs: { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined } as never,
    }) as TensorInfo;
    backend.disposeData(padded.dataId);
    backend.disposeData(flipped.dataId);
    return dx;
  };
  (wrapped as unknown as Record<symbol, boolean>)[WRAPPED] = true;
  return wrapped as unknown as KernelFunc;
}

/** True when `config` is already this module's wrapper. */
export function isConv2dBackpropInputAsConv(config: KernelConfig | undefined): boolean {
  return config != null && (config.kernelFunc as unknown as Record<symbol, boolean>)[WRAPPED] === true;
}
