#!/usr/bin/env bash
# The Home Assistant app checks (tests/addon/README.md): the app files against the Supervisor's rules,
# the run script starting the real domoguardd against a real Home Assistant, ingress-only, and the
# Dockerfile replayed in Debian 12 roots (tests/addon/image_root.py; built once, then cached) and
# started as the Supervisor starts the app.
# Needs root and build/bin/domoguardd (DOMOGUARD_BIN moves it). Installs what it lacks from Debian:
# jq (the run script), apparmor (apparmor_parser compiles apparmor.txt), python3-yaml, python3-pytest,
# util-linux/iproute2 (unshare, ip), debootstrap (the image replay); the HA root and mosquitto come
# from tests/live/ha_root.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

packages=(jq curl apparmor python3-yaml python3-pytest util-linux iproute2 debootstrap)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
bash tests/live/ha_root.sh >/dev/null   # the pinned HA root: built once, then reused from its cache
DOMOGUARD_BIN="${DOMOGUARD_BIN:-$PWD/build/bin}" python3 -m pytest tests/addon -q -p no:cacheprovider "$@"
