#!/usr/bin/env bash
# Creates (or reuses) a Debian arm64 root with CPython >= 3.12 (Debian 13 "trixie": Python 3.13),
# its headers and pytest, run on this amd64 machine through qemu-user-static. The aarch64 wheel
# (bindings/python/build_wheel_aarch64.sh) compiles against its Python headers with the cross
# toolchain, and runs nanobind's stub generation, the import and the binding's tests in it.
#
#   tests/arm64/python_root.sh      -> progress on stderr, the root's path as the last stdout line
#
# The root lives in ${DOMOGUARD_CACHE:-/var/cache/domoguard}/arm64-py-root-<key> (key: suite and
# package list); it is built in a work folder (the packages debootstrap downloads, unpacked) and
# renamed into place when complete. Programs in it run with qemu-aarch64-static and QEMU_LD_PREFIX
# pointing at it (no chroot). Needs root (debootstrap).
set -euo pipefail
say() { printf '[arm64_python_root] %s\n' "$*" >&2; }
die() { printf '[arm64_python_root] ERROR: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (debootstrap needs it)"

SUITE=trixie
PACKAGES="python3,python3-pytest,libpython3-dev"
cache=${DOMOGUARD_CACHE:-/var/cache/domoguard}
key=$(printf '%s\n' "suite=$SUITE" "packages=$PACKAGES" "layout=1" | sha256sum | cut -c1-12)
root="$cache/arm64-py-root-$key"
if [ -f "$root/.domoguard-root-complete" ]; then
    say "reusing $root"
    echo "$root"
    exit 0
fi

need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
[ -x /usr/bin/qemu-aarch64-static ] || need+=(qemu-user-static binfmt-support)
if [ ${#need[@]} -gt 0 ]; then
    say "installing host packages: ${need[*]}"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 \
        || die "apt-get install ${need[*]} failed"
fi
[ -f /usr/share/debootstrap/scripts/$SUITE ] || die "debootstrap knows no $SUITE"
if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
fi
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null \
    || die "binfmt_misc cannot run arm64 programs here (qemu-user-static, binfmt-support): subprocesses need it"
mirror=${DOMOGUARD_DEBIAN_MIRROR:-http://deb.debian.org/debian}

mkdir -p "$cache"
exec 9>"$cache/.arm64-py-root-$key.lock"
flock 9
if [ -f "$root/.domoguard-root-complete" ]; then echo "$root"; exit 0; fi
work="$cache/.arm64-py-root-$key.work"
log="$cache/.arm64-py-root-$key.log"
rm -rf "$work"
trap '[ -f "$work/.domoguard-root-complete" ] || rm -rf "$work"' EXIT
t0=$(date +%s)
say "debootstrap --download-only --arch arm64 $SUITE ($PACKAGES) from $mirror"
debootstrap --download-only --arch=arm64 --variant=minbase --include="$PACKAGES" "$SUITE" "$work" "$mirror" >"$log" 2>&1 \
    || { tail -n 20 "$log" >&2; die "debootstrap --download-only failed; log: $log"; }
# The packages are unpacked, not configured: running their maintainer scripts under emulation
# (debootstrap's second stage) takes most of an hour on two shared cores, and Python needs only its
# files. The layout is Debian 13's merged /usr.
say "unpacking $(ls "$work"/var/cache/apt/archives/*.deb | wc -l) packages (downloaded in $(( $(date +%s) - t0 )) s)"
for d in bin sbin lib; do ln -s "usr/$d" "$work/$d"; done
mkdir -p "$work/usr/bin" "$work/usr/sbin" "$work/usr/lib"
for deb in "$work"/var/cache/apt/archives/*.deb; do
    dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink -C "$work" || die "cannot unpack $deb"
done
rm -rf "$work/var/cache/apt/archives/"*.deb
py() { QEMU_LD_PREFIX="$work" qemu-aarch64-static "$work/usr/bin/python3" "$@"; }
ver=$(py -c 'import sys; print("%d.%d" % sys.version_info[:2])') \
    || die "python3 does not run in the arm64 root"
py -c 'import sys; sys.exit(sys.version_info < (3, 12))' || die "python3 $ver < 3.12"
[ -f "$work/usr/include/python$ver/Python.h" ] || die "no Python.h for $ver in the root"
printf 'SUITE=%s\nPYTHON=%s\nBUILT=%s\n' "$SUITE" "$ver" "$(date -u +%FT%TZ)" >"$work/.domoguard-root-complete"
mv -T "$work" "$root"
say "root ready at $root (Python $ver) in $(( $(date +%s) - t0 )) s"
echo "$root"
