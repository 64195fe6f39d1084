#!/usr/bin/env bash
# Installs what the runtime smoke suite runs on, into .cache/runtimes (gitignored):
#   Node 24, Bun, Deno and miniflare (workerd) from the npm registry, pinned by
#   scripts/runtimes/package-lock.json; Debian's chromium with apt-get; playwright-core in the
#   project's node_modules when it is not there yet. Idempotent: a warm cache installs nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="$root/.cache/runtimes"
here="$root/scripts/runtimes"
mkdir -p "$cache"

# npm packages: reinstall only when the lockfile changed (or the install is missing).
stamp="$cache/.installed-lock"
if [ ! -d "$cache/node_modules" ] || ! cmp -s "$here/package-lock.json" "$stamp"; then
  echo "== runtimes: npm ci into .cache/runtimes"
  cp "$here/package.json" "$here/package-lock.json" "$cache/"
  # Install scripts stay off (npm's default here): every binary used ships inside its package.
  # (In the folder rather than with --prefix: npm mistakes a --prefix that is a symlink for a link.)
  (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$stamp"
else
  echo "== runtimes: .cache/runtimes is up to date"
fi

# Chromium from Debian's packages.
if ! command -v chromium >/dev/null 2>&1; then
  echo "== runtimes: apt-get install chromium"
  if [ "$(id -u)" != 0 ]; then
    echo "chromium is missing and this is not root: install Debian's chromium package" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

# playwright-core drives Chromium; it is a devDependency, installed by `npm ci`.
if [ ! -f "$root/node_modules/playwright-core/package.json" ]; then
  echo "== runtimes: playwright-core is missing: run npm ci first" >&2
  exit 1
fi
