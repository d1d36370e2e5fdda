#!/usr/bin/env bash
# The whole test run (README.md's test command; CI calls it): set-up,
# typecheck, lint (incl. the dependency-direction rules), every package's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1
bash scripts/setup.sh
pnpm run typecheck
pnpm run lint
find packages apps -path '*/.vitest/results.json' -not -path '*/node_modules/*' -delete 2>/dev/null || true
status=0
pnpm exec turbo run test --concurrency=1 || status=$?
# The packages as users get them: pnpm pack, publish --dry-run, npm install outside
# the workspace, tsc + run + Vite bundle there (scripts/consumer-test.mjs, ~2 min).
node scripts/consumer-test.mjs > consumer-test.log 2>&1 && tail -n 1 consumer-test.log || { cat consumer-test.log; echo 'consumer test failed'; status=1; }
# The bench harness in smoke mode (tiny sizes), so it cannot rot.
node scripts/bench.mjs --quick > bench-quick.log 2>&1 || { cat bench-quick.log; echo 'bench --quick failed'; status=1; }
node scripts/test-summary.mjs || status=1
exit $status
