// Native loops for @vqct/vq's optional fused kernels where chains of ATen ops cost
// most (CPU, float32): group norm over NHWC data and its backward, and Adam's update.
// The TypeScript kernels (src/kernels/fused.ts) call these on CPU and compose ATen
// ops elsewhere (CUDA), with the same contract.
#pragma once
#include <ATen/ATen.h>
#include <string>
#include <vector>

namespace vqct {

/**
 * Runs the fused kernel `name` on CPU float32 tensors:
 * - "group_norm_nhwc": (x [N,H,W,C], gamma [C], beta [C]; groups, eps) -> (z [N,H,W,C], mean [N,G], rstd [N,G])
 * - "group_norm_nhwc_backward": (dz, x, gamma, mean, rstd; groups) -> (dx, dgamma, dbeta)
 * - "adam": (param, m, v, grad, c1 [], c2 []; lr, beta1, beta2, eps) -> (param', m', v')
 * Throws std::invalid_argument on a wrong name, count, dtype or device.
 */
std::vector<at::Tensor> runFused(const std::string& name, const std::vector<at::Tensor>& in, const std::vector<double>& scalars);

}  // namespace vqct
