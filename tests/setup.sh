#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for DomoGuard and builds it into build/.
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ ninja-build pkg-config libboost-json1.81-dev libwebsockets-dev libssl-dev openssl
          libsqlitecpp-dev libsqlite3-dev catch2 zlib1g-dev libyaml-cpp-dev)
# shellcheck disable=SC2206  # a space-separated list of extra packages
packages+=(${DOMOGUARD_EXTRA_PACKAGES:-})
missing=()
for p in "${packages[@]}"; do
  [ -n "$p" ] || continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== building DomoGuard (build/)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${DOMOGUARD_BUILD_TYPE:-RelWithDebInfo}" ${DOMOGUARD_CMAKE_ARGS:-} >/dev/null
cmake --build build -j"$(nproc)"
# The dashboard panel, so that `build/bin/domoguardd --demo` serves it (the CLI needs none of this).
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if command -v npm >/dev/null 2>&1 && [ "$node_major" -ge 20 ]; then
  echo "== building the dashboard panel (ui-panel/dist)"
  (
    cd ui-panel
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
      PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --prefer-offline --loglevel=error
    fi
    npx --no-install vite build --logLevel warn
  ) || echo "   (the panel could not be built; the CLI and the daemon's API work without it)"
else
  echo "== the dashboard panel needs node >= 20 and npm: not built (the CLI and the daemon's API work without it)"
fi
echo "== ready: build/bin/domoguard, build/bin/domoguardd"
