#!/usr/bin/env bash
# Sets up a fresh machine (Node 20 + npm) for vqct: the pinned pnpm, Debian's
# Chromium for the browser tests (when apt is there), the dependencies, a build.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

PNPM_VERSION=12.4.2
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

# Browser tests drive Debian's Chromium (never a downloaded browser build).
if [ "${VQCT_SKIP_CHROMIUM:-0}" != 1 ] && ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian chromium for the browser tests"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: chromium not found and apt-get unavailable: browser tests will be skipped" >&2
  fi
fi

# The torch backend builds against Debian's libtorch (never a download); the PyTorch
# CPU peer of the benchmarks and the weight-exchange tests (tools/torch) use Debian's python3-torch
# (with the pthread OpenBLAS, without which it falls back to the reference BLAS).
TORCH_DEBS="libtorch-dev libgloo-dev python3-torch libopenblas0-pthread"
if [ "${VQCT_SKIP_TORCH:-0}" != 1 ] && ! dpkg -s $TORCH_DEBS >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian $TORCH_DEBS (the torch backend and the PyTorch peer)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $TORCH_DEBS >/dev/null
  else
    echo "setup: libtorch-dev not installed and apt-get unavailable: the torch backend will report itself unavailable" >&2
  fi
fi

pnpm install --frozen-lockfile
pnpm run build
