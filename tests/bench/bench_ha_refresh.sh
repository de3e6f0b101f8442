#!/usr/bin/env bash
# The integration's full and incremental refresh inside the real Home Assistant (the HA root of
# tests/live), on the synthetic 2,000-device home registered through HA's own registries:
# tests/bench/ha/test_bench_refresh.py run with the integration's pytest setup. Figures only.
#   bash tests/bench/bench_ha_refresh.sh [DEVICES]     (root; DOMOGUARD_WHEEL=path skips building the wheel)
#   DG_BENCH_PROFILE=1 adds a cProfile of one full refresh (the event loop's thread).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
devices=${1:-2000}
say() { printf '[bench-ha] %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { say "must run as root (the HA root is entered with chroot)"; exit 1; }
root=$(bash "$repo/tests/live/ha_root.sh" | tail -n1)
run() { bash "$repo/tests/live/ha_run.sh" "$root" "$@"; }
wheel=${DOMOGUARD_WHEEL:-}
if [ -z "$wheel" ]; then
  bash "$repo/bindings/python/build_wheel.sh" >&2
  wheel=$(ls -t "$repo"/build/wheel/domoguard-*.whl | head -n1)
fi
work=$(mktemp -d "$root/var/tmp/domoguard-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
inroot="/${work#"$root"/}"
cp "$wheel" "$work/"
# Into this run's own folder, not HA's venv (shared with other runs): PYTHONPATH puts it first.
run /opt/ha/bin/python3 -m pip install -q --disable-pip-version-check --no-deps --target "$inroot/site" \
    "$inroot/$(basename "$wheel")" >&2
here="$repo/bindings/homeassistant"
mkdir -p "$work/custom_components" "$work/repo/manifests"
cp -r "$here/custom_components/domoguard" "$work/custom_components/"
rm -rf "$work/custom_components/domoguard/frontend"
touch "$work/custom_components/__init__.py"
cp -r "$here/tests" "$work/tests"
cp "$repo/tests/bench/ha/test_bench_refresh.py" "$work/tests/"
cp -r "$repo/locales" "$work/repo/"
cp -r "$repo/manifests/policy" "$work/repo/manifests/"
cat >"$work/pytest.ini" <<'INI'
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
pythonpath = .
testpaths = tests
addopts = -p no:cacheprovider
INI
run /bin/sh -c "cd '$inroot' && PYTHONPATH='$inroot/site' DG_BENCH_DEVICES=$devices DG_BENCH_PROFILE=${DG_BENCH_PROFILE:-} exec /opt/ha/bin/python3 -m pytest -q -s tests/test_bench_refresh.py"
