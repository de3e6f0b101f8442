#!/usr/bin/env bash
# Creates (or reuses) a Debian root that runs the pinned Home Assistant release, so DomoGuard's
# live tests talk to a real, current HA instead of a mock (see DESIGN.md "Real parts, not mocks").
#
#   tests/live/ha_root.sh            -> progress on stderr, the root's path as the last stdout line
#
# The root lives outside the checkout: ${DOMOGUARD_CACHE:-/var/cache/domoguard}/ha-root-<key>, with
# <key> derived from tests/live/versions.env, so a re-run with the same pins only checks a marker.
# It is built in a work folder and renamed into place when complete: an interrupted run never
# leaves a half root that looks finished. Needs root (debootstrap, chroot, mount).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

say() { printf '[ha_root] %s\n' "$*" >&2; }
die() { printf '[ha_root] ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot and mount need it)"

cache=${DOMOGUARD_CACHE:-/var/cache/domoguard}
key=$(printf '%s\n' "suite=$DEBIAN_SUITE" "python=$PYTHON" "ha=$HA_VERSION" "phacc=$PHACC_VERSION" \
        "uv=$UV_VERSION" "extra=$HA_EXTRA" "layout=1" | sha256sum | cut -c1-12)
root="$cache/ha-root-$key"
marker="$root/.domoguard-root-complete"

if [ -f "$marker" ]; then
    say "reusing $root (HA $HA_VERSION)"
    echo "$root"
    exit 0
fi

# Build inside a private mount namespace: the /proc and cache mounts below vanish with this process
# however it ends (even SIGKILL), so no mount is ever left behind on the host.
if [ "${DOMOGUARD_HA_ROOT_INNER:-}" != 1 ]; then
    exec env DOMOGUARD_HA_ROOT_INNER=1 unshare --mount --propagation private -- "$0" "$@"
fi

mkdir -p "$cache"
# One builder per key at a time; a second caller waits, then finds the finished root.
exec 9>"$cache/.ha-root-$key.lock"
flock 9
if [ -f "$marker" ]; then
    say "reusing $root (built by a concurrent run)"
    echo "$root"
    exit 0
fi

# --- host tools -----------------------------------------------------------------------------------
need_pkgs=()
command -v debootstrap >/dev/null || need_pkgs+=(debootstrap)
command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || need_pkgs+=(mosquitto)
command -v mosquitto_pub >/dev/null || need_pkgs+=(mosquitto-clients)
if [ ${#need_pkgs[@]} -gt 0 ]; then
    say "installing host packages: ${need_pkgs[*]}"
    apt-get update -qq >&2 || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >&2 \
        || die "apt-get install ${need_pkgs[*]} failed"
fi
script=/usr/share/debootstrap/scripts/sid
[ -f "$script" ] || die "debootstrap has no sid script at $script"

# --- mirror: the Debian archive this machine's apt already uses ------------------------------------
find_mirror() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '/^URIs:/{for(i=2;i<=NF;i++) print $i}' "$f"
    done
    [ -f /etc/apt/sources.list ] && awk '$1=="deb"{for(i=2;i<=NF;i++) if($i ~ /^[a-z]+:\/\//){print $i; break}}' /etc/apt/sources.list
    for f in /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '$1=="deb"{for(i=2;i<=NF;i++) if($i ~ /^[a-z]+:\/\//){print $i; break}}' "$f"
    done
}
mirror=${DOMOGUARD_DEBIAN_MIRROR:-$(find_mirror | grep -E '/debian/?$' | grep -v -- '-security' | head -n1 || true)}
[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d/*}; set DOMOGUARD_DEBIAN_MIRROR"

# --- build in a work folder -----------------------------------------------------------------------
work="$cache/.ha-root-$key.work"
mounts=()
cleanup() {
    local rc=$? m
    for m in "${mounts[@]}"; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
    if [ $rc -ne 0 ]; then
        say "build failed (exit $rc); removing $work"
        safe_rm_work
    fi
}
# Refuses to delete a folder that still has something mounted under it.
safe_rm_work() {
    if [ -d "$work" ]; then
        if awk -v w="$work/" 'index($2, w) == 1 {found=1} END {exit !found}' /proc/mounts; then
            say "leaving $work in place: something is still mounted under it"
            return
        fi
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A previous interrupted run (we hold the lock, so nobody else uses it).
safe_rm_work
mkdir -p "$work"
t0=$(date +%s)

# The pristine Debian base is kept as a tarball keyed by suite and Python, so a change of HA pins
# reinstalls only the venv. Delete it to pick up newer Debian packages.
base_tar="$cache/debian-$DEBIAN_SUITE-$PYTHON-base.tar"
if [ -f "$base_tar" ]; then
    say "unpacking cached Debian base $base_tar"
    tar -C "$work" -xpf "$base_tar" || die "cannot unpack $base_tar (delete it to rebuild)"
else
    say "debootstrap $DEBIAN_SUITE from $mirror (minbase + $PYTHON)"
    if ! debootstrap --variant=minbase --include="$PYTHON,$PYTHON-venv,ca-certificates" \
            "$DEBIAN_SUITE" "$work" "$mirror" "$script" >"$cache/.ha-root-$key.debootstrap.log" 2>&1; then
        tail -n 20 "$cache/.ha-root-$key.debootstrap.log" >&2 || true
        die "debootstrap failed; full log: $cache/.ha-root-$key.debootstrap.log"
    fi
    say "debootstrap done in $(( $(date +%s) - t0 )) s"
    tar -C "$work" --one-file-system -cpf "$base_tar.tmp" . && mv "$base_tar.tmp" "$base_tar" \
        || say "warning: could not cache the Debian base (continuing)"
fi
cp -L /etc/resolv.conf "$work/etc/resolv.conf"
# Trust what the host trusts: local CAs (e.g. a site's egress proxy) are needed to reach PyPI.
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    mkdir -p "$work/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$work/usr/local/share/ca-certificates/"
    chroot "$work" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in the root"
fi

mount -t proc proc "$work/proc"; mounts+=("$work/proc")
mkdir -p "$cache/uv-cache" "$work/var/cache/uv-shared"
mount --bind "$cache/uv-cache" "$work/var/cache/uv-shared"; mounts+=("$work/var/cache/uv-shared")

in_root() { chroot "$work" /usr/bin/env -i PATH=/opt/ha/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
    UV_CACHE_DIR=/var/cache/uv-shared UV_LINK_MODE=copy \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt UV_NATIVE_TLS=1 "$@"; }

say "creating venv /opt/ha with $PYTHON"
in_root "$PYTHON" -m venv /opt/ha || die "venv creation failed"
in_root /opt/ha/bin/python -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" >&2 \
    || die "pip install uv==$UV_VERSION failed"
say "installing homeassistant==$HA_VERSION pytest-homeassistant-custom-component==$PHACC_VERSION $HA_EXTRA"
t1=$(date +%s)
# shellcheck disable=SC2086
in_root uv pip install --python /opt/ha/bin/python --quiet \
    "homeassistant==$HA_VERSION" "pytest-homeassistant-custom-component==$PHACC_VERSION" $HA_EXTRA >&2 \
    || die "installing Home Assistant into the venv failed"
say "packages installed in $(( $(date +%s) - t1 )) s"
got=$(in_root /opt/ha/bin/python -c 'from homeassistant.const import __version__; print(__version__)') \
    || die "homeassistant does not import inside the root"
[ "$got" = "$HA_VERSION" ] || die "root has homeassistant $got, expected $HA_VERSION"

for m in "${mounts[@]}"; do umount "$m" || die "cannot unmount $m"; done
mounts=()

printf 'HA_VERSION=%s\nPHACC_VERSION=%s\nBUILT=%s\n' "$HA_VERSION" "$PHACC_VERSION" "$(date -u +%FT%TZ)" \
    >"$work/.domoguard-root-complete"
mv -T "$work" "$root"
say "root ready at $root in $(( $(date +%s) - t0 )) s"
echo "$root"
