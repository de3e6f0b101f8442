#!/bin/sh
# Builds and tests the DomoGuard panel and card from a fresh machine:
#   npm ci (from npm's cache after the first run) → tsc --noEmit → vitest run → vite build (prints the
#   gzipped bundle size; fails over 80 KB) → end-to-end test in the system Chromium against domoguardd --demo
#   and --source (screenshots into build/panel-screenshots/).
# Needs node ≥ 20 and npm; installs Debian's chromium if it is missing. Uses build/bin/domoguardd
# (DOMOGUARDD to override); it must be built first (tests/setup.sh or cmake --build build).
# Usage: bash ui-panel/run-tests.sh [--no-e2e]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
DAEMON=${DOMOGUARDD:-$ROOT/build/bin/domoguardd}
SHOTS=${PANEL_SCREENSHOTS:-$ROOT/build/panel-screenshots}
E2E=1
[ "${1:-}" = "--no-e2e" ] && E2E=0
start=$(date +%s)

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "panel: node (>= 20) and npm are needed" >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "panel: node >= 20 is needed (found $(node --version))" >&2
  exit 1
fi

cd "$HERE"
# npm ci keeps downloads in npm's own cache (~/.npm), outside the checkout; a repeat run is offline-fast.
# The lock file pins every version; no browser is downloaded (playwright-core drives /usr/bin/chromium).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "panel: npm ci"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --prefer-offline --loglevel=error
fi

echo "panel: tsc --noEmit"
npx --no-install tsc --noEmit

echo "panel: vitest run"
npx --no-install vitest run

echo "panel: vite build"
npx --no-install vite build --logLevel warn

if [ "$E2E" -eq 1 ]; then
  if [ ! -x /usr/bin/chromium ]; then
    echo "panel: installing chromium (Debian package)" >&2
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  fi
  if [ ! -x "$DAEMON" ]; then
    echo "panel: $DAEMON is not built; build it first (tests/setup.sh, or cmake --build build), or set DOMOGUARDD" >&2
    exit 1
  fi
  echo "panel: end-to-end in Chromium against $DAEMON"
  node --experimental-websocket --no-warnings=ExperimentalWarning "$HERE/e2e/panel.e2e.mjs" \
    --daemon "$DAEMON" --panel-dir "$HERE/dist" --shots "$SHOTS"
fi
echo "panel: all done in $(( $(date +%s) - start )) s"
