import * as tf from '@tensorflow/tfjs-core';

/**
 * Optional fused kernels: names and contracts owned by @vqct/vq. A backend may
 * register them (the torch backend does); the library uses one only when the
 * active backend has it, and otherwise composes the same math from tfjs ops —
 * that composed version is the reference the tests hold a fused one to.
 *
 * `VqctGroupNorm`: inputs `{ x [b, h, w, c], gamma [c], beta [c] }`, attrs
 * `{ groups, epsilon, swish }` -> `[y, normalized, mean, rstd]`: y [b, h, w, c] =
 * GroupNorm(x) (then x * sigmoid(x) when `swish`), `normalized` the GroupNorm output
 * before swish (same shape), `mean` and `rstd` [b, groups], all float32.
 *
 * `VqctGroupNormGrad`: inputs `{ dy, x, gamma, normalized, mean, rstd }` (the
 * forward's outputs), the same attrs -> `[dx, dgamma, dbeta]`.
 *
 * `VqctAdam`: inputs `{ param, m, v, grad, c1, c2 }` (c1, c2: the bias
 * corrections 1 - beta^t as scalars), attrs `{ learningRate, beta1, beta2, epsilon }`
 * -> `[param', m', v']` with PyTorch's update, in the order NamedAdam composes it.
 */
export const FUSED_KERNELS = {
  groupNorm: 'VqctGroupNorm',
  groupNormGrad: 'VqctGroupNormGrad',
  adam: 'VqctAdam',
} as const;

export type FusedKernelName = (typeof FUSED_KERNELS)[keyof typeof FUSED_KERNELS];

/** Tests set this to run the composed reference even where a fused kernel exists. */
let disabled = false;

/**
 * Turns the fused kernels off (true) or back on, process-wide: for comparing a
 * fused kernel with its composed reference.
 */
export function disableFusedKernels(off: boolean): void {
  disabled = off;
}

/** Whether the active backend registers `name` (and fused kernels are on). */
export function hasFusedKernel(name: FusedKernelName): boolean {
  return !disabled && tf.getKernel(name, tf.getBackend()) != null;
}
