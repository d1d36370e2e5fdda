import type { DepthwiseConv2dNativeBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, DepthwiseConv2dNativeBackpropInput } from '@tensorflow/tfjs-core';
import { BackendError } from '@vqct/core';
import type { WasmBackendLike } from './backend-access';
import { outputFrom, readValues } from './backend-access';

/**
 * dx of a depthwise conv, which tfjs-backend-wasm 4.22 does not implement
 * (the perceptual loss backpropagates through MobileNetV2's depthwise convs
 * to the reconstruction). A direct loop in JS: each dy value is scattered
 * through the filter taps onto dx, c·m + q reading channel c (m = channel
 * multiplier). The frozen perceptual net is small at vqct's image sides, so
 * this is a few percent of a training step.
 *
 * @param inputs dy [b, outH, outW, inC·m], filter [fh, fw, inC, m]
 * @returns dx [b, inH, inW, inC] (attrs.inputShape)
 */
export function depthwiseConv2dBackpropInput(args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: WasmBackendLike; attrs: DepthwiseConv2dNativeBackpropInputAttrs }): TensorInfo {
  const { backend, attrs } = args;
  const { dy, filter } = args.inputs;
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') throw new BackendError(`DepthwiseConv2dNativeBackpropInput on wasm supports float32 only, got ${dy.dtype} and ${filter.dtype}`);
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true, 'channelsLast',
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const m = outChannels / inChannels;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dyV = readValues(backend, dy);
  const wV = readValues(backend, filter);
  const dx = new Float32Array(batchSize * inHeight * inWidth * inChannels);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const dyBase = ((b * outHeight + oy) * outWidth + ox) * outChannels;
        for (let fy = 0; fy < fh; fy++) {
          const iy = oy * sh - top + fy * dh;
          if (iy < 0 || iy >= inHeight) continue;
          for (let fx = 0; fx < fw; fx++) {
            const ix = ox * sw - left + fx * dw;
            if (ix < 0 || ix >= inWidth) continue;
            const dxBase = ((b * inHeight + iy) * inWidth + ix) * inChannels;
            const wBase = (fy * fw + fx) * inChannels * m;
            if (m === 1) {
              for (let c = 0; c < inChannels; c++) dx[dxBase + c] += dyV[dyBase + c] * wV[wBase + c];
            } else {
              for (let c = 0; c < inChannels; c++) {
                let s = 0;
                for (let q = 0; q < m; q++) s += dyV[dyBase + c * m + q] * wV[wBase + c * m + q];
                dx[dxBase + c] += s;
              }
            }
          }
        }
      }
    }
  }
  return outputFrom(backend, [batchSize, inHeight, inWidth, inChannels], 'float32', dx);
}

export const depthwiseConv2dBackpropInputWasmConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropInput as unknown as KernelFunc,
};
