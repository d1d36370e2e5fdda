#!/usr/bin/env bash
# The torch backend on a GPU: on a Linux x86-64 machine with an NVIDIA GPU, a
# Python torch with CUDA and no network, builds the addon against that torch and
# runs the parity spec on cuda plus the bench-32 / paper-256 training steps, as one
# table. Needs what `node packages/backend-torch/scripts/gpu-pack.mjs` put in .device/
# (Node, the Node-API headers, the bundled check). From the repo root:
#   bash packages/backend-torch/scripts/gpu-check.sh        (PYTHON=/path/to/python to choose the torch)
set -euo pipefail
cd "$(dirname "$0")/../../.."
D=.device
[ -f "$D/gpu-check.mjs" ] || { echo "gpu-check: $D/gpu-check.mjs missing: run node packages/backend-torch/scripts/gpu-pack.mjs first" >&2; exit 1; }
mkdir -p "$D/bin"
[ -x "$D/bin/node" ] || { xz -dc "$D/node.xz" > "$D/bin/node"; chmod +x "$D/bin/node"; }
NODE="$PWD/$D/bin/node"
PYTHON="${PYTHON:-$(for p in /opt/torch/.venv/bin/python python3; do if "$p" -c 'import torch' 2>/dev/null; then echo "$p"; break; fi; done)}"
[ -n "$PYTHON" ] || { echo "gpu-check: no python with torch found (set PYTHON)" >&2; exit 1; }
export LIBTORCH="$("$PYTHON" -c 'import os, torch; print(os.path.dirname(torch.__file__))')"
"$PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "abi", int(torch._C._GLIBCXX_USE_CXX11_ABI), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU")'
# CUDA libtorch's libraries (libtorch_cuda, cudnn, cublas...) sit in torch/lib and in nvidia/*/lib wheels.
NV_LIBS="$(ls -d "$LIBTORCH"/../nvidia/*/lib 2>/dev/null | tr '\n' ':' || true)"
export LD_LIBRARY_PATH="$LIBTORCH/lib:${NV_LIBS}${LD_LIBRARY_PATH:-}"
export VQCT_NODE_ADDON_API="$PWD/$D/node-addon-api" VQCT_NODE_API_HEADERS="$PWD/$D/node-api-headers"
t0=$(date +%s)
"$NODE" packages/backend-torch/scripts/build-native.mjs
echo "gpu-check: addon built in $(( $(date +%s) - t0 )) s"
export VQCT_TORCH_ADDON="$PWD/packages/backend-torch/build/Release/vqct_torch.node" VQCT_TORCH_DEVICE="${VQCT_TORCH_DEVICE:-cuda}"
"$NODE" "$D/gpu-check.mjs"
