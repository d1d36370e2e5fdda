import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../backend';
import { aten } from '../op';
import { kernel } from './define';
import { inputNchw, outputFromNchw } from './layout';

// Native versions of @vqct/vq's optional fused kernels (their contract and
// composed reference live in packages/vq/src/fused/fused-kernels.ts).


interface NormAttrs { groups: number; epsilon: number; swish: boolean }

/** ATen's group norm over an NHWC tensor viewed as NCHW: [y (pre-swish), mean, rstd] (NCHW). */
function groupNormForward(b: TorchBackend, x: TensorInfo, gamma: TensorInfo, beta: TensorInfo, a: NormAttrs): number[] {
  const [n, h, w, c] = x.shape;
  // NHWC viewed as NCHW is channels_last, which ATen's CPU group norm runs without a copy.
  const xn = inputNchw(b, x);
  const [y, mean, rstd] = b.runAll(aten('native_group_norm'), [xn, b.input(gamma), b.input(beta), n, c, h * w, a.groups, a.epsilon]);
  return [xn, y.id, mean.id, rstd.id];
}

/**
 * CPU float32: native loops over the NHWC data (native/fused.cc); elsewhere ATen ops.
 * VQCT_TORCH_FUSED_LOOPS=0 takes the ATen path on CPU too (for comparing the two); read
 * at every call, since bench/fused.bench.mjs switches it within one process.
 */
const nativeLoops = (b: TorchBackend, ...ts: TensorInfo[]): boolean =>
  b.device === 'cpu' && process.env.VQCT_TORCH_FUSED_LOOPS !== '0' && ts.every((t) => t.dtype === 'float32');

const groupNorm = kernel('VqctGroupNorm', (b, { x, gamma, beta }, attrs) => {
  const a = attrs as unknown as NormAttrs;
  if (nativeLoops(b, x, gamma, beta)) {
    const [z, mean, rstd] = b.fused('group_norm_nhwc', [b.input(x), b.input(gamma), b.input(beta)], [a.groups, a.epsilon]);
    const y = a.swish ? b.temp(aten('silu'), [z.id]) : z;
    return [b.output(y, 'float32'), a.swish ? b.output(z, 'float32') : b.alias(b.output(z, 'float32'), x.shape), b.output(mean, 'float32'), b.output(rstd, 'float32')];
  }
  const [, y, mean, rstd] = groupNormForward(b, x, gamma, beta, a);
  const out = a.swish ? b.t(aten('silu'), y) : y;
  return [outputFromNchw(b, out), outputFromNchw(b, y), b.output(b.temp(aten('clone'), [mean]), 'float32'), b.output(b.temp(aten('clone'), [rstd]), 'float32')];
});

const groupNormGrad = kernel('VqctGroupNormGrad', (b, { dy, x, gamma, normalized, mean, rstd }, attrs) => {
  const a = attrs as unknown as NormAttrs;
  if (nativeLoops(b, dy, x, gamma, normalized)) {
    const dz = a.swish ? b.t(aten('silu_backward'), b.input(dy), b.input(normalized)) : b.input(dy);
    const outs = b.fused('group_norm_nhwc_backward', [dz, b.input(x), b.input(gamma), b.input(mean), b.input(rstd)], [a.groups]);
    return outs.map((o) => b.output(o, 'float32'));
  }
  const [n, h, w, c] = x.shape;
  const xn = inputNchw(b, x);
  let g = inputNchw(b, dy);
  if (a.swish) g = b.t(aten('silu_backward'), g, inputNchw(b, normalized));
  // libtorch 1.13's CPU group-norm backward reads its inputs as contiguous NCHW (channels_last gives wrong dx).
  const CONTIGUOUS = aten('contiguous');
  const [dx, dgamma, dbeta] = b.runAll(aten('native_group_norm_backward'), [b.t(CONTIGUOUS, g), b.t(CONTIGUOUS, xn), b.input(mean), b.input(rstd), b.input(gamma), n, c, h * w, a.groups, [true, true, true]]);
  return [
    outputFromNchw(b, dx.id),
    b.output(dgamma, 'float32'),
    b.output(dbeta, 'float32'),
  ];
});

interface AdamAttrs { learningRate: number; beta1: number; beta2: number; epsilon: number }

/** NamedAdam's update, op for op (same rounding as its composed version on this backend). */
const adam = kernel('VqctAdam', (b, { param, m, v, grad, c1, c2 }, attrs) => {
  const { learningRate, beta1, beta2, epsilon } = attrs as unknown as AdamAttrs;
  if (nativeLoops(b, param, m, v, grad)) {
    const outs = b.fused('adam', [b.input(param), b.input(m), b.input(v), b.input(grad), b.input(c1), b.input(c2)], [learningRate, beta1, beta2, epsilon]);
    return outs.map((o) => b.output(o, 'float32'));
  }
  const MUL = aten('mul.Scalar');
  const ADD = aten('add.Tensor');
  const g = b.input(grad);
  const m1 = b.temp(ADD, [b.t(MUL, b.input(m), beta1), b.t(MUL, g, 1 - beta1)]);
  const v1 = b.temp(ADD, [b.t(MUL, b.input(v), beta2), b.t(MUL, b.t(aten('square'), g), 1 - beta2)]);
  const denom = b.t(aten('add.Scalar'), b.t(aten('sqrt'), b.t(aten('div.Tensor'), v1.id, b.input(c2))), epsilon);
  const step = b.t(aten('div.Tensor'), b.t(aten('div.Tensor'), m1.id, b.input(c1)), denom);
  const p1 = b.temp(aten('sub.Tensor'), [b.input(param), b.t(MUL, step, learningRate)]);
  return [b.output(p1, 'float32'), b.output(m1, 'float32'), b.output(v1, 'float32')];
});

export const FUSED_KERNELS: KernelConfig[] = [groupNorm, groupNormGrad, adam];
