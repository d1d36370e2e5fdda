#!/usr/bin/env bash
# The main job on the embedded default data: set up, then `vqct demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node apps/cli/dist/bin.js demo "$@"
