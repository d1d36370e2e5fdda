#include "fused.h"

#include <ATen/Parallel.h>
#include <cmath>
#include <stdexcept>

namespace vqct {
namespace {

void need(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

at::Tensor cpuFloat(const at::Tensor& t, const char* what) {
  need(t.defined() && t.device().is_cpu() && t.scalar_type() == at::kFloat, std::string(what) + " must be a CPU float32 tensor");
  return t.contiguous();
}

/** NHWC as rows of C values: rows = N*H*W, each image owns HW consecutive rows. */
struct Nhwc {
  int64_t n, hw, c, groups, cg;
  explicit Nhwc(const at::Tensor& x, int64_t g) {
    need(x.dim() == 4, "x must be [N, H, W, C]");
    n = x.size(0);
    hw = x.size(1) * x.size(2);
    c = x.size(3);
    groups = g;
    need(g > 0 && c % g == 0, "channels must divide into groups");
    cg = c / g;
  }
};

/**
 * Runs body(row0, row1, acc) over all rows in parallel; acc is the calling thread's
 * zeroed [width] double buffer, and the buffers of all threads are summed into the result.
 */
template <typename F>
std::vector<double> rowsParallelSum(int64_t rows, int64_t width, F body) {
  const int threads = at::get_num_threads();
  std::vector<double> partial(static_cast<size_t>(threads) * width, 0.0);
  at::parallel_for(0, rows, 64, [&](int64_t r0, int64_t r1) {
    body(r0, r1, partial.data() + static_cast<size_t>(at::get_thread_num()) * width);
  });
  std::vector<double> sum(width, 0.0);
  for (int t = 0; t < threads; t++)
    for (int64_t i = 0; i < width; i++) sum[i] += partial[static_cast<size_t>(t) * width + i];
  return sum;
}

/**
 * From per-image, per-channel pairs of sums laid out [image][2][C] (first sums, then
 * second sums), each group's two means over its channels and positions: [image][group][2].
 */
std::vector<double> groupMeans(const std::vector<double>& sums, const Nhwc& d) {
  std::vector<double> means(static_cast<size_t>(d.n * d.groups * 2), 0.0);
  const double count = static_cast<double>(d.hw * d.cg);
  for (int64_t i = 0; i < d.n; i++) {
    for (int64_t g = 0; g < d.groups; g++) {
      double s1 = 0, s2 = 0;
      for (int64_t k = g * d.cg; k < (g + 1) * d.cg; k++) {
        s1 += sums[i * d.c * 2 + k];
        s2 += sums[i * d.c * 2 + d.c + k];
      }
      means[(i * d.groups + g) * 2] = s1 / count;
      means[(i * d.groups + g) * 2 + 1] = s2 / count;
    }
  }
  return means;
}

std::vector<at::Tensor> groupNormNhwc(const std::vector<at::Tensor>& in, const std::vector<double>& s) {
  need(in.size() == 3 && s.size() == 2, "group_norm_nhwc takes x, gamma, beta; groups, eps");
  const at::Tensor x = cpuFloat(in[0], "x"), gamma = cpuFloat(in[1], "gamma"), beta = cpuFloat(in[2], "beta");
  const Nhwc d(x, static_cast<int64_t>(s[0]));
  const double eps = s[1];
  const float* xp = x.data_ptr<float>();
  // Per image and channel: sum and sum of squares (accumulated in double).
  auto sums = rowsParallelSum(d.n * d.hw, d.n * d.c * 2, [&](int64_t r0, int64_t r1, double* acc) {
    for (int64_t r = r0; r < r1; r++) {
      double* a = acc + (r / d.hw) * d.c * 2;
      const float* row = xp + r * d.c;
      for (int64_t k = 0; k < d.c; k++) {
        a[k] += row[k];
        a[d.c + k] += static_cast<double>(row[k]) * row[k];
      }
    }
  });
  at::Tensor mean = at::empty({d.n, d.groups}, x.options()), rstd = at::empty({d.n, d.groups}, x.options());
  float* mp = mean.data_ptr<float>();
  float* rp = rstd.data_ptr<float>();
  const std::vector<double> means = groupMeans(sums, d);  // E[x], E[x^2] per image and group
  for (int64_t ig = 0; ig < d.n * d.groups; ig++) {
    const double mu = means[ig * 2], var = std::max(means[ig * 2 + 1] - mu * mu, 0.0);
    mp[ig] = static_cast<float>(mu);
    rp[ig] = static_cast<float>(1.0 / std::sqrt(var + eps));
  }
  at::Tensor z = at::empty_like(x);
  float* zp = z.data_ptr<float>();
  const float* gp = gamma.data_ptr<float>();
  const float* bp = beta.data_ptr<float>();
  at::parallel_for(0, d.n * d.hw, 64, [&](int64_t r0, int64_t r1) {
    std::vector<float> scale(d.c), shift(d.c);
    int64_t image = -1;
    for (int64_t r = r0; r < r1; r++) {
      if (r / d.hw != image) {
        image = r / d.hw;
        for (int64_t k = 0; k < d.c; k++) {
          const float mu = mp[image * d.groups + k / d.cg], rs = rp[image * d.groups + k / d.cg];
          scale[k] = rs * gp[k];
          shift[k] = bp[k] - mu * rs * gp[k];
        }
      }
      const float* row = xp + r * d.c;
      float* out = zp + r * d.c;
      for (int64_t k = 0; k < d.c; k++) out[k] = row[k] * scale[k] + shift[k];
    }
  });
  return {z, mean, rstd};
}

/** Per-channel copies of per-group values for one image (no division in the inner loops). */
struct ChannelStats {
  std::vector<float> mean, rstd;
  int64_t image = -1;
  explicit ChannelStats(int64_t c) : mean(c), rstd(c) {}
  void load(const Nhwc& d, int64_t img, const float* mp, const float* rp) {
    if (img == image) return;
    image = img;
    for (int64_t k = 0; k < d.c; k++) {
      mean[k] = mp[img * d.groups + k / d.cg];
      rstd[k] = rp[img * d.groups + k / d.cg];
    }
  }
};

std::vector<at::Tensor> groupNormNhwcBackward(const std::vector<at::Tensor>& in, const std::vector<double>& s) {
  need(in.size() == 5 && s.size() == 1, "group_norm_nhwc_backward takes dz, x, gamma, mean, rstd; groups");
  const at::Tensor dz = cpuFloat(in[0], "dz"), x = cpuFloat(in[1], "x"), gamma = cpuFloat(in[2], "gamma");
  const at::Tensor mean = cpuFloat(in[3], "mean"), rstd = cpuFloat(in[4], "rstd");
  const Nhwc d(x, static_cast<int64_t>(s[0]));
  need(dz.sizes() == x.sizes(), "dz must have x's shape");
  const float *dp = dz.data_ptr<float>(), *xp = x.data_ptr<float>(), *gp = gamma.data_ptr<float>();
  const float *mp = mean.data_ptr<float>(), *rp = rstd.data_ptr<float>();
  // Per image and channel: sum(dz*gamma), sum(dz*gamma*xhat); per channel: dgamma, dbeta.
  const int64_t width = d.n * d.c * 2 + d.c * 2;
  auto sums = rowsParallelSum(d.n * d.hw, width, [&](int64_t r0, int64_t r1, double* acc) {
    ChannelStats st(d.c);
    double* w = acc + d.n * d.c * 2;
    for (int64_t r = r0; r < r1; r++) {
      st.load(d, r / d.hw, mp, rp);
      double* a = acc + st.image * d.c * 2;
      const float *row = xp + r * d.c, *drow = dp + r * d.c, *mu = st.mean.data(), *rs = st.rstd.data();
      for (int64_t k = 0; k < d.c; k++) {
        const float xh = (row[k] - mu[k]) * rs[k], g = drow[k] * gp[k];
        a[k] += g;
        a[d.c + k] += g * xh;
        w[k] += drow[k] * xh;
        w[d.c + k] += drow[k];
      }
    }
  });
  // Per image and channel: its group's means of dz*gamma and dz*gamma*xhat.
  const std::vector<double> means = groupMeans(sums, d);
  std::vector<float> mg(d.n * d.c), mgx(d.n * d.c);
  for (int64_t i = 0; i < d.n; i++) {
    for (int64_t k = 0; k < d.c; k++) {
      mg[i * d.c + k] = static_cast<float>(means[(i * d.groups + k / d.cg) * 2]);
      mgx[i * d.c + k] = static_cast<float>(means[(i * d.groups + k / d.cg) * 2 + 1]);
    }
  }
  at::Tensor dx = at::empty_like(x), dgamma = at::empty({d.c}, x.options()), dbeta = at::empty({d.c}, x.options());
  for (int64_t k = 0; k < d.c; k++) {
    dgamma.data_ptr<float>()[k] = static_cast<float>(sums[d.n * d.c * 2 + k]);
    dbeta.data_ptr<float>()[k] = static_cast<float>(sums[d.n * d.c * 2 + d.c + k]);
  }
  float* op = dx.data_ptr<float>();
  at::parallel_for(0, d.n * d.hw, 64, [&](int64_t r0, int64_t r1) {
    ChannelStats st(d.c);
    for (int64_t r = r0; r < r1; r++) {
      st.load(d, r / d.hw, mp, rp);
      const float *row = xp + r * d.c, *drow = dp + r * d.c, *mu = st.mean.data(), *rs = st.rstd.data();
      const float *m1 = mg.data() + st.image * d.c, *m2 = mgx.data() + st.image * d.c;
      float* out = op + r * d.c;
      for (int64_t k = 0; k < d.c; k++) out[k] = rs[k] * (drow[k] * gp[k] - m1[k] - ((row[k] - mu[k]) * rs[k]) * m2[k]);
    }
  });
  return {dx, dgamma, dbeta};
}

/** PyTorch's Adam update in NamedAdam's order: m' = b1 m + (1-b1) g, v' = b2 v + (1-b2) g², p' = p - lr (m'/c1) / (sqrt(v'/c2) + eps). */
std::vector<at::Tensor> adam(const std::vector<at::Tensor>& in, const std::vector<double>& s) {
  need(in.size() == 6 && s.size() == 4, "adam takes param, m, v, grad, c1, c2; lr, beta1, beta2, eps");
  const at::Tensor p = cpuFloat(in[0], "param"), m = cpuFloat(in[1], "m"), v = cpuFloat(in[2], "v"), g = cpuFloat(in[3], "grad");
  need(m.numel() == p.numel() && v.numel() == p.numel() && g.numel() == p.numel(), "param, m, v and grad must have one size");
  const float c1 = cpuFloat(in[4], "c1").item<float>(), c2 = cpuFloat(in[5], "c2").item<float>();
  const float lr = static_cast<float>(s[0]), b1 = static_cast<float>(s[1]), b2 = static_cast<float>(s[2]), eps = static_cast<float>(s[3]);
  // 1 - beta in double, then float: what ATen does with NamedAdam's scalar 1 - beta.
  const float a1 = static_cast<float>(1.0 - s[1]), a2 = static_cast<float>(1.0 - s[2]);
  at::Tensor p1 = at::empty_like(p), m1 = at::empty_like(m), v1 = at::empty_like(v);
  const float *pp = p.data_ptr<float>(), *mp = m.data_ptr<float>(), *vp = v.data_ptr<float>(), *gp = g.data_ptr<float>();
  float *po = p1.data_ptr<float>(), *mo = m1.data_ptr<float>(), *vo = v1.data_ptr<float>();
  at::parallel_for(0, p.numel(), 16384, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) {
      const float gi = gp[i];
      const float mi = mp[i] * b1 + gi * a1;
      const float vi = vp[i] * b2 + (gi * gi) * a2;
      const float step = (mi / c1) / (std::sqrt(vi / c2) + eps);
      mo[i] = mi;
      vo[i] = vi;
      po[i] = pp[i] - step * lr;
    }
  });
  return {p1, m1, v1};
}

}  // namespace

std::vector<at::Tensor> runFused(const std::string& name, const std::vector<at::Tensor>& in, const std::vector<double>& scalars) {
  if (name == "group_norm_nhwc") return groupNormNhwc(in, scalars);
  if (name == "group_norm_nhwc_backward") return groupNormNhwcBackward(in, scalars);
  if (name == "adam") return adam(in, scalars);
  throw std::invalid_argument("no fused kernel \"" + name + "\"");
}

}  // namespace vqct
