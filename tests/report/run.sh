#!/bin/sh
# Renders the demo HTML report in real headless Chromium (the system's /usr/bin/chromium; a
# browser is never downloaded), checks the coverage table and that no script runs, and saves a
# screenshot to BUILD/report-screenshot.png.
# Environment: BUILD_DIR (default ROOT/build), DOMOGUARD_BIN (default BUILD_DIR/bin/domoguard).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
DG=${DOMOGUARD_BIN:-$BUILD/bin/domoguard}

if [ ! -x /usr/bin/chromium ]; then
  echo "report test: installing chromium" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "report test: node and npm are needed" >&2
  exit 1
fi
if [ ! -d "$HERE/node_modules/playwright-core" ]; then
  (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi
[ -x "$DG" ] || { echo "report test: $DG not built" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
mkdir -p "$BUILD"
# A scratch database and key, so the test neither reads nor writes the user's own state.
"$DG" report --demo --format html --db "$TMP/state.db" --pseudonym-key "$TMP/pseudonym.key" \
  --output "$TMP/report.html" --lang en
node "$HERE/render_report.mjs" "$TMP/report.html" "$BUILD/report-screenshot.png" 53
