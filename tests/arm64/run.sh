#!/usr/bin/env bash
# DomoGuard on 64-bit ARM, proven on an amd64 Debian 12 machine: cross-builds the core, the CLI, the
# daemon and the Catch2 tests with Debian's cross toolchain and arm64 libraries into build-arm64/,
# then runs them under qemu-user-static (the kernel's binfmt_misc runs arm64 programs, so the tests
# that start the CLI or the daemon as a process work as on a hub).
#
#   bash tests/arm64/run.sh          short form (CI): build, the demo audit compared with the golden
#                                    file, and the tagged subset below
#   bash tests/arm64/run.sh --full   the whole Catch2 suite under emulation
#   bash tests/arm64/run.sh --bench  the core benchmark (tests/bench) and the CLI on the synthetic
#                                    2,000-device home under emulation, once for scale (no tests)
#
# Needs root (or sudo) the first time, to add the arm64 architecture and install packages; then it
# is idempotent. Figures (build time, test counts, demo audit time emulated vs native) are printed
# at the end and written to build-arm64/figures.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=short
case "${1:-}" in
  --full) mode=full ;;
  --short|"") mode=short ;;
  --bench) mode=bench ;;
  *) echo "usage: $0 [--short|--full|--bench]" >&2; exit 2 ;;
esac
# The subset the short form runs: the rule families, the HA adapter (parsers), the store, the log,
# the policy compiler and the CLI (which runs
# the arm64 binary as a process); the live-network and daemon tests are left to --full.
short_tags="${DOMOGUARD_ARM64_TAGS:-[rules],[cli],[store],[log],[policy],[adapter]}"
jobs="${DOMOGUARD_JOBS:-$(nproc)}"
build=build-arm64
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

# ---- toolchain, arm64 libraries and qemu --------------------------------------------------------
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "== adding the arm64 architecture"
  $sudo_cmd dpkg --add-architecture arm64
  $sudo_cmd apt-get update -qq
fi
# libwebsockets-dev, catch2 and libyaml-cpp-dev cannot be installed for two architectures at once (their lws_config.h
# and libCatch2WithMain.a differ per architecture at the same path), so their arm64 builds (and the
# libraries libwebsockets' CMake file names) are unpacked into an overlay folder that the CMake run
# points at; every other package is multiarch (libcap-dev: libwebsockets' CMake file links libcap.so).
packages=(cmake ninja-build g++-aarch64-linux-gnu qemu-user-static binfmt-support
          libboost-json1.81-dev:arm64 libssl-dev:arm64 libsqlitecpp-dev:arm64 libsqlite3-dev:arm64
          zlib1g-dev:arm64 libcap-dev:arm64 libwebsockets17:arm64 libyaml-cpp0.7:arm64)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
overlay="$PWD/$build/overlay"
if [ ! -f "$overlay/.done-2" ]; then
  echo "== unpacking libwebsockets (dev, library, event-loop plugins) and catch2 for arm64 into $build/overlay"
  rm -rf "$overlay" && mkdir -p "$overlay/debs"
  (cd "$overlay/debs" && apt-get download libwebsockets-dev:arm64 libwebsockets17:arm64 \
     libwebsockets-evlib-uv:arm64 libwebsockets-evlib-glib:arm64 libwebsockets-evlib-ev:arm64 \
     catch2:arm64 libyaml-cpp-dev:arm64 libyaml-cpp0.7:arm64 >/dev/null 2>&1)
  for deb in "$overlay"/debs/*.deb; do dpkg-deb -x "$deb" "$overlay"; done
  rm -rf "$overlay/debs" && touch "$overlay/.done-2"
fi
# binfmt_misc: lets the kernel hand arm64 programs to qemu, as the tests start the CLI and daemon.
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
  $sudo_cmd mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
fi
if [ -e /proc/sys/fs/binfmt_misc/register ] && [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  $sudo_cmd update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
fi
binfmt=no
if grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null; then binfmt=yes; fi
if [ "$binfmt" = no ]; then
  echo "   binfmt_misc cannot run arm64 programs here: the tests that start the CLI or the daemon as a"
  echo "   process are left out; the rest run through CMAKE_CROSSCOMPILING_EMULATOR"
fi

# ---- build ------------------------------------------------------------------------------------------
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
echo "== configuring $build (aarch64-linux-gnu, RelWithDebInfo)"
cmake -S . -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$PWD/tests/arm64/aarch64-linux-gnu.cmake" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDOMOGUARD_WERROR=ON -DDOMOGUARD_BUILD_BENCH="$([ "$mode" = bench ] && echo ON || echo OFF)" \
  -DCatch2_DIR="$overlay/usr/lib/cmake/Catch2" \
  -Dlibwebsockets_DIR="$overlay/usr/lib/aarch64-linux-gnu/cmake/libwebsockets" \
  -Dyaml-cpp_DIR="$overlay/usr/lib/aarch64-linux-gnu/cmake/yaml-cpp" \
  "${launcher[@]}" >/dev/null
echo "== building domoguard and domoguardd for arm64 (-j$jobs)"
t0=$(date +%s)
cmake --build "$build" -j"$jobs" --target domoguard domoguardd
build_s=$(( $(date +%s) - t0 ))
for b in domoguard domoguardd; do
  readelf -h "$build/bin/$b" | grep -q 'Machine: *AArch64' || { echo "FAIL: $build/bin/$b is not an arm64 program"; exit 1; }
done

qemu=(qemu-aarch64-static)
# Times one command in seconds with millisecond precision.
seconds() { local a b; a=$(date +%s%N); "$@" >/dev/null; b=$(date +%s%N); echo "$(( (b - a) / 1000000 ))" | awk '{printf "%.3f", $1/1000}'; }

# ---- the demo audit: the arm64 CLI must print exactly what the native build prints --------------
echo "== domoguard audit --demo under qemu-aarch64, compared with tests/fixtures/golden/demo-audit.json"
out="$build/demo-audit.json"
"${qemu[@]}" "$build/bin/domoguard" audit --demo --format json --no-history > "$out"
if ! cmp -s "$out" tests/fixtures/golden/demo-audit.json; then
  diff <(python3 -m json.tool tests/fixtures/golden/demo-audit.json) <(python3 -m json.tool "$out") | head -40
  echo "FAIL: the arm64 demo audit differs from the golden file"
  exit 1
fi
echo "   identical to the golden file ($(wc -c < "$out") bytes)"
demo_arm=$(seconds "${qemu[@]}" "$build/bin/domoguard" audit --demo --format json --no-history)
demo_native="n/a"
native="${DOMOGUARD_NATIVE_BIN:-build/bin}/domoguard"
if [ -x "$native" ]; then
  demo_native=$(seconds "$native" audit --demo --format json --no-history)
fi

"${qemu[@]}" "$build/bin/domoguardd" --version >/dev/null || { echo "FAIL: the arm64 domoguardd does not start"; exit 1; }

# ---- --bench: the benchmark figures once, for scale ------------------------------------------------
if [ "$mode" = bench ]; then
  echo "== building domoguard_bench for arm64 (-j$jobs)"
  cmake --build "$build" -j"$jobs" --target domoguard_bench
  devices="${DOMOGUARD_BENCH_DEVICES:-2000}"
  echo "== core benchmark under qemu-aarch64 ($devices devices, 3 rounds)"
  "${qemu[@]}" "$build/bin/domoguard_bench" "$devices" 3
  home="$build/bench-home"
  rm -rf "$home" && mkdir -p "$home"
  "${qemu[@]}" "$build/bin/domoguard_bench" "$devices" 1 write "$home" >/dev/null
  cli_arm=$(seconds "${qemu[@]}" "$build/bin/domoguard" audit "$home" --format json --no-history)
  cli_native="n/a"
  [ -x "$native" ] && cli_native=$(seconds "$native" audit "$home" --format json --no-history)
  {
    echo "arm64 (bench form), $(date -u +%FT%TZ), $(nproc) cores"
    echo "  demo audit: ${demo_arm} s under qemu-aarch64, ${demo_native} s native"
    echo "  domoguard audit of the $devices-device home (wall): ${cli_arm} s under qemu-aarch64, ${cli_native} s native"
  } | tee "$build/bench-figures.txt"
  exit 0
fi

# ---- the Catch2 suite under emulation ---------------------------------------------------------------
echo "== building domoguard_tests for arm64 (-j$jobs)"
t0=$(date +%s)
cmake --build "$build" -j"$jobs" --target domoguard_tests
tests_build_s=$(( $(date +%s) - t0 ))
test_args=()
if [ "$mode" = short ]; then test_args=("$short_tags"); fi
if [ "$binfmt" = no ]; then
  if [ ${#test_args[@]} -eq 0 ]; then test_args=("~[cli]~[daemon]"); else test_args=("${test_args[0]}~[cli]~[daemon]"); fi
fi
echo "== Catch2 suite under qemu-aarch64 ($mode form${test_args:+: ${test_args[*]}})"
t0=$(date +%s)
set +e
(cd "$build" && "${qemu[@]}" bin/domoguard_tests "${test_args[@]}" --reporter compact 2>&1) | tee "$build/tests.log" | tail -3
rc=${PIPESTATUS[0]}
set -e
tests_s=$(( $(date +%s) - t0 ))
summary=$(grep -E '^(All tests passed|test cases:|Passed)' "$build/tests.log" | tail -1)

{
  echo "arm64 ($mode form), $(date -u +%FT%TZ), $(nproc) cores, -j$jobs"
  echo "  build: domoguard + domoguardd ${build_s} s, domoguard_tests ${tests_build_s} s"
  echo "  Catch2 under qemu-aarch64: ${summary:-see tests.log} in ${tests_s} s"
  echo "  demo audit: ${demo_arm} s under qemu-aarch64, ${demo_native} s native"
} | tee "$build/figures.txt"
exit "$rc"
