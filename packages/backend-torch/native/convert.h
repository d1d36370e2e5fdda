// JavaScript values <-> c10::IValue, guided by an operator's schema: a tensor is
// passed from JS as its table id, lists as arrays, dtypes/devices/memory formats as
// strings. See src/native.ts for the JS side of the contract.
#pragma once
#include <ATen/core/ivalue.h>
#include <ATen/core/jit_type.h>
#include <napi.h>

namespace vqct {

/** tfjs-facing dtype codes (src/native.ts `DTYPE_CODES`). */
int dtypeCode(c10::ScalarType t);
c10::ScalarType scalarTypeOf(const std::string& name);

c10::IValue toIValue(const Napi::Env& env, const Napi::Value& v, const c10::TypePtr& type, const std::string& where);

}  // namespace vqct
