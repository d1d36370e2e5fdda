import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend';
import { aten } from '../op';

// tfjs is NHWC; ATen's convolutions, pools and norms are NCHW. NHWC data viewed
// as NCHW (a permute, no copy) is ATen's channels_last layout, and an NCHW
// channels_last result viewed back as NHWC is contiguous again.

const PERMUTE = aten('permute');
const SLICE = aten('slice.Tensor');
const CONTIGUOUS = aten('contiguous');
const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

/** An NHWC native tensor viewed as NCHW (a temporary). */
export function nchw(b: TorchBackend, nhwcId: number): number {
  return b.t(PERMUTE, nhwcId, TO_NCHW);
}

/** An NCHW native tensor viewed as NHWC (a temporary). */
export function nhwc(b: TorchBackend, nchwId: number): number {
  return b.t(PERMUTE, nchwId, TO_NHWC);
}

/** A kernel input (NHWC) viewed as NCHW. */
export function inputNchw(b: TorchBackend, x: TensorInfo): number {
  return nchw(b, b.input(x));
}

/** An NHWC native tensor (or view) as a contiguous kernel output. */
export function outputNhwc(b: TorchBackend, nhwcId: number, dtype: DataType = 'float32'): TensorInfo {
  return b.output(b.temp(CONTIGUOUS, [nhwcId]), dtype);
}

/** An NCHW native tensor as an NHWC kernel output. */
export function outputFromNchw(b: TorchBackend, nchwId: number, dtype: DataType = 'float32'): TensorInfo {
  return outputNhwc(b, nhwc(b, nchwId), dtype);
}

/** Rows [top, top + height) and columns [left, left + width) of an NCHW tensor (views). */
export function cropNchw(b: TorchBackend, id: number, top: number, left: number, height: number, width: number): number {
  return b.t(SLICE, b.t(SLICE, id, 2, top, top + height, 1), 3, left, left + width, 1);
}
