// Data-parallel collectives over libtorch's c10d (TCPStore rendezvous; Gloo on the
// CPU; NCCL where the libtorch was built with it and USE_C10D_NCCL is defined).
// One process group per process. Tensors are ids of the tensor table
// (tensor-table.h); every collective returns new ids and leaves its inputs alone.
// src/distributed/ is the JavaScript side.
#pragma once
#include <napi.h>

namespace vqct {

/** Adds distInit, distAllReduce, distBroadcast, distBarrier, distDestroy, distInfo to the addon's exports. */
void registerDistributed(Napi::Env env, Napi::Object exports);

}  // namespace vqct
