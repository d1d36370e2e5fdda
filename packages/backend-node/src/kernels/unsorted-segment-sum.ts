import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import { UnsortedSegmentSum, util } from '@tensorflow/tfjs-core';
import { BackendError } from '@vqct/core';
import { outputFrom, readValues } from './backend-access';

/**
 * out[s, ...] = sum of x[i, ...] over all i with segmentIds[i] = s (TensorFlow's
 * semantics: ids outside [0, numSegments) are dropped). It is also the
 * gradient of gather. segmentIds may have any rank r; x's first r dims match it.
 *
 * @param inputs x [...idsShape, ...inner], segmentIds [...idsShape] int32
 * @returns [numSegments, ...inner], x's dtype
 */
export function unsortedSegmentSum(args: { inputs: { x: TensorInfo; segmentIds: TensorInfo }; backend: KernelBackend; attrs: UnsortedSegmentSumAttrs }): TensorInfo {
  const { inputs: { x, segmentIds }, backend, attrs: { numSegments } } = args;
  const idsRank = segmentIds.shape.length;
  if (segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new BackendError(`UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] is not a prefix of x shape [${x.shape}]`);
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new BackendError(`UnsortedSegmentSum supports float32 and int32, got ${x.dtype}`);
  }
  const inner = util.sizeFromShape(x.shape.slice(idsRank));
  const outShape = [numSegments, ...x.shape.slice(idsRank)];
  const xs = readValues(backend, x);
  const ids = readValues(backend, segmentIds);
  const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const dst = s * inner;
    const src = i * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += xs[src + j];
  }
  return outputFrom(backend, outShape, x.dtype, out);
}

export const unsortedSegmentSumWasmConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
