import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend';

/** A kernel body: inputs by tfjs's names, attrs as tfjs passes them. */
export type TorchKernel = (b: TorchBackend, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap) => TensorInfo | TensorInfo[];

/**
 * A tfjs KernelConfig for the `torch` backend. The body runs scoped: native
 * temporaries it makes are freed when it returns or throws.
 */
export function kernel(kernelName: string, body: TorchKernel): KernelConfig {
  return {
    kernelName,
    backendName: 'torch',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const b = backend as TorchBackend;
      try {
        return b.scoped(() => body(b, inputs as Record<string, TensorInfo>, attrs ?? {}));
      } catch (e) {
        const err = e as Error;
        if (!err.message.startsWith('the torch backend')) err.message = `the torch backend, kernel ${kernelName}: ${err.message}`;
        throw err;
      }
    },
  };
}

/** Axis list of a tfjs attr (number, array or undefined = all) as non-negative dims. */
export function axesOf(axis: unknown, rank: number): number[] {
  const list = axis == null ? Array.from({ length: rank }, (_, i) => i) : Array.isArray(axis) ? (axis as number[]) : [axis as number];
  return list.map((a) => (a < 0 ? a + rank : a));
}
