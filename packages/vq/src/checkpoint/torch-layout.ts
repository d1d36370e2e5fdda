import { FormatError } from '@vqct/core';

/**
 * How a tensor's values move between vqct's layout and PyTorch's:
 * `copy` (biases, norms, codebooks: the same), `conv` (vqct's HWIO kernel
 * [kh, kw, in, out] <-> torch's OIHW [out, in, kh, kw]), `linear` (vqct's
 * [in, out] matrix <-> torch Linear's [out, in]).
 */
export type TorchLayout = 'copy' | 'conv' | 'linear';

/** The axis order that takes a vqct tensor to torch's, per layout. */
const TO_TORCH: Record<Exclude<TorchLayout, 'copy'>, number[]> = { conv: [3, 2, 0, 1], linear: [1, 0] };
/** Its inverse: torch -> vqct. */
const FROM_TORCH: Record<Exclude<TorchLayout, 'copy'>, number[]> = { conv: [2, 3, 1, 0], linear: [1, 0] };

/**
 * out[j...] = data[i...] with out's axis a being data's axis perm[a]. Values
 * are copied, never computed: a round trip is bit-identical.
 */
function permute<T extends Float32Array | Int32Array>(data: T, shape: number[], perm: number[]): { data: T; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const strides = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) strides[a] = strides[a + 1] * shape[a + 1];
  // Stride in the input of each output axis.
  const inStride = perm.map((p) => strides[p]);
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = data[src];
    for (let a = rank - 1; a >= 0; a--) {
      idx[a]++;
      src += inStride[a];
      if (idx[a] < outShape[a]) break;
      src -= inStride[a] * outShape[a];
      idx[a] = 0;
    }
  }
  return { data: out, shape: outShape };
}

function expectRank(shape: number[], layout: TorchLayout, name: string): void {
  const rank = layout === 'conv' ? 4 : layout === 'linear' ? 2 : shape.length;
  if (shape.length !== rank) throw new FormatError(`"${name}" has shape [${shape.join(', ')}]; a ${layout} tensor must have rank ${rank}`);
}

/**
 * vqct layout -> torch layout (see `TorchLayout`).
 * @example toTorchLayout(kernel, [3, 3, 8, 16], 'conv', 'encoder.conv_in.kernel').shape; // [16, 8, 3, 3]
 */
export function toTorchLayout<T extends Float32Array | Int32Array>(data: T, shape: number[], layout: TorchLayout, name: string): { data: T; shape: number[] } {
  expectRank(shape, layout, name);
  return layout === 'copy' ? { data, shape: shape.slice() } : permute(data, shape, TO_TORCH[layout]);
}

/**
 * torch layout -> vqct layout (the inverse of `toTorchLayout`).
 * @example fromTorchLayout(weight, [16, 8, 3, 3], 'conv', 'encoder.conv_in.weight').shape; // [3, 3, 8, 16]
 */
export function fromTorchLayout<T extends Float32Array | Int32Array>(data: T, shape: number[], layout: TorchLayout, name: string): { data: T; shape: number[] } {
  expectRank(shape, layout, name);
  return layout === 'copy' ? { data, shape: shape.slice() } : permute(data, shape, FROM_TORCH[layout]);
}
