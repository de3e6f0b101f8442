#!/usr/bin/env bash
# The aarch64 (64-bit ARM: Home Assistant Green and Yellow, Raspberry Pi 4/5) glibc wheel, cross-built
# on this amd64 Debian 12 machine and proven under qemu-user-static:
#
#   bash bindings/python/build_wheel_aarch64.sh  -> build/release-wheels/domoguard-<v>-cp312-abi3-manylinux_2_<n>_aarch64.whl
#
# 1. Toolchain and libraries as tests/arm64/run.sh has them: Debian 12's g++-aarch64-linux-gnu and the
#    arm64 -dev packages through multiarch (static libcrypto, libsqlite3, libz, libSQLiteCpp; Boost's
#    headers), so the core goes into the extension exactly as in the x86_64 wheel.
# 2. An arm64 CPython >= 3.12 (tests/arm64/python_root.sh: Debian 13 arm64, Python 3.13, run through
#    qemu-aarch64): its headers (with its arm64 pyconfig.h) are what the extension compiles against
#    (stable ABI 3.12), and it is the interpreter CMake runs for nanobind's stub generation, which
#    imports the freshly built arm64 module under emulation.
# 3. The wheel is laid out from the CMake install (domoguard/ with _core.abi3.so and _core.pyi), with
#    the metadata scikit-build-core writes for pyproject.toml, and packed by `wheel pack` as
#    cp312-abi3-linux_aarch64; release_wheels.sh then checks it (auditwheel show/repair --plat,
#    abi3audit --strict) and tags it manylinux.
# 4. The release wheel is checked against the arm64 Python's own supported tags (packaging.tags),
#    unpacked into a folder on its path, imported, and bindings/python/tests run there under qemu.
#
# The CMake folder is kept in ${DOMOGUARD_CACHE:-/var/cache/domoguard}/wheel-build-aarch64/<checkout>,
# so a repeat run rebuilds only what changed. Needs root the first time (packages, the arm64 root).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
say() { printf '[aarch64_wheel] %s\n' "$*" >&2; }
die() { printf '[aarch64_wheel] ERROR: %s\n' "$*" >&2; exit 1; }
t0=$(date +%s)
jobs=${DOMOGUARD_JOBS:-2}
SKBUILD_VERSION=1.1.2
NANOBIND_VERSION=3.1.0
WHEEL_VERSION=0.45.1
CMAKE_VERSION=3.31.6   # FindPython's Development.SABIModule (the stable ABI) needs CMake >= 3.26; Debian 12 has 3.25
cache=${DOMOGUARD_CACHE:-/var/cache/domoguard}
grep -q "scikit-build-core==$SKBUILD_VERSION" "$here/pyproject.toml" && grep -q "nanobind==$NANOBIND_VERSION" "$here/pyproject.toml" \
  || die "build_wheel_aarch64.sh and pyproject.toml pin different scikit-build-core/nanobind versions"

# ---- toolchain and arm64 libraries (multiarch) --------------------------------------------------------
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo_cmd dpkg --add-architecture arm64 && $sudo_cmd apt-get update -qq
fi
packages=(cmake ninja-build g++-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-user-static binfmt-support
          libboost1.81-dev:arm64 libssl-dev:arm64 libsqlitecpp-dev:arm64 libsqlite3-dev:arm64 zlib1g-dev:arm64)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- the arm64 Python ---------------------------------------------------------------------------------
pyroot=$(bash "$repo/tests/arm64/python_root.sh") || die "tests/arm64/python_root.sh failed"
pyver=$(sed -n 's/^PYTHON=//p' "$pyroot/.domoguard-root-complete")
[ -n "$pyver" ] || die "no Python version recorded in $pyroot"
# The interpreter, run by qemu-aarch64 with the root as its library prefix: files under the root are
# read from there (its standard library, libraries, pytest), every other path (this checkout, the
# build folder) from the host.
work="$cache/wheel-build-aarch64/$(printf '%s' "$repo" | sha1sum | cut -c1-12)"
mkdir -p "$work"
pywrap="$work/python-aarch64"
printf '#!/bin/sh\nQEMU_LD_PREFIX=%s exec qemu-aarch64-static %s/usr/bin/python%s "$@"\n' "$pyroot" "$pyroot" "$pyver" > "$pywrap"
chmod +x "$pywrap"
"$pywrap" -c 'import platform, sys; assert platform.machine() == "aarch64" and sys.version_info >= (3, 12)' \
  || die "the arm64 Python does not run under qemu-aarch64"
# Its headers, with the arm64 pyconfig.h in place of Debian's multiarch switch header.
inc="$work/include/python$pyver"
rm -rf "$work/include" && mkdir -p "$inc"
cp -r "$pyroot/usr/include/python$pyver/." "$inc/"
cp "$pyroot/usr/include/aarch64-linux-gnu/python$pyver/pyconfig.h" "$inc/pyconfig.h"

# ---- host build tools: CMake, nanobind's CMake package, scikit-build-core's metadata, `wheel pack` --------
tools="$cache/wheel-tools-aarch64"
tools_ok="$tools/.ok-$SKBUILD_VERSION-$NANOBIND_VERSION-$WHEEL_VERSION-$CMAKE_VERSION"
if [ ! -f "$tools_ok" ]; then
  rm -rf "$tools" && python3 -m venv "$tools"
  "$tools/bin/pip" install -q --disable-pip-version-check "scikit-build-core==$SKBUILD_VERSION" \
    "nanobind==$NANOBIND_VERSION" "wheel==$WHEEL_VERSION" "cmake==$CMAKE_VERSION" || die "pip install of the build tools failed"
  touch "$tools_ok"
fi
cmake="$tools/bin/cmake"
nb_dir=$("$tools/bin/python" -m nanobind --cmake_dir)

# ---- the extension --------------------------------------------------------------------------------------
build="$work/cmake"
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
say "configuring $build (aarch64-linux-gnu, Release, Python $pyver headers)"
"$cmake" -S "$here" -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$repo/tests/arm64/aarch64-linux-gnu.cmake" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$work/install" -Dnanobind_DIR="$nb_dir" \
  -DSKBUILD_SABI_COMPONENT=Development.SABIModule -DPython_EXECUTABLE="$pywrap" -DPython_INCLUDE_DIR="$inc" \
  "${launcher[@]}" >/dev/null || die "cmake configure failed"
t1=$(date +%s)
say "building domoguard._core for aarch64 (-j$jobs) and its stubs under qemu-aarch64"
nice -n 10 "$cmake" --build "$build" -j"$jobs" || die "build failed"
build_s=$(( $(date +%s) - t1 ))
rm -rf "$work/install"
"$cmake" --install "$build" --strip >/dev/null || die "cmake --install failed"
so=("$work"/install/domoguard/_core*.so)
[ -f "${so[0]}" ] || die "no extension installed"
readelf -h "${so[0]}" | grep -q 'Machine: *AArch64' || die "$(basename "${so[0]}") is not an arm64 object"
case "$(basename "${so[0]}")" in _core.abi3.so) ;; *) die "$(basename "${so[0]}") is not a stable-ABI module (_core.abi3.so)";; esac
[ -s "$work/install/domoguard/_core.pyi" ] || die "no stubs (_core.pyi) were generated"

# ---- the wheel ------------------------------------------------------------------------------------------
version=$(sed -n 's/^version = "\([^"]*\)".*/\1/p' "$here/pyproject.toml")
pkg="$work/pkg/domoguard-$version"
rm -rf "$work/pkg" && mkdir -p "$pkg/domoguard"
cp "$here"/src/domoguard/*.py "$here/src/domoguard/py.typed" "$pkg/domoguard/"
cp "${so[0]}" "$work/install/domoguard/_core.pyi" "$pkg/domoguard/"
# The metadata the x86_64 build gets (name, version, Requires-Python, classifiers, README), from
# scikit-build-core's own PEP 517 hook; the WHEEL file names the one tag this build serves.
distinfo=$(cd "$here" && "$tools/bin/python" -c '
import sys
from scikit_build_core.build import prepare_metadata_for_build_wheel
print(prepare_metadata_for_build_wheel(sys.argv[1]))' "$pkg" | tail -n1) || die "scikit-build-core metadata failed"
rm -f "$pkg/$distinfo/RECORD"
printf 'Wheel-Version: 1.0\nGenerator: domoguard build_wheel_aarch64.sh\nRoot-Is-Purelib: false\nTag: cp312-abi3-linux_aarch64\n' \
  > "$pkg/$distinfo/WHEEL"
mkdir -p "$repo/build/wheel-aarch64"
rm -f "$repo"/build/wheel-aarch64/domoguard-*.whl
"$tools/bin/wheel" pack -d "$repo/build/wheel-aarch64" "$pkg" >/dev/null || die "wheel pack failed"
raw=("$repo"/build/wheel-aarch64/domoguard-*-cp312-abi3-linux_aarch64.whl)
[ -f "${raw[0]}" ] || die "wheel pack wrote no cp312-abi3-linux_aarch64 wheel"

# ---- the manylinux policy (auditwheel, abi3audit) ---------------------------------------------------------
shopt -s nullglob
rm -f "$repo"/build/release-wheels/domoguard-*_aarch64.whl
release=$(bash "$here/release_wheels.sh" "${raw[0]}" | tail -n1) || die "release_wheels.sh failed"

# ---- proof under emulation: the tag, the import, the binding's tests --------------------------------------
site="$work/site"
rm -rf "$site" && mkdir -p "$site"
"$pywrap" - "$release" <<'PY' || die "the arm64 Python does not accept the wheel's tag"
import sys
from packaging.tags import sys_tags
from packaging.utils import parse_wheel_filename
_, _, _, tags = parse_wheel_filename(sys.argv[1].rsplit("/", 1)[-1])
supported = set(sys_tags())
ok = [t for t in tags if t in supported]
print(f"[aarch64_wheel] the arm64 Python accepts {ok[0] if ok else 'none of'} {sorted(map(str, tags))}", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$release" "$site"
"$pywrap" -c '
import sys
sys.path.insert(0, sys.argv[1])
import domoguard, platform
core = domoguard.Core(db_path="", lang="en", port=None, live=True)
reply = core.handle({"type": "domoguard/catalog"})
assert reply["success"], reply
print(f"[aarch64_wheel] domoguard {domoguard.__version__} imports on {platform.machine()} Python {platform.python_version()}", file=sys.stderr)
' "$site" || die "the wheel does not import under qemu-aarch64"
t2=$(date +%s)
rc=0
PYTHONPATH="$site" PYTHONDONTWRITEBYTECODE=1 "$pywrap" -m pytest -p no:cacheprovider -q \
  --rootdir "$here" "$here/tests" "$@" >&2 || rc=$?
tests_s=$(( $(date +%s) - t2 ))
size=$(stat -c %s "$release")
{
  echo "aarch64 wheel, $(date -u +%FT%TZ), $(nproc) cores, -j$jobs"
  echo "  $(basename "$release"): $size bytes ($(( size / 1024 )) KiB)"
  echo "  build (cross, incl. stubs under qemu): ${build_s} s; total $(( $(date +%s) - t0 )) s"
  echo "  bindings/python/tests under qemu-aarch64 (Python $pyver): exit $rc in ${tests_s} s"
} | tee "$work/figures.txt" >&2
[ $rc -eq 0 ] || die "the binding's tests failed under qemu-aarch64"
echo "$release"
