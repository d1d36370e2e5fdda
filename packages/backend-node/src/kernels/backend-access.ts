import type { DataType, KernelBackend, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { BackendError } from '@vqct/core';

/**
 * The slice of tfjs-backend-wasm's BackendWasm these kernels use. Typed here
 * structurally so that this module needs no import of the wasm package.
 */
export interface WasmBackendLike extends KernelBackend {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): TypedArray;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Reads a tensor's values on any backend (a copy on wasm, the stored array on cpu). */
export function readValues(backend: KernelBackend, info: TensorInfo): TypedArray {
  return backend.readSync(info.dataId) as TypedArray;
}

/** Makes a kernel output from values computed in JS, on any backend. */
export function outputFrom(backend: KernelBackend, shape: number[], dtype: DataType, values: TypedArray): TensorInfo {
  if (values.length !== util.sizeFromShape(shape)) {
    throw new BackendError(`output of shape [${shape}] needs ${util.sizeFromShape(shape)} values, got ${values.length}`);
  }
  return { dataId: backend.write(values, shape, dtype), shape, dtype };
}

/** A view of the same data with another shape (no copy, no new reference). */
export function viewAs(info: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}
