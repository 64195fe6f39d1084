#!/usr/bin/env bash
# CI step: the runtime smoke suite (issue 7) on Node 20 and 24, Bun, Deno, workerd (through
# miniflare, with and without nodejs_compat) and headless Chromium, against fauxqs on loopback.
# Installs the runtimes first (cached in .cache/runtimes), builds dist/, then runs the driver,
# which ends with `runtimes: N passed, N failed, N skipped` and exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
bash scripts/runtimes/install.sh
echo "== runtimes: build"
npm run build --silent
node scripts/runtimes/check-dist.mjs
echo "== runtimes: installed and built in $((SECONDS - start)) s"
bash scripts/runtimes/run.sh "$@"
