// See distributed.h. Collectives run on flat buckets (like DDP's ~25 MB buckets):
// the tensors of one dtype are concatenated in order into buckets of at most
// `bucketBytes`, each bucket is reduced in one c10d call, and the results are
// views of the reduced buckets. Every wait has the group's timeout, and a
// failure (a peer that died, a timeout) throws with the rank and the operation.
#include "distributed.h"
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <chrono>
#include <memory>
#include <string>
#include <vector>
#include "tensor-table.h"

#if defined(VQCT_HAVE_GLOO)
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO  // the header guards its contents with it
#endif
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif
#if defined(VQCT_HAVE_GLOO) && defined(USE_C10D_NCCL)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace vqct {
namespace {

std::string messageOf(const std::exception& e) {
  if (auto c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
  return e.what();
}

#if defined(VQCT_HAVE_GLOO)

struct Group {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> pg;
  int rank = 0;
  int size = 1;
  std::chrono::milliseconds timeout{0};
  std::string backend;
};

std::unique_ptr<Group>& group() {
  static std::unique_ptr<Group> g;
  return g;
}

/** Why the last group ended, when a collective failed (it was let go, see waitAll). */
std::string& failedBefore() {
  static std::string why;
  return why;
}

Group& requireGroup(const char* what) {
  if (!group() && !failedBefore().empty()) throw std::runtime_error(std::string(what) + ": the process group failed earlier (" + failedBefore() + ")");
  if (!group()) throw std::runtime_error(std::string(what) + ": no process group (call initProcessGroup first)");
  return *group();
}

std::shared_ptr<::gloo::transport::Device> glooDevice(const std::string& masterAddr) {
  const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
  if (ifname != nullptr && *ifname != '\0') return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  // A job on one machine talks over loopback; otherwise bind where the hostname resolves.
  bool local = masterAddr == "localhost" || masterAddr.rfind("127.", 0) == 0 || masterAddr == "::1";
  if (local) return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

c10::intrusive_ptr<c10d::ProcessGroup> makeGroup(const c10::intrusive_ptr<c10d::Store>& store, int rank, int size,
                                                 std::chrono::milliseconds timeout, const std::string& backend,
                                                 const std::string& masterAddr) {
  if (backend == "nccl") {
#if defined(USE_C10D_NCCL)
    auto opts = c10d::ProcessGroupNCCL::Options::create();
    opts->timeout = timeout;
    return c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, size, opts);
#else
    throw std::runtime_error("backend nccl: this libtorch build has no NCCL (Debian's libtorch is CPU-only; use a CUDA libtorch, e.g. a pip torch, and build with VQCT_TORCH_NCCL=1)");
#endif
  }
  if (backend != "gloo") throw std::runtime_error("unknown backend \"" + backend + "\" (gloo or nccl)");
  auto opts = c10d::ProcessGroupGloo::Options::create(timeout);
  opts->devices.push_back(glooDevice(masterAddr));
  return c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, size, opts);
}

std::string whereOf(const Group& g, const std::string& op) {
  return op + " on rank " + std::to_string(g.rank) + " of " + std::to_string(g.size);
}

void waitAll(const Group& g, std::vector<c10::intrusive_ptr<c10d::Work>>& works, const std::string& op) {
  try {
    for (auto& w : works) w->wait(g.timeout);
  } catch (const std::exception& e) {
    std::string message = whereOf(g, op) + " failed (a peer died, or did not join within " +
                          std::to_string(g.timeout.count() / 1000) + " s): " + messageOf(e);
    // A group whose peer is gone can block for good in its destructor (Gloo joins its
    // worker threads, which may wait on the dead pair): let it go instead, so that this
    // process can report the error and exit. Later calls say there is no group.
    (void)group().release();
    failedBefore() = message;
    throw std::runtime_error(message);
  }
}

struct Bucket {
  std::vector<size_t> members;  // indices into the input list
  at::Tensor flat;
};

/** Input tensors grouped in order into flat buckets of one dtype/device, at most `cap` bytes each. */
std::vector<Bucket> bucketsOf(const std::vector<at::Tensor>& ts, int64_t cap) {
  std::vector<Bucket> out;
  std::vector<at::Tensor> pieces;
  int64_t bytes = 0;
  auto close = [&]() {
    if (pieces.empty()) return;
    out.back().flat = pieces.size() == 1 ? pieces[0].clone() : at::cat(pieces);
    pieces.clear();
    bytes = 0;
  };
  for (size_t i = 0; i < ts.size(); i++) {
    const at::Tensor& t = ts[i];
    int64_t nb = static_cast<int64_t>(t.nbytes());
    bool fits = !pieces.empty() && pieces[0].scalar_type() == t.scalar_type() && pieces[0].device() == t.device() && bytes + nb <= cap;
    if (!fits) {
      close();
      out.emplace_back();
    }
    out.back().members.push_back(i);
    pieces.push_back(t.reshape({-1}));
    bytes += nb;
  }
  close();
  return out;
}

/** Splits the reduced buckets back into tensors of the inputs' shapes (views), as new table ids. */
std::vector<int32_t> unbucket(const std::vector<Bucket>& buckets, const std::vector<at::Tensor>& ts) {
  std::vector<int32_t> ids(ts.size());
  for (const auto& b : buckets) {
    int64_t off = 0;
    for (size_t i : b.members) {
      int64_t n = ts[i].numel();
      ids[i] = table().put(b.flat.narrow(0, off, n).view(ts[i].sizes()));
      off += n;
    }
  }
  return ids;
}

std::vector<at::Tensor> tensorsOf(const Napi::Value& v) {
  auto arr = v.As<Napi::Array>();
  std::vector<at::Tensor> ts;
  ts.reserve(arr.Length());
  for (uint32_t i = 0; i < arr.Length(); i++) ts.push_back(table().get(arr.Get(i).As<Napi::Number>().Int32Value()));
  return ts;
}

Napi::Array idsToJs(Napi::Env env, const std::vector<int32_t>& ids) {
  auto out = Napi::Array::New(env, ids.size());
  for (size_t i = 0; i < ids.size(); i++) out.Set(static_cast<uint32_t>(i), Napi::Number::New(env, ids[i]));
  return out;
}

int64_t bucketCap(const Napi::Value& v) {
  int64_t cap = v.IsNumber() ? v.As<Napi::Number>().Int64Value() : 25 * 1024 * 1024;
  return cap > 0 ? cap : 25 * 1024 * 1024;
}

/**
 * distInit({ rank, worldSize, masterAddr, masterPort, timeoutMs, backend, storePrefix? }):
 * rendezvous and group. Rank 0 hosts the TCPStore, unless `storePrefix` is given: then
 * a launcher's agent (torchrun) already hosts it, every rank is a client, and the keys
 * live under the prefix (torchrun's `/worker/attempt_N`), as in PyTorch.
 */
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto o = info[0].As<Napi::Object>();
  int rank = o.Get("rank").As<Napi::Number>().Int32Value();
  int size = o.Get("worldSize").As<Napi::Number>().Int32Value();
  std::string addr = o.Get("masterAddr").As<Napi::String>().Utf8Value();
  int port = o.Get("masterPort").As<Napi::Number>().Int32Value();
  std::chrono::milliseconds timeout(o.Get("timeoutMs").As<Napi::Number>().Int64Value());
  std::string backend = o.Get("backend").As<Napi::String>().Utf8Value();
  bool agentStore = o.Has("storePrefix") && o.Get("storePrefix").IsString();
  std::string prefix = agentStore ? o.Get("storePrefix").As<Napi::String>().Utf8Value() : "";
  if (group()) throw std::runtime_error("a process group already exists in this process (destroy it first)");
  failedBefore().clear();
  auto g = std::make_unique<Group>();
  g->rank = rank;
  g->size = size;
  g->timeout = timeout;
  g->backend = backend;
  std::string stage = "the rendezvous at " + addr + ":" + std::to_string(port);
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<uint16_t>(port);
    so.isServer = rank == 0 && !agentStore;
    so.numWorkers = static_cast<size_t>(size);
    so.waitWorkers = !agentStore;
    so.timeout = timeout;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(addr, so);
    g->store = agentStore ? c10::intrusive_ptr<c10d::Store>(c10::make_intrusive<c10d::PrefixStore>(prefix, tcp)) : c10::intrusive_ptr<c10d::Store>(tcp);
    stage = "creating the " + backend + " process group";
    g->pg = makeGroup(g->store, rank, size, timeout, backend, addr);
  } catch (const std::exception& e) {
    throw std::runtime_error(stage + " (rank " + std::to_string(rank) + " of " + std::to_string(size) + ", timeout " +
                             std::to_string(timeout.count() / 1000) + " s) failed: " + messageOf(e));
  }
  group() = std::move(g);
  return env.Undefined();
}

/** distAllReduce(ids, op 'sum' | 'mean' | 'max', bucketBytes?): new ids, reduced across ranks. */
Napi::Value AllReduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Group& g = requireGroup("allReduce");
  auto ts = tensorsOf(info[0]);
  std::string op = info[1].As<Napi::String>().Utf8Value();
  c10::InferenceMode guard;
  c10d::AllreduceOptions opts;
  opts.timeout = g.timeout;
  if (op == "max") opts.reduceOp = c10d::ReduceOp::MAX;
  else if (op != "sum" && op != "mean") throw std::runtime_error("allReduce: op must be sum, mean or max, got " + op);
  for (const auto& t : ts) {
    if (op == "mean" && !at::isFloatingType(t.scalar_type())) throw std::runtime_error("allReduce mean: an integer tensor cannot be averaged");
  }
  auto buckets = bucketsOf(ts, bucketCap(info[2]));
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  for (auto& b : buckets) {
    std::vector<at::Tensor> one{b.flat};
    works.push_back(g.pg->allreduce(one, opts));
  }
  waitAll(g, works, "all-reduce (" + op + ")");
  if (op == "mean") for (auto& b : buckets) b.flat.div_(g.size);
  return idsToJs(env, unbucket(buckets, ts));
}

/** distBroadcast(ids, root, bucketBytes?): new ids holding root's values. */
Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Group& g = requireGroup("broadcast");
  auto ts = tensorsOf(info[0]);
  int root = info[1].As<Napi::Number>().Int32Value();
  c10::InferenceMode guard;
  c10d::BroadcastOptions opts;
  opts.rootRank = root;
  opts.timeout = g.timeout;
  auto buckets = bucketsOf(ts, bucketCap(info[2]));
  std::vector<c10::intrusive_ptr<c10d::Work>> works;
  for (auto& b : buckets) {
    std::vector<at::Tensor> one{b.flat};
    works.push_back(g.pg->broadcast(one, opts));
  }
  waitAll(g, works, "broadcast from rank " + std::to_string(root));
  return idsToJs(env, unbucket(buckets, ts));
}

Napi::Value Barrier(const Napi::CallbackInfo& info) {
  Group& g = requireGroup("barrier");
  c10d::BarrierOptions opts;
  opts.timeout = g.timeout;
  std::vector<c10::intrusive_ptr<c10d::Work>> works{g.pg->barrier(opts)};
  waitAll(g, works, "barrier");
  return info.Env().Undefined();
}

Napi::Value Destroy(const Napi::CallbackInfo& info) {
  group().reset();
  return info.Env().Undefined();
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto o = Napi::Object::New(env);
  o.Set("gloo", Napi::Boolean::New(env, true));
#if defined(USE_C10D_NCCL)
  o.Set("nccl", Napi::Boolean::New(env, true));
#else
  o.Set("nccl", Napi::Boolean::New(env, false));
#endif
  o.Set("initialized", Napi::Boolean::New(env, static_cast<bool>(group())));
  if (group()) {
    o.Set("rank", Napi::Number::New(env, group()->rank));
    o.Set("worldSize", Napi::Number::New(env, group()->size));
    o.Set("backend", Napi::String::New(env, group()->backend));
  }
  return o;
}

#else  // no Gloo headers at build time

Napi::Value Unavailable(const Napi::CallbackInfo& info) {
  throw std::runtime_error("distributed training is unavailable: the addon was built without c10d's Gloo headers (Debian: apt-get install libgloo-dev, then rebuild @vqct/backend-torch)");
  return info.Env().Undefined();
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto o = Napi::Object::New(env);
  o.Set("gloo", Napi::Boolean::New(env, false));
  o.Set("nccl", Napi::Boolean::New(env, false));
  o.Set("initialized", Napi::Boolean::New(env, false));
  return o;
}

#endif

/** Wraps a native function: C++ exceptions become JS errors whose message says which call failed. */
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const std::exception& e) {
    Napi::Error::New(info.Env(), messageOf(e)).ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
}

}  // namespace

void registerDistributed(Napi::Env env, Napi::Object exports) {
#if defined(VQCT_HAVE_GLOO)
  exports.Set("distInit", Napi::Function::New(env, guarded<Init>));
  exports.Set("distAllReduce", Napi::Function::New(env, guarded<AllReduce>));
  exports.Set("distBroadcast", Napi::Function::New(env, guarded<Broadcast>));
  exports.Set("distBarrier", Napi::Function::New(env, guarded<Barrier>));
  exports.Set("distDestroy", Napi::Function::New(env, guarded<Destroy>));
#else
  for (const char* name : {"distInit", "distAllReduce", "distBroadcast", "distBarrier", "distDestroy"}) {
    exports.Set(name, Napi::Function::New(env, guarded<Unavailable>));
  }
#endif
  exports.Set("distInfo", Napi::Function::New(env, guarded<Info>));
}

}  // namespace vqct
