import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend';
import { aten } from '../op';
import { activate } from './activation';
import { kernel } from './define';
import { cropNchw, inputNchw, nchw, nhwc, outputFromNchw, outputNhwc } from './layout';

// tfjs is NHWC with HWIO filters; ATen is NCHW with OIHW (see layout.ts: oneDNN
// runs the channels_last view natively).
const PERMUTE = aten('permute');
const RESHAPE = aten('reshape');
const CONV = aten('conv2d');
const CONV_T = aten('conv_transpose2d.input');
const CONV_BACKWARD = aten('convolution_backward');
const PAD = aten('constant_pad_nd');
const ZEROS = aten('zeros');
const EMPTY = aten('empty.memory_format');

type ConvInfo = backend_util.Conv2DInfo;

function assertNhwc(format: unknown, name: string): void {
  if (format != null && format !== 'NHWC' && format !== 'channelsLast') throw new Error(`the torch backend: ${name} supports dataFormat NHWC only, got ${String(format)}`);
}

/** NCHW view of x, padded explicitly when tfjs's padding is asymmetric; and the padding left for ATen. */
function paddedInput(b: TorchBackend, x: number, info: ConvInfo): { id: number; padding: number[] } {
  const { top, bottom, left, right } = info.padInfo;
  const view = nchw(b, x);
  if (top === bottom && left === right) return { id: view, padding: [top, left] };
  return { id: b.t(PAD, view, [left, right, top, bottom], 0), padding: [0, 0] };
}

/** HWIO filter as OIHW (dense) or, for depthwise [h, w, c, m], as [c*m, 1, h, w]. */
function weightOf(b: TorchBackend, filter: number, shape: number[], depthwise: boolean): number {
  if (!depthwise) return b.t(PERMUTE, filter, [3, 2, 0, 1]);
  const [h, w, c, m] = shape;
  return b.t(RESHAPE, b.t(PERMUTE, filter, [2, 3, 0, 1]), [c * m, 1, h, w]);
}

/** A 1x1, stride-1, unpadded, undilated dense conv: on NHWC data, a matrix product. */
function pointwise(info: ConvInfo, depthwise: boolean): boolean {
  const p = info.padInfo;
  return !depthwise && info.filterHeight === 1 && info.filterWidth === 1 && info.strideHeight === 1 && info.strideWidth === 1
    && info.dilationHeight === 1 && info.dilationWidth === 1 && p.top === 0 && p.bottom === 0 && p.left === 0 && p.right === 0;
}

/** [N, H, W, C] as [N*H*W, C] (a view). */
const rows = (b: TorchBackend, id: number, c: number): number => b.t(RESHAPE, id, [-1, c]);

function pointwiseForward(b: TorchBackend, x: TensorInfo, filter: TensorInfo, info: ConvInfo, flatBias: number | null): number {
  const w = b.t(RESHAPE, b.input(filter), [info.inChannels, info.outChannels]);
  const xr = rows(b, b.input(x), info.inChannels);
  const y = flatBias != null ? b.t(aten('addmm'), flatBias, xr, w) : b.t(aten('mm'), xr, w);
  return b.t(RESHAPE, y, [info.batchSize, info.outHeight, info.outWidth, info.outChannels]);
}

/** A dense conv through ATen's conv2d (oneDNN on the channels_last view), bias fused where flat. */
function convForward(b: TorchBackend, x: TensorInfo, filter: TensorInfo, info: ConvInfo, depthwise: boolean, biasId: number | null): number {
  const { id, padding } = paddedInput(b, b.input(x), info);
  const w = weightOf(b, b.input(filter), filter.shape, depthwise);
  const groups = depthwise ? info.inChannels : 1;
  return nhwc(b, b.t(CONV, id, w, biasId, [info.strideHeight, info.strideWidth], padding, [info.dilationHeight, info.dilationWidth], groups));
}

function forward(b: TorchBackend, x: TensorInfo, filter: TensorInfo, info: ConvInfo, depthwise: boolean, bias?: TensorInfo): number {
  const flatBias = bias != null && bias.shape.length <= 1 && (bias.shape[0] ?? 1) === info.outChannels;
  const biasId = flatBias ? b.t(RESHAPE, b.input(bias), [info.outChannels]) : null;
  const y = pointwise(info, depthwise) ? pointwiseForward(b, x, filter, info, biasId) : convForward(b, x, filter, info, depthwise, biasId);
  return bias != null && !flatBias ? b.t(aten('add.Tensor'), y, b.input(bias)) : y;
}

/**
 * dx of a conv: ATen's convolution_backward (oneDNN's backward-data) where tfjs's
 * padding is symmetric, against an uninitialised channels_last input of the right
 * shape (only its shape and layout are read); else the transposed conv of dy,
 * cropped to tfjs's padding.
 */
function backpropInput(b: TorchBackend, dy: TensorInfo, filter: TensorInfo, info: ConvInfo, depthwise: boolean): TensorInfo {
  if (pointwise(info, depthwise)) {
    const w = b.t(RESHAPE, b.input(filter), [info.inChannels, info.outChannels]);
    const dx = b.t(aten('mm'), rows(b, b.input(dy), info.outChannels), b.t(aten('t'), w));
    return outputNhwc(b, b.t(RESHAPE, dx, [info.batchSize, info.inHeight, info.inWidth, info.inChannels]));
  }
  const w = weightOf(b, b.input(filter), filter.shape, depthwise);
  const groups = depthwise ? info.inChannels : 1;
  const dyN = inputNchw(b, dy);
  const { top, bottom, left, right } = info.padInfo;
  const stride = [info.strideHeight, info.strideWidth];
  const dilation = [info.dilationHeight, info.dilationWidth];
  if (top === bottom && left === right) {
    const shape = [info.batchSize, info.inChannels, info.inHeight, info.inWidth];
    const like = b.t(EMPTY, shape, 'float32', null, b.device, null, 'channels_last');
    const [dx] = b.runAll(CONV_BACKWARD, [dyN, like, w, null, stride, [top, left], dilation, false, [0, 0], groups, [true, false, false]]);
    return outputFromNchw(b, dx.id);
  }
  let full = b.temp(CONV_T, [dyN, w, null, stride, [0, 0], [0, 0], groups, dilation]);
  const needH = top + info.inHeight - full.shape[2];
  const needW = left + info.inWidth - full.shape[3];
  if (needH > 0 || needW > 0) full = b.temp(PAD, [full.id, [0, Math.max(0, needW), 0, Math.max(0, needH)], 0]);
  return outputFromNchw(b, cropNchw(b, full.id, top, left, info.inHeight, info.inWidth));
}

/** dW of a conv: ATen's convolution_backward with only the weight grad asked for. */
function backpropFilter(b: TorchBackend, x: TensorInfo, dy: TensorInfo, info: ConvInfo, filterShape: number[], depthwise: boolean): TensorInfo {
  if (pointwise(info, depthwise)) {
    const dw = b.t(aten('mm'), b.t(aten('t'), rows(b, b.input(x), info.inChannels)), rows(b, b.input(dy), info.outChannels));
    return outputNhwc(b, b.t(RESHAPE, dw, filterShape));
  }
  const { id, padding } = paddedInput(b, b.input(x), info);
  const dyN = inputNchw(b, dy);
  const [h, w, i, o] = filterShape;
  const oihw = depthwise ? [i * o, 1, h, w] : [o, i, h, w];
  const weight = b.t(ZEROS, oihw, 'float32', null, b.device);
  const groups = depthwise ? info.inChannels : 1;
  const [, dw] = b.runAll(CONV_BACKWARD, [dyN, id, weight, null, [info.strideHeight, info.strideWidth], padding,
    [info.dilationHeight, info.dilationWidth], false, [0, 0], groups, [false, true, false]]);
  const back = depthwise ? b.t(PERMUTE, b.t(RESHAPE, dw.id, [i, o, h, w]), [2, 3, 0, 1]) : b.t(PERMUTE, dw.id, [2, 3, 1, 0]);
  return outputNhwc(b, back);
}

interface ConvAttrs { strides: number | [number, number]; pad: backend_util.PadInfo['type'] | number | backend_util.ExplicitPadding; dataFormat?: string; dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape?: number[]; filterShape?: number[]; activation?: string; leakyreluAlpha?: number }

function info(xShape: number[], filterShape: number[], a: ConvAttrs, depthwise: boolean): ConvInfo {
  return backend_util.computeConv2DInfo(xShape as never, filterShape as never, a.strides, a.dilations ?? 1, a.pad as never, a.dimRoundingMode, depthwise, 'channelsLast');
}

function convKernel(name: string, depthwise: boolean): KernelConfig {
  return kernel(name, (b, { x, filter }, attrs) => {
    const a = attrs as unknown as ConvAttrs;
    assertNhwc(a.dataFormat, name);
    return outputNhwc(b, forward(b, x, filter, info(x.shape, filter.shape, a, depthwise), depthwise));
  });
}

function fusedKernel(name: string, depthwise: boolean): KernelConfig {
  return kernel(name, (b, { x, filter, bias, preluActivationWeights }, attrs) => {
    const a = attrs as unknown as ConvAttrs;
    assertNhwc(a.dataFormat, name);
    const y = forward(b, x, filter, info(x.shape, filter.shape, a, depthwise), depthwise, bias);
    return outputNhwc(b, activate(b, y, a.activation, preluActivationWeights, a.leakyreluAlpha));
  });
}

export const CONV_KERNELS: KernelConfig[] = [
  convKernel('Conv2D', false),
  convKernel('DepthwiseConv2dNative', true),
  fusedKernel('FusedConv2D', false),
  fusedKernel('FusedDepthwiseConv2D', true),
  kernel('Conv2DBackpropInput', (b, { dy, filter }, attrs) => {
    const a = attrs as unknown as ConvAttrs;
    assertNhwc(a.dataFormat, 'Conv2DBackpropInput');
    return backpropInput(b, dy, filter, info(a.inputShape!, filter.shape, a, false), false);
  }),
  kernel('DepthwiseConv2dNativeBackpropInput', (b, { dy, filter }, attrs) => {
    const a = attrs as unknown as ConvAttrs;
    return backpropInput(b, dy, filter, info(a.inputShape!, filter.shape, a, true), true);
  }),
  kernel('Conv2DBackpropFilter', (b, { x, dy }, attrs) => {
    const a = attrs as unknown as ConvAttrs;
    assertNhwc(a.dataFormat, 'Conv2DBackpropFilter');
    return backpropFilter(b, x, dy, info(x.shape, a.filterShape!, a, false), a.filterShape!, false);
  }),
  kernel('DepthwiseConv2dNativeBackpropFilter', (b, { x, dy }, attrs) => {
    const a = attrs as unknown as ConvAttrs;
    return backpropFilter(b, x, dy, info(x.shape, a.filterShape!, a, true), a.filterShape!, true);
  }),
];
