#!/usr/bin/env bash
# Regenerates the tables of docs/robustness.md: the full fuzz run, the kill -9 trials and
# fault checks, the soak. ~50 minutes on 2 cores (the soak is most of it).
# VQCT_SOAK_STEPS / VQCT_SOAK_TRIPS shorten the soak.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 VQCT_WASM_THREADS=1
DOC="$PWD/docs/robustness.md"
pnpm exec turbo run build --filter=@vqct/robustness...
status=0
node apps/robustness/dist/fuzz.js --cases 1500 --cli 40 --docs "$DOC" || status=1
# The trials and the soak run on wasm (a short trial run: 11.5 s on wasm, 41.6 s on torch here, mostly start-up).
VQCT_BACKEND=wasm node apps/robustness/dist/faults.js --trials 24 --docs "$DOC" || status=1
(cd apps/robustness && VQCT_BACKEND=wasm VQCT_SOAK_DOCS="$DOC" node --expose-gc bench/soak.bench.mjs) || status=1
exit $status
