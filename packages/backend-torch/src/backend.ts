import type { BackendTimingInfo, BackendValues, DataId, DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { DataStorage, engine, KernelBackend } from '@tensorflow/tfjs-core';
import type { TorchNative } from './native';
import { aten, type Op } from './op';

/** What the backend keeps per tfjs dataId: the native tensor and tfjs's view of it. */
export interface TorchData {
  /** Id in the native tensor table. */
  id: number;
  shape: number[];
  dtype: DataType;
  refCount: number;
}

/** A native tensor as `call` describes it. */
export interface NativeTensor {
  id: number;
  dtype: DataType | 'int64' | 'float64' | 'other';
  shape: number[];
}

const NATIVE_DTYPES = ['float32', 'int32', 'bool', 'int64', 'float64', 'other'] as const;
const CAST_CODES: Partial<Record<DataType, number>> = { float32: 0, int32: 1, bool: 2 };
const SUPPORTED: readonly DataType[] = ['float32', 'int32', 'bool'];
const RESHAPE = aten('reshape');

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function decode(flat: number[]): NativeTensor[] {
  const out: NativeTensor[] = [];
  for (let i = 0; i < flat.length;) {
    const rank = flat[i + 2];
    out.push({ id: flat[i], dtype: NATIVE_DTYPES[flat[i + 1]], shape: flat.slice(i + 3, i + 3 + rank) });
    i += 3 + rank;
  }
  return out;
}

/**
 * A tfjs KernelBackend whose tensors live in libtorch: one native at::Tensor per
 * dataId, kernels (src/kernels/) run ATen operators on them. `write`/`read` copy
 * between JS and native memory; `disposeData` frees the native tensor.
 *
 * Inside a kernel, `run`/`temp` results are temporaries freed when the kernel
 * returns, and `output` turns a native tensor into a kernel output.
 */
export class TorchBackend extends KernelBackend {
  readonly data: DataStorage<TorchData>;
  private readonly scopes: Array<Set<number>> = [];

  /**
   * @param native the loaded addon
   * @param device where tensors live: `cpu`, `cuda`, `cuda:1`, ...
   */
  constructor(readonly native: TorchNative, readonly device: string) {
    super();
    this.data = new DataStorage(this, engine());
  }

  // ---- storage ---------------------------------------------------------------

  private upload(values: BackendValues | null, shape: number[], dtype: DataType): number {
    if (!SUPPORTED.includes(dtype)) throw new Error(`the torch backend does not support dtype ${dtype} (float32, int32 and bool only)`);
    const size = shape.reduce((a, b) => a * b, 1);
    const typed = values == null ? new (dtype === 'float32' ? Float32Array : dtype === 'int32' ? Int32Array : Uint8Array)(size) : values;
    if (Array.isArray(typed)) throw new Error('the torch backend does not support string tensors');
    return this.native.fromBuffer(typed as ArrayBufferView, shape, dtype, this.device);
  }

  override write(values: BackendValues | null, shape: number[], dtype: DataType): DataId {
    const dataId = {};
    this.data.set(dataId, { id: this.upload(values, shape, dtype), shape, dtype, refCount: 1 });
    return dataId;
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    this.data.set(dataId, { id: this.upload(values, shape, dtype), shape, dtype, refCount });
  }

  override readSync(dataId: DataId): BackendValues {
    return this.native.toBuffer(this.data.get(dataId)!.id);
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  override refCount(dataId: DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId)!.refCount : 0;
  }

  override incRef(dataId: DataId): void {
    this.data.get(dataId)!.refCount++;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override disposeData(dataId: DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const d = this.data.get(dataId)!;
    d.refCount--;
    if (!force && d.refCount > 0) return false;
    this.native.dispose(d.id);
    this.data.delete(dataId);
    return true;
  }

  override memory(): { unreliable: boolean; numBytesInNative: number; numNativeTensors: number } {
    const m = this.native.memory();
    return { unreliable: false, numBytesInNative: m.numBytes, numNativeTensors: m.numTensors };
  }

  override async time(f: () => void): Promise<BackendTimingInfo> {
    const start = performance.now();
    f();
    this.native.synchronize();
    return { kernelMs: performance.now() - start };
  }

  override timerAvailable(): boolean {
    return true;
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override dispose(): void {
    // The engine disposes tensors before the backend; anything left is freed here.
    for (const scope of this.scopes) for (const id of scope) this.native.dispose(id);
    this.scopes.length = 0;
  }

  // ---- kernel helpers --------------------------------------------------------

  /** Runs a kernel body: temporaries it makes are freed when it returns or throws. */
  scoped<T>(body: () => T): T {
    const scope = new Set<number>();
    this.scopes.push(scope);
    try {
      return body();
    } finally {
      this.scopes.pop();
      for (const id of scope) this.native.dispose(id);
    }
  }

  /** The native id of a kernel input, viewed in the shape tfjs gives it. */
  input(t: TensorInfo): number {
    // A dataId the engine knows but this backend does not is moved here by `data.get`.
    const live = this.data.has(t.dataId) || engine().state.tensorInfo.has(t.dataId);
    const d = live ? this.data.get(t.dataId) : undefined;
    if (d == null) throw new Error(`an input [${t.shape}] ${t.dtype} is not a live tensor (disposed before this kernel ran)`);
    if (sameShape(d.shape, t.shape)) return d.id;
    return this.temp(RESHAPE, [d.id, t.shape]).id;
  }

  /** Runs an op; every output is a temporary of the current kernel. */
  runAll(op: Op, args: unknown[], cast?: DataType): NativeTensor[] {
    const flat = this.native.call(op.resolve(this.native), args, cast == null ? -1 : CAST_CODES[cast] ?? -1);
    return this.adopt(decode(flat), `torch op ${op.qualified}`);
  }

  /** Makes native outputs temporaries of the current kernel. */
  private adopt(outs: NativeTensor[], what: string): NativeTensor[] {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope == null) {
      for (const o of outs) if (o.id >= 0) this.native.dispose(o.id);
      throw new Error(`${what} called outside a kernel`);
    }
    for (const o of outs) if (o.id >= 0) scope.add(o.id);
    return outs;
  }

  /** Runs a native fused kernel (native/fused.h; CPU float32); outputs are temporaries. */
  fused(name: string, ids: number[], scalars: number[]): NativeTensor[] {
    return this.adopt(decode(this.native.fused(name, ids, scalars)), `fused kernel ${name}`);
  }

  /** Runs an op with one output (a temporary). */
  temp(op: Op, args: unknown[], cast?: DataType): NativeTensor {
    return this.runAll(op, args, cast)[0];
  }

  /** Runs an op and returns its id only (a temporary). */
  t(op: Op, ...args: unknown[]): number {
    return this.runAll(op, args)[0].id;
  }

  /** A temporary holding a copy of JS values (interpolation matrices, index tables). */
  constant(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: DataType | 'int64'): number {
    const src = dtype === 'int64' ? Int32Array.from(values) : values;
    let id = this.native.fromBuffer(src, shape, dtype === 'int64' ? 'int32' : dtype, this.device);
    this.scopes[this.scopes.length - 1].add(id);
    if (dtype === 'int64') id = this.t(aten('_to_copy'), id, 'int64');
    return id;
  }

  /** Makes a native tensor of the current kernel an output in tfjs's dtype. */
  output(t: NativeTensor, dtype: DataType): TensorInfo {
    let tensor = t;
    if (tensor.dtype !== dtype) tensor = this.temp(aten('_to_copy'), [t.id, dtype]);
    const scope = this.scopes[this.scopes.length - 1];
    scope.delete(tensor.id);
    const dataId = {};
    this.data.set(dataId, { id: tensor.id, shape: tensor.shape, dtype, refCount: 1 });
    return { dataId, shape: tensor.shape, dtype };
  }

  /** Runs an op and makes its single output a kernel output. */
  out(op: Op, args: unknown[], dtype: DataType): TensorInfo {
    return this.output(this.temp(op, args, dtype), dtype);
  }

  /** A kernel output that shares an input's native tensor (Reshape, Identity). */
  alias(x: TensorInfo, shape: number[]): TensorInfo {
    this.incRef(x.dataId);
    return { dataId: x.dataId, shape, dtype: x.dtype };
  }
}
