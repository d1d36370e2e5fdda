#include "convert.h"
#include "tensor-table.h"
#include <c10/core/Device.h>
#include <c10/core/MemoryFormat.h>
#include <stdexcept>

namespace vqct {

int dtypeCode(c10::ScalarType t) {
  switch (t) {
    case c10::kFloat: return 0;
    case c10::kInt: return 1;
    case c10::kBool: return 2;
    case c10::kLong: return 3;
    case c10::kDouble: return 4;
    default: return 5;
  }
}

c10::ScalarType scalarTypeOf(const std::string& name) {
  if (name == "float32") return c10::kFloat;
  if (name == "int32") return c10::kInt;
  if (name == "bool") return c10::kBool;
  if (name == "int64") return c10::kLong;
  if (name == "float64") return c10::kDouble;
  if (name == "uint8") return c10::kByte;
  throw std::runtime_error("unknown dtype \"" + name + "\"");
}

static int64_t memoryFormatOf(const std::string& name) {
  if (name == "contiguous") return static_cast<int64_t>(c10::MemoryFormat::Contiguous);
  if (name == "preserve") return static_cast<int64_t>(c10::MemoryFormat::Preserve);
  if (name == "channels_last") return static_cast<int64_t>(c10::MemoryFormat::ChannelsLast);
  throw std::runtime_error("unknown memory format \"" + name + "\"");
}

static bool isNone(const Napi::Value& v) { return v.IsNull() || v.IsUndefined(); }

static const at::Tensor& tensorOf(const Napi::Value& v, const std::string& where) {
  if (!v.IsNumber()) throw std::runtime_error(where + ": expected a tensor id");
  return table().get(v.As<Napi::Number>().Int32Value());
}

static c10::IValue listOf(const Napi::Env& env, const Napi::Value& v, const c10::TypePtr& elem, const std::string& where) {
  if (!v.IsArray()) throw std::runtime_error(where + ": expected an array");
  auto arr = v.As<Napi::Array>();
  uint32_t n = arr.Length();
  switch (elem->kind()) {
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType: {
      std::vector<int64_t> out(n);
      for (uint32_t i = 0; i < n; i++) out[i] = arr.Get(i).As<Napi::Number>().Int64Value();
      return c10::IValue(out);
    }
    case c10::TypeKind::FloatType: {
      std::vector<double> out(n);
      for (uint32_t i = 0; i < n; i++) out[i] = arr.Get(i).As<Napi::Number>().DoubleValue();
      return c10::IValue(out);
    }
    case c10::TypeKind::BoolType: {
      c10::List<bool> out;
      for (uint32_t i = 0; i < n; i++) out.push_back(arr.Get(i).As<Napi::Boolean>().Value());
      return c10::IValue(out);
    }
    case c10::TypeKind::TensorType: {
      c10::List<at::Tensor> out;
      out.reserve(n);
      for (uint32_t i = 0; i < n; i++) out.push_back(tensorOf(arr.Get(i), where));
      return c10::IValue(out);
    }
    case c10::TypeKind::OptionalType: {
      c10::List<c10::optional<at::Tensor>> out;
      for (uint32_t i = 0; i < n; i++) {
        auto x = arr.Get(i);
        if (isNone(x)) out.push_back(c10::nullopt);
        else out.push_back(tensorOf(x, where));
      }
      return c10::IValue(out);
    }
    default:
      throw std::runtime_error(where + ": lists of " + elem->str() + " are not supported");
  }
}

c10::IValue toIValue(const Napi::Env& env, const Napi::Value& v, const c10::TypePtr& type, const std::string& where) {
  switch (type->kind()) {
    case c10::TypeKind::OptionalType:
      if (isNone(v)) return c10::IValue();
      return toIValue(env, v, type->expectRef<c10::OptionalType>().getElementType(), where);
    case c10::TypeKind::TensorType:
      return c10::IValue(tensorOf(v, where));
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
    case c10::TypeKind::ScalarTypeType:
    case c10::TypeKind::LayoutType:
    case c10::TypeKind::MemoryFormatType:
      if (v.IsString()) {
        std::string s = v.As<Napi::String>().Utf8Value();
        if (s == "contiguous" || s == "preserve" || s == "channels_last") return c10::IValue(memoryFormatOf(s));
        return c10::IValue(static_cast<int64_t>(scalarTypeOf(s)));
      }
      if (v.IsBoolean()) return c10::IValue(static_cast<int64_t>(v.As<Napi::Boolean>().Value()));
      return c10::IValue(v.As<Napi::Number>().Int64Value());
    case c10::TypeKind::FloatType:
      return c10::IValue(v.As<Napi::Number>().DoubleValue());
    case c10::TypeKind::BoolType:
      return c10::IValue(v.ToBoolean().Value());
    case c10::TypeKind::NumberType: {
      if (v.IsBoolean()) return c10::IValue(v.As<Napi::Boolean>().Value());
      double d = v.As<Napi::Number>().DoubleValue();
      // Integral values go in as int scalars, so an int32 tensor stays int32.
      if (std::isfinite(d) && d == static_cast<double>(static_cast<int64_t>(d))) return c10::IValue(static_cast<int64_t>(d));
      return c10::IValue(d);
    }
    case c10::TypeKind::StringType:
      return c10::IValue(v.As<Napi::String>().Utf8Value());
    case c10::TypeKind::DeviceObjType:
      return c10::IValue(c10::Device(v.As<Napi::String>().Utf8Value()));
    case c10::TypeKind::ListType:
      return listOf(env, v, type->expectRef<c10::ListType>().getElementType(), where);
    default:
      throw std::runtime_error(where + ": arguments of type " + type->str() + " are not supported");
  }
}

}  // namespace vqct
