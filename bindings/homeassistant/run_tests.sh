#!/usr/bin/env bash
# Tests the DomoGuard integration inside the real Home Assistant (the forky root of tests/live):
#   1. builds the domoguard wheel (bindings/python/build_wheel.sh) and installs it for this run only,
#   2. copies the panel bundle in when it has been built (package.sh does the full packaging),
#   3. checks the generated translations are current,
#   4. runs the integration's pytest suite (pytest-homeassistant-custom-component, pinned in
#      tests/live/versions.env) in the root, from a copy of custom_components/ and tests/.
#
#   bash bindings/homeassistant/run_tests.sh [PYTEST ARGS...]      (needs root, like tests/live)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
say() { printf '[integration] %s\n' "$*" >&2; }
die() { printf '[integration] ERROR: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (the HA root is entered with chroot)"
t0=$(date +%s.%N)
elapsed() { python3 -c "import sys,time; print(f'{time.time()-float(sys.argv[1]):.1f}')" "$1"; }

python3 "$here/gen_translations.py" --check || die "translations are stale: run bindings/homeassistant/gen_translations.py"

root=$(bash "$repo/tests/live/ha_root.sh" | tail -n1)
run() { bash "$repo/tests/live/ha_run.sh" "$root" "$@"; }

t1=$(date +%s.%N)
bash "$repo/bindings/python/build_wheel.sh" >&2 || die "building the wheel failed"
wheel=$(ls -t "$repo"/build/wheel/domoguard-*.whl | head -n1)
say "wheel built in $(elapsed "$t1") s: $(basename "$wheel")"

work=$(mktemp -d "$root/var/tmp/domoguard-integ-XXXXXX")
trap 'rm -rf "$work"' EXIT
inroot="/${work#"$root"/}"
cp "$wheel" "$work/"
t1=$(date +%s.%N)
# Into this run's own folder, not HA's venv (other runs share the root): PYTHONPATH puts it first.
run /opt/ha/bin/python3 -m pip install -q --disable-pip-version-check --no-deps --target "$inroot/site" \
    "$inroot/$(basename "$wheel")" >&2 || die "installing the wheel failed"
say "wheel installed in $(elapsed "$t1") s"

mkdir -p "$work/custom_components"
cp -r "$here/custom_components/domoguard" "$work/custom_components/"
rm -rf "$work/custom_components/domoguard/frontend"
if [ -f "$repo/ui-panel/dist/domoguard-panel.js" ]; then
    mkdir -p "$work/custom_components/domoguard/frontend"
    cp "$repo/ui-panel/dist/domoguard-panel.js" "$work/custom_components/domoguard/frontend/"
else
    say "no ui-panel/dist/domoguard-panel.js: the panel tests check that nothing is registered without it"
fi
touch "$work/custom_components/__init__.py"
cp -r "$here/tests" "$work/tests"
cp "$here/gen_translations.py" "$here/hacs.json" "$work/"
mkdir -p "$work/repo/manifests"
cp -r "$repo/locales" "$work/repo/"
cp -r "$repo/manifests/policy" "$work/repo/manifests/"
mkdir -p "$work/repo/tests/fixtures"
cp -r "$repo/tests/fixtures/ports" "$work/repo/tests/fixtures/"   # the port conformance scenarios
find "$work" -name __pycache__ -prune -exec rm -rf {} +
cat >"$work/pytest.ini" <<'INI'
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
pythonpath = .
testpaths = tests
addopts = -p no:cacheprovider
INI

t1=$(date +%s.%N)
set +e
run /bin/sh -c "cd '$inroot' && PYTHONPATH='$inroot/site' exec /opt/ha/bin/python3 -m pytest -q -rfE $*" | tee "$work/pytest.out"
rc=${PIPESTATUS[0]}
set -e
summary=$(grep -E '^[0-9]+ (passed|failed)|passed|failed' "$work/pytest.out" | tail -n1)
say "pytest: ${summary:-no summary} in $(elapsed "$t1") s (exit $rc)"
say "total $(elapsed "$t0") s"
exit "$rc"
