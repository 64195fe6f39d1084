#!/usr/bin/env bash
# Runs the smoke suite on every runtime (or those named: run.sh --only node20,bun).
# Needs dist/ (npm run build) and scripts/runtimes/install.sh done.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
build=".cache/runtimes/build"
mkdir -p "$build"
# The driver is TypeScript; esbuild turns it into one ES module (packages stay external: fauxqs,
# esbuild and playwright-core resolve from node_modules, miniflare from .cache/runtimes).
node_modules/.bin/esbuild test/runtimes/driver.ts --bundle --platform=node --format=esm \
  --packages=external --target=node20 --log-level=warning --outfile="$build/driver.mjs"
exec node "$build/driver.mjs" "$@"
