#!/usr/bin/env bash
# Builds the domoguard wheel in the Home Assistant root (build_wheel.sh), installs it into the root's
# HA venv (/opt/ha) and runs the binding's tests there with HA's Python 3.14.
#
#   bash bindings/python/run_tests.sh [PYTEST ARGS...]
#
# Needs root (chroot, mount). Prints the time of each part.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
say() { printf '[run_tests] %s\n' "$*" >&2; }
die() { printf '[run_tests] ERROR: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (chroot and mount need it)"
t0=$(date +%s)

bash "$here/build_wheel.sh" || die "building the wheel failed"
t1=$(date +%s)
root=$(bash "$repo/tests/live/ha_root.sh" 2>/dev/null) || die "tests/live/ha_root.sh failed"
shopt -s nullglob
wheels=("$repo"/build/wheel/domoguard-*.whl)
[ ${#wheels[@]} -eq 1 ] || die "expected one wheel in build/wheel, found ${#wheels[@]}"
wheel=$(basename "${wheels[0]}")

mkdir -p "$root/src/domoguard"
# The checkout appears at /src/domoguard inside the root for this command only (private mount namespace).
in_root() {
    unshare --mount --propagation private -- bash -c '
        set -e
        mount --bind "$1" "$2/src/domoguard"
        shift 2
        exec bash "$0/tests/live/ha_run.sh" "$@"
    ' "$repo" "$repo" "$root" "$root" "$@"
}
say "installing $wheel into the root's venv /opt/ha"
in_root /opt/ha/bin/python -m pip install -q --disable-pip-version-check --force-reinstall --no-deps \
    "/src/domoguard/build/wheel/$wheel" >&2 || die "pip install of the wheel failed"
t2=$(date +%s)

say "running bindings/python/tests with /opt/ha/bin/python"
# The HA test plugin (pytest-homeassistant-custom-component) is installed in that venv; this suite
# does not use it, and its socket guard and event-loop fixtures have no business here.
rc=0
in_root /usr/bin/env PYTHONDONTWRITEBYTECODE=1 /opt/ha/bin/python -m pytest -p no:cacheprovider \
    -p no:homeassistant \
    --timeout=600 -q -s --rootdir /src/domoguard/bindings/python /src/domoguard/bindings/python/tests "$@" || rc=$?
t3=$(date +%s)
say "times: wheel $((t1 - t0)) s, install $((t2 - t1)) s, pytest $((t3 - t2)) s, total $((t3 - t0)) s"
exit $rc
