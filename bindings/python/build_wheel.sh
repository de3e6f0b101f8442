#!/usr/bin/env bash
# Builds the domoguard wheel (domoguard._core, stable ABI cp312-abi3) inside the Debian forky root
# that runs the pinned Home Assistant (tests/live/ha_root.sh), i.e. with HA's own Python 3.14.
#
#   bash bindings/python/build_wheel.sh        -> build/wheel/domoguard-<v>-cp312-abi3-linux_x86_64.whl
#
# Once per root (cached by a marker keyed by the package list): apt-get installs the compiler and the
# core's -dev packages into the root, and a build venv /opt/dg-build gets the pinned scikit-build-core
# and nanobind from PyPI. Each run bind-mounts this checkout at /src/domoguard in the root (in a
# private mount namespace that vanishes with the run) and runs `pip wheel --no-build-isolation`
# there, with the CMake build folder kept in ${DOMOGUARD_CACHE:-/var/cache/domoguard}/wheel-build,
# so a repeat run only rebuilds what changed. Needs root (chroot, mount), like ha_root.sh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
say() { printf '[build_wheel] %s\n' "$*" >&2; }
die() { printf '[build_wheel] ERROR: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (chroot and mount need it)"
t0=$(date +%s)

# Pinned build requirements (also in pyproject.toml's build-system.requires: keep them equal).
SKBUILD_VERSION=1.1.2
NANOBIND_VERSION=3.1.0
APT_PACKAGES="g++ cmake ninja-build python3.14-dev libboost-json-dev libsqlitecpp-dev libsqlite3-dev libssl-dev zlib1g-dev libzstd-dev"
grep -q "scikit-build-core==$SKBUILD_VERSION" "$here/pyproject.toml" && grep -q "nanobind==$NANOBIND_VERSION" "$here/pyproject.toml" \
    || die "build_wheel.sh and pyproject.toml pin different scikit-build-core/nanobind versions"

cache=${DOMOGUARD_CACHE:-/var/cache/domoguard}
root=$(bash "$repo/tests/live/ha_root.sh") || die "tests/live/ha_root.sh failed"
[ -f "$root/.domoguard-root-complete" ] || die "no finished HA root at $root"
run() { bash "$repo/tests/live/ha_run.sh" "$root" "$@"; }

# --- build tools in the root, once ---------------------------------------------------------------
key=$(printf '%s\n' "$APT_PACKAGES" "skbuild=$SKBUILD_VERSION" "nanobind=$NANOBIND_VERSION" "layout=1" | sha256sum | cut -c1-12)
marker="$root/.domoguard-build-tools-$key"
exec 9>"$cache/.build-tools.lock"
flock 9
if [ ! -f "$marker" ]; then
    say "installing build tools into $root (once): $APT_PACKAGES"
    t1=$(date +%s)
    # The root's apt lists come from a snapshot mirror whose Release file may be past its Valid-Until.
    apt_opts=(-o Acquire::Check-Valid-Until=false -o Acquire::Check-Date=false)
    run apt-get "${apt_opts[@]}" update -qq >&2 || die "apt-get update in the root failed"
    # shellcheck disable=SC2086
    run env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends $APT_PACKAGES >&2 \
        || die "apt-get install in the root failed"
    run /usr/bin/python3.14 -m venv /opt/dg-build || die "cannot create the build venv /opt/dg-build"
    run /opt/dg-build/bin/python -m pip install -q --disable-pip-version-check \
        "scikit-build-core==$SKBUILD_VERSION" "nanobind==$NANOBIND_VERSION" >&2 \
        || die "pip install scikit-build-core/nanobind failed"
    printf 'APT=%s\nSKBUILD=%s\nNANOBIND=%s\nBUILT=%s\n' "$APT_PACKAGES" "$SKBUILD_VERSION" "$NANOBIND_VERSION" \
        "$(date -u +%FT%TZ)" >"$marker"
    say "build tools ready in $(( $(date +%s) - t1 )) s"
fi
flock -u 9

# --- the wheel ------------------------------------------------------------------------------------
# One CMake folder per checkout: several checkouts (worktrees) share the mount point /src/domoguard,
# so a shared folder would take another checkout's newer object files as up to date for this one.
builddir="$cache/wheel-build/$(printf '%s' "$repo" | sha1sum | cut -c1-12)"
mkdir -p "$builddir" "$root/src/domoguard" "$root/var/cache/dg-wheel-build" "$repo/build/wheel"
exec 8>"$cache/.wheel-build.lock"
flock 8            # one build at a time shares the CMake folder
stage=$(mktemp -d "$repo/build/wheel/.tmp.XXXXXX")
trap 'rm -rf "$stage"' EXIT
rel_stage=${stage#"$repo"/}
say "building the wheel from $repo in $root"
t2=$(date +%s)
# Private mount namespace: the checkout and the build cache appear inside the root for this command only.
unshare --mount --propagation private -- bash -c '
    set -e
    mount --bind "$1" "$2/src/domoguard"
    mount --bind "$3" "$2/var/cache/dg-wheel-build"
    exec bash "$4/tests/live/ha_run.sh" "$2" /usr/bin/env MAKEFLAGS=-j2 CMAKE_BUILD_PARALLEL_LEVEL=2 \
        /opt/dg-build/bin/python -m pip wheel --no-deps --no-build-isolation --disable-pip-version-check -q \
        -C build-dir=/var/cache/dg-wheel-build -w "/src/domoguard/$5" /src/domoguard/bindings/python
' _ "$repo" "$root" "$builddir" "$repo" "$rel_stage" >&2 || die "pip wheel failed (see above)"

shopt -s nullglob
built=("$stage"/domoguard-*.whl)
[ ${#built[@]} -eq 1 ] || die "expected one wheel, found ${#built[@]}"
name=$(basename "${built[0]}")
for old in "$repo"/build/wheel/domoguard-*.whl; do [ "$(basename "$old")" = "$name" ] || rm -f "$old"; done
mv "${built[0]}" "$repo/build/wheel/$name"
size=$(stat -c %s "$repo/build/wheel/$name")
say "wheel built in $(( $(date +%s) - t2 )) s (total $(( $(date +%s) - t0 )) s)"
printf '%s %s bytes (%s KiB)\n' "build/wheel/$name" "$size" "$(( size / 1024 ))"
