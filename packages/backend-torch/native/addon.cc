// @vqct/backend-torch's native half: a table of libtorch tensors and one generic,
// schema-driven way to call any ATen operator on them (the dispatcher's boxed
// calling convention). Every tfjs kernel is written in TypeScript on top of this
// (src/kernels/), so adding a kernel never needs C++.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/core/InferenceMode.h>
#include <napi.h>
#include <torch/version.h>
#include <dlfcn.h>
#include <cstring>
#include <vector>
#include "convert.h"
#include "distributed.h"
#include "fused.h"
#include "tensor-table.h"

using namespace vqct;

namespace {

std::vector<c10::OperatorHandle>& handles() {
  static std::vector<c10::OperatorHandle> h;
  return h;
}

std::string messageOf(const std::exception& e) {
  if (auto c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
  return e.what();
}

#define GUARD_BEGIN try {
#define GUARD_END(what)                                                         \
  }                                                                             \
  catch (const std::exception& e) {                                             \
    Napi::Error::New(env, std::string(what) + ": " + messageOf(e)).ThrowAsJavaScriptException(); \
    return env.Undefined();                                                     \
  }

std::vector<int64_t> shapeOf(const Napi::Value& v) {
  auto arr = v.As<Napi::Array>();
  std::vector<int64_t> s(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) s[i] = arr.Get(i).As<Napi::Number>().Int64Value();
  return s;
}

/** fromBuffer(typedArray, shape, dtype, device): a new tensor holding a copy of the data. */
Napi::Value FromBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  GUARD_BEGIN
  auto ta = info[0].As<Napi::TypedArray>();
  auto shape = shapeOf(info[1]);
  auto dtype = scalarTypeOf(info[2].As<Napi::String>().Utf8Value());
  std::string device = info[3].IsString() ? info[3].As<Napi::String>().Utf8Value() : "cpu";
  c10::InferenceMode guard;
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype));
  size_t bytes = t.nbytes();
  size_t have = ta.ByteLength();
  if (have < bytes) throw std::runtime_error("buffer of " + std::to_string(have) + " bytes for a tensor of " + std::to_string(bytes));
  auto* src = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  if (bytes > 0) std::memcpy(t.data_ptr(), src, bytes);
  if (device != "cpu") t = t.to(c10::Device(device));
  return Napi::Number::New(env, table().put(std::move(t)));
  GUARD_END("fromBuffer")
}

/** toBuffer(id): the values as a Float32Array / Int32Array / Uint8Array (bool). */
Napi::Value ToBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  GUARD_BEGIN
  c10::InferenceMode guard;
  at::Tensor t = table().get(info[0].As<Napi::Number>().Int32Value());
  auto st = t.scalar_type();
  if (st != c10::kFloat && st != c10::kInt && st != c10::kBool) t = t.to(c10::kFloat);
  t = t.to(c10::kCPU).contiguous();
  size_t n = static_cast<size_t>(t.numel());
  size_t bytes = t.nbytes();
  auto buf = Napi::ArrayBuffer::New(env, bytes);
  if (bytes > 0) std::memcpy(buf.Data(), t.data_ptr(), bytes);
  switch (t.scalar_type()) {
    case c10::kInt: return Napi::Int32Array::New(env, n, buf, 0);
    case c10::kBool: return Napi::Uint8Array::New(env, n, buf, 0);
    default: return Napi::Float32Array::New(env, n, buf, 0);
  }
  GUARD_END("toBuffer")
}

Napi::Value Dispose(const Napi::CallbackInfo& info) {
  table().drop(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

/** op(name, overload): a handle for `call`. */
Napi::Value Op(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  std::string overload = info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
  GUARD_BEGIN
  auto h = c10::Dispatcher::singleton().findSchemaOrThrow(name.c_str(), overload.c_str());
  handles().push_back(h);
  return Napi::Number::New(env, static_cast<double>(handles().size() - 1));
  GUARD_END(name + (overload.empty() ? "" : "." + overload))
}

/** The schema of an op handle, as text (for error messages and docs). */
Napi::Value Schema(const Napi::CallbackInfo& info) {
  auto& h = handles().at(info[0].As<Napi::Number>().Uint32Value());
  std::ostringstream os;
  os << h.schema();
  return Napi::String::New(info.Env(), os.str());
}

void pushTensor(std::vector<double>& out, at::Tensor t, int castCode) {
  if (!t.defined()) {
    // An output the op did not compute (e.g. convolution_backward's masked grads).
    out.insert(out.end(), {-1, 5, 0});
    return;
  }
  if (castCode >= 0) {
    static const c10::ScalarType kinds[] = {c10::kFloat, c10::kInt, c10::kBool};
    if (t.scalar_type() != kinds[castCode]) t = t.to(kinds[castCode]);
  }
  out.push_back(0);  // the id, set last (the tensor moves into the table)
  size_t at = out.size() - 1;
  out.push_back(dtypeCode(t.scalar_type()));
  out.push_back(static_cast<double>(t.dim()));
  for (auto d : t.sizes()) out.push_back(static_cast<double>(d));
  out[at] = table().put(std::move(t));
}

/**
 * call(handle, args, cast): runs the op. args are positional (missing trailing ones
 * take the schema's defaults); cast (0 float32, 1 int32, 2 bool, -1 none) converts
 * every tensor output. Returns [id, dtype, rank, ...dims] per output tensor
 * (a Tensor[] output is flattened into its tensors).
 */
Napi::Value Call(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& h = handles().at(info[0].As<Napi::Number>().Uint32Value());
  const auto& schema = h.schema();
  GUARD_BEGIN
  auto args = info[1].As<Napi::Array>();
  int cast = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Int32Value() : -1;
  const auto& formal = schema.arguments();
  uint32_t given = args.Length();
  if (given > formal.size()) throw std::runtime_error(std::to_string(given) + " arguments for " + std::to_string(formal.size()));
  c10::InferenceMode guard;
  std::vector<c10::IValue> stack;
  stack.reserve(formal.size());
  for (size_t i = 0; i < formal.size(); i++) {
    const auto& a = formal[i];
    Napi::Value v = i < given ? args.Get(static_cast<uint32_t>(i)) : env.Undefined();
    if (v.IsUndefined()) {
      if (a.default_value().has_value()) { stack.push_back(*a.default_value()); continue; }
      if (a.type()->kind() == c10::TypeKind::OptionalType) { stack.emplace_back(); continue; }
      throw std::runtime_error("argument \"" + a.name() + "\" is required");
    }
    stack.push_back(toIValue(env, v, a.type(), "argument \"" + a.name() + "\""));
  }
  h.callBoxed(stack);
  std::vector<double> out;
  for (auto& r : stack) {
    if (r.isTensor()) pushTensor(out, r.toTensor(), cast);
    else if (r.isTensorList()) for (const at::Tensor& t : r.toTensorList()) pushTensor(out, t, cast);
    else if (r.isNone()) continue;
    else throw std::runtime_error("returns a non-tensor value (" + r.tagKind() + ")");
  }
  auto result = Napi::Array::New(env, out.size());
  for (size_t i = 0; i < out.size(); i++) result.Set(static_cast<uint32_t>(i), Napi::Number::New(env, out[i]));
  return result;
  GUARD_END(schema.name() + (schema.overload_name().empty() ? "" : "." + schema.overload_name()))
}

/** fused(name, ids, scalars): one of native/fused.h's kernels; returns outputs as `call` does. */
Napi::Value Fused(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  GUARD_BEGIN
  auto ids = info[1].As<Napi::Array>();
  auto nums = info[2].As<Napi::Array>();
  std::vector<at::Tensor> in;
  for (uint32_t i = 0; i < ids.Length(); i++) in.push_back(table().get(ids.Get(i).As<Napi::Number>().Int32Value()));
  std::vector<double> scalars;
  for (uint32_t i = 0; i < nums.Length(); i++) scalars.push_back(nums.Get(i).As<Napi::Number>().DoubleValue());
  c10::InferenceMode guard;
  std::vector<double> out;
  for (auto& t : runFused(name, in, scalars)) pushTensor(out, t, -1);
  auto result = Napi::Array::New(env, out.size());
  for (size_t i = 0; i < out.size(); i++) result.Set(static_cast<uint32_t>(i), Napi::Number::New(env, out[i]));
  return result;
  GUARD_END("fused " + name)
}

Napi::Value Memory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto o = Napi::Object::New(env);
  o.Set("numTensors", Napi::Number::New(env, static_cast<double>(table().size())));
  o.Set("numBytes", Napi::Number::New(env, static_cast<double>(table().bytes())));
  return o;
}

// OpenBLAS (Debian's libtorch links the pthread build) keeps a pool of its own, one
// thread per core, whose idle workers spin on sched_yield; at::set_num_threads does not
// reach it in libtorch 1.13. Two one-thread training processes on a 2-core machine then
// each keep a spinning worker on the other's core. Null when the BLAS is not OpenBLAS.
// Looked up at run time (the addon never links a BLAS itself): in the global scope, else
// in the already-loaded OpenBLAS (libtorch is loaded with the addon, RTLD_LOCAL).
void* openblasSymbol(const char* name) {
  if (void* f = dlsym(RTLD_DEFAULT, name)) return f;
  for (const char* lib : {"libopenblas.so.0", "libblas.so.3"}) {
    void* handle = dlopen(lib, RTLD_LAZY | RTLD_NOLOAD);
    if (handle == nullptr) continue;
    void* f = dlsym(handle, name);
    dlclose(handle);
    if (f != nullptr) return f;
  }
  return nullptr;
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  int n = info[0].As<Napi::Number>().Int32Value();
  at::set_num_threads(n);
  auto setBlas = reinterpret_cast<void (*)(int)>(openblasSymbol("openblas_set_num_threads"));
  if (setBlas != nullptr) setBlas(n);
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto o = Napi::Object::New(env);
  o.Set("version", Napi::String::New(env, TORCH_VERSION));
  o.Set("threads", Napi::Number::New(env, at::get_num_threads()));
  auto getBlas = reinterpret_cast<int (*)()>(openblasSymbol("openblas_get_num_threads"));
  o.Set("blasThreads", getBlas != nullptr ? Napi::Number::New(env, getBlas()) : env.Null());
  o.Set("parallel", Napi::String::New(env, at::get_parallel_info()));
  o.Set("config", Napi::String::New(env, at::show_config()));
  bool cuda = at::detail::getCUDAHooks().hasCUDA();
  o.Set("cuda", Napi::Boolean::New(env, cuda));
  o.Set("cudaDevices", Napi::Number::New(env, cuda ? at::detail::getCUDAHooks().getNumGPUs() : 0));
  return o;
}

/** Waits for queued device work (CUDA), so timings and read-backs mean what they say. */
Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  GUARD_BEGIN
  if (at::detail::getCUDAHooks().hasCUDA()) {
    c10::InferenceMode guard;
    // A tiny device->host copy orders after every queued kernel on the current stream.
    at::zeros({1}, at::TensorOptions().device(c10::Device("cuda"))).to(c10::kCPU);
  }
  return env.Undefined();
  GUARD_END("synchronize")
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("fromBuffer", Napi::Function::New(env, FromBuffer));
  exports.Set("toBuffer", Napi::Function::New(env, ToBuffer));
  exports.Set("dispose", Napi::Function::New(env, Dispose));
  exports.Set("op", Napi::Function::New(env, Op));
  exports.Set("schema", Napi::Function::New(env, Schema));
  exports.Set("call", Napi::Function::New(env, Call));
  exports.Set("fused", Napi::Function::New(env, Fused));
  exports.Set("memory", Napi::Function::New(env, Memory));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("synchronize", Napi::Function::New(env, Synchronize));
  registerDistributed(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(vqct_torch, Init)
