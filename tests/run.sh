#!/usr/bin/env bash
# Sets up and runs every DomoGuard test: the Catch2 suite in a warnings-as-errors release build and
# again under AddressSanitizer + UndefinedBehaviorSanitizer, a short fuzzing run of every parser,
# the demo data check, the HTML report in headless Chromium, the panel (vitest, and end to end in
# Chromium against domoguardd --demo), the Python bridge and the Home Assistant integration inside a
# real Home Assistant, the live tests against a real Home Assistant (in a Debian forky root cached
# outside the checkout), the add-on checks, and the benchmarks (which print figures and assert
# nothing about time).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

DOMOGUARD_EXTRA_PACKAGES="clang libclang-rt-14-dev debootstrap mosquitto mosquitto-clients python3-pytest" DOMOGUARD_CMAKE_ARGS="-DDOMOGUARD_WERROR=ON" bash tests/setup.sh

echo "== unit, adapter and CLI tests (release build)"
ctest --test-dir build --output-on-failure -j"$(nproc)"

echo "== the same tests under ASan + UBSan (build-asan/)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Asan -DDOMOGUARD_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j"$(nproc)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$(nproc)"

if [ -x tests/fuzz/run.sh ]; then
  echo "== fuzzing each parser briefly"
  bash tests/fuzz/run.sh "${DOMOGUARD_FUZZ_SECONDS:-15}"
fi

echo "== the demo home's data is consistent and matches its generator"
python3 manifests/demo/gen_demo.py --check

echo "== the HTML report in a real browser (headless Chromium)"
bash tests/report/run.sh

echo "== the dashboard panel and card: types, unit tests, bundle size, end to end in Chromium (ui-panel)"
bash ui-panel/run-tests.sh

# ---- live: a real Home Assistant (tests/live/README.md) -------------------------------------------
echo "== live tests against a real Home Assistant (tests/live)"
ha_root=$(bash tests/live/ha_root.sh)   # the pinned HA root: built once, then reused from its cache
echo "== the native bridge: the domoguard wheel built in HA's Python 3.14 and tested there (bindings/python)"
bash bindings/python/run_tests.sh
echo "== the Home Assistant integration, with pytest-homeassistant-custom-component in the HA root"
bash bindings/homeassistant/run_tests.sh
echo "== live: the daemon, plans and the integration (from the built wheel, its panel in Chromium)"
DOMOGUARD_BIN="$PWD/build/bin" python3 -m pytest tests/live -q -p no:cacheprovider --durations=5
echo "== the Home Assistant app (add-on): its files against the Supervisor's rules, its run script live"
bash tests/addon/run.sh
echo "== live benchmark: domoguardd against a real Home Assistant (figures only)"
DOMOGUARD_BIN="$PWD/build/bin" python3 tests/live/bench_live.py \
  || echo "   (the live benchmark did not complete; it gives figures only and does not fail the run)"
# ---- end of live block ----------------------------------------------------------------------------

echo "== ARM64: cross-built with Debian's aarch64 toolchain, the Catch2 suite and the demo audit under qemu (tests/arm64)"
bash tests/arm64/run.sh --full

echo "== benchmarks (figures only): parse floor, full and incremental audit, the CLI against a Python peer, daemon memory"
DG_HA_ROOT="$ha_root" bash tests/bench/run.sh --short \
  || echo "   (the benchmark suite did not complete; it gives figures only and does not fail the run)"

echo "== all tests passed in $(( $(date +%s) - start )) s"
