#include "tensor-table.h"
#include <stdexcept>
#include <unordered_set>

namespace vqct {

TensorTable& table() {
  static TensorTable instance;
  return instance;
}

int32_t TensorTable::put(at::Tensor t) {
  int32_t id = next_++;
  if (next_ == INT32_MAX) next_ = 1;
  tensors_.emplace(id, std::move(t));
  return id;
}

const at::Tensor& TensorTable::get(int32_t id) const {
  auto it = tensors_.find(id);
  if (it == tensors_.end()) throw std::runtime_error("vqct torch: no tensor with id " + std::to_string(id) + " (disposed?)");
  return it->second;
}

void TensorTable::drop(int32_t id) { tensors_.erase(id); }

int64_t TensorTable::bytes() const {
  std::unordered_set<const void*> seen;
  int64_t total = 0;
  for (const auto& [id, t] : tensors_) {
    if (!t.defined() || !t.has_storage()) continue;
    const void* key = t.storage().unsafeGetStorageImpl();
    if (seen.insert(key).second) total += static_cast<int64_t>(t.storage().nbytes());
  }
  return total;
}

}  // namespace vqct
