// The tensors that JavaScript holds: one at::Tensor per id. tfjs's dataIds map to
// these ids (src/backend.ts); JS frees each with `dispose` when tfjs disposes it.
#pragma once
#include <ATen/ATen.h>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace vqct {

class TensorTable {
 public:
  int32_t put(at::Tensor t);
  const at::Tensor& get(int32_t id) const;
  void drop(int32_t id);
  size_t size() const { return tensors_.size(); }
  /** Bytes of the distinct storages held (views of one storage count once). */
  int64_t bytes() const;

 private:
  std::unordered_map<int32_t, at::Tensor> tensors_;
  int32_t next_ = 1;
};

TensorTable& table();

}  // namespace vqct
