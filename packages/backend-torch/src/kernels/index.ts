import type { KernelConfig } from '@tensorflow/tfjs-core';
import { CONV_KERNELS } from './conv';
import { ELEMENTWISE_KERNELS } from './elementwise';
import { FUSED_KERNELS } from './fused';
import { GATHER_KERNELS } from './gather';
import { MATMUL_KERNELS } from './matmul';
import { NN_KERNELS } from './nn';
import { POOL_KERNELS } from './pool';
import { REDUCE_KERNELS } from './reduce';
import { RESIZE_KERNELS } from './resize';
import { SHAPE_KERNELS } from './shape';

/** Every tfjs kernel the torch backend implements. */
export const TORCH_KERNELS: readonly KernelConfig[] = [
  ...ELEMENTWISE_KERNELS, ...REDUCE_KERNELS, ...SHAPE_KERNELS, ...GATHER_KERNELS,
  ...CONV_KERNELS, ...MATMUL_KERNELS, ...POOL_KERNELS, ...RESIZE_KERNELS, ...NN_KERNELS,
  ...FUSED_KERNELS,
];
