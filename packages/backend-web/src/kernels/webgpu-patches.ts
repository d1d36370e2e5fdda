/**
 * Two kernel patches that keep tfjs-backend-webgpu (4.22) off its synchronous GPU
 * read-back. That read goes through an OffscreenCanvas WebGPU context; in headless
 * Chromium (SwiftShader) it loses the GPU instance ("A valid external Instance
 * reference no longer exists") and every later read fails; on real GPUs it stalls.
 *
 * - Tile of rank >= 5 (what @vqct/vq's nearest 2x upsampling uses, a rank-6
 *   broadcastTo) falls back to the CPU through a sync read in tfjs-webgpu. Tiling one
 *   axis is a rank-3 tile of [before, axis, after] with reps [1, r, 1], so any tile is
 *   a chain of rank-3 tiles, which run on the GPU.
 * - Min/Max of small tensors still on the host (@vqct/vq's token range check before
 *   decoding, on tokens made from a JavaScript array) run on the host, as tfjs-webgpu
 *   already does for Slice, Concat, Cast, ...; everything else goes to the original.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';

/** Same bound tfjs-webgpu uses for its own CPU hand-off (WEBGPU_CPU_HANDOFF_SIZE_THRESHOLD). */
const HOST_LIMIT = 1000;

interface WebGpuInternals {
  tensorMap: { get(id: unknown): { values?: ArrayLike<number> | null } | undefined };
  makeTensorInfo(shape: number[], dtype: string, values: ArrayLike<number>): TensorInfo;
  disposeData(dataId: unknown): boolean;
}

const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

function hostReduction(kernelName: 'Min' | 'Max', original: KernelConfig): KernelFunc {
  const pick = kernelName === 'Min' ? Math.min : Math.max;
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    const backend = args.backend as unknown as WebGpuInternals;
    const values = backend.tensorMap?.get(x.dataId)?.values;
    const attrs = (args.attrs ?? {}) as { axis?: number | number[] | null; keepDims?: boolean };
    const axes = attrs.axis == null ? x.shape.map((_, i) => i) : Array.isArray(attrs.axis) ? attrs.axis : [attrs.axis];
    const size = product(x.shape);
    const full = new Set(axes.map((a) => (a < 0 ? a + x.shape.length : a))).size === x.shape.length && !attrs.keepDims;
    if (values != null && full && size > 0 && size <= HOST_LIMIT && (x.dtype === 'int32' || x.dtype === 'float32')) {
      let v = values[0];
      for (let i = 1; i < size; i++) v = pick(v, values[i]);
      return backend.makeTensorInfo([], x.dtype, x.dtype === 'int32' ? Int32Array.of(v) : Float32Array.of(v));
    }
    return original.kernelFunc(args);
  };
}

function chainedTile(original: KernelConfig, backendName: string): KernelFunc {
  const reshape = getKernel('Reshape', backendName);
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    const reps = (args.attrs as { reps: number[] }).reps;
    const backend = args.backend as unknown as WebGpuInternals;
    if (x.shape.length < 5 || reshape == null || reps.length !== x.shape.length) return original.kernelFunc(args);
    const run = (k: KernelConfig, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>) =>
      k.kernelFunc({ inputs, backend: args.backend, attrs: attrs as never }) as TensorInfo;
    let current = x;
    let shape = [...x.shape];
    const drop = (t: TensorInfo) => t !== x && backend.disposeData(t.dataId);
    for (let axis = 0; axis < shape.length; axis++) {
      if (reps[axis] === 1) continue;
      const flat = run(reshape, { x: current }, { shape: [product(shape.slice(0, axis)), shape[axis], product(shape.slice(axis + 1))] });
      drop(current);
      const tiled = run(original, { x: flat }, { reps: [1, reps[axis], 1] });
      drop(flat);
      current = tiled;
      shape = shape.map((d, i) => (i === axis ? d * reps[axis] : d));
    }
    const out = run(reshape, { x: current }, { shape });
    drop(current);
    return out;
  };
}

/**
 * Installs the patches on the webgpu backend once; a no-op where it is not registered.
 * `backendName` exists for the tests, which check the patched kernels on the cpu backend.
 */
export function patchWebGpuKernels(backendName = 'webgpu'): void {
  const patches: Array<[string, (k: KernelConfig) => KernelFunc]> = [
    ['Min', (k) => hostReduction('Min', k)],
    ['Max', (k) => hostReduction('Max', k)],
    ['Tile', (k) => chainedTile(k, backendName)],
  ];
  for (const [name, make] of patches) {
    const original = getKernel(name, backendName);
    if (original == null || (original as { vqctPatched?: boolean }).vqctPatched) continue;
    unregisterKernel(name, backendName);
    registerKernel({ ...original, kernelFunc: make(original), vqctPatched: true } as KernelConfig);
  }
}
