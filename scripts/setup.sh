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

# The PyTorch peer (bench/peer, tools/torch and its interop tests) runs on Debian's python3-torch.
if [ "${VQCT_SKIP_TORCH:-0}" != 1 ] && ! /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian python3-torch for the PyTorch interop tests"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >/dev/null
  else
    echo "setup: /usr/bin/python3 has no torch and apt-get is unavailable: the PyTorch tests will be skipped" >&2
  fi
fi

pnpm install --frozen-lockfile
pnpm run build
