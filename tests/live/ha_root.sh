#!/usr/bin/env bash
# Creates (or reuses) a Debian root that runs the pinned Home Assistant release, so DomoGuard's
# live tests talk to a real, current HA instead of a mock (see DESIGN.md "Real parts, not mocks").
#
#   tests/live/ha_root.sh            -> progress on stderr, the root's path as the last stdout line
#   tests/live/ha_root.sh PINS       -> the same for an older release line, e.g.
#                                       tests/live/versions-2024.3.env (bookworm, Python 3.11)
#
# The root lives outside the checkout: ${DOMOGUARD_CACHE:-/var/cache/domoguard}/ha-root-<key>, with
# <key> derived from the pins file (tests/live/versions.env unless one is given), so a re-run with
# the same pins only checks a marker.
#
# A pins file sets DEBIAN_SUITE, PYTHON, HA_VERSION, UV_VERSION and HA_EXTRA, and optionally
# PHACC_VERSION (pytest-homeassistant-custom-component; only the current line needs it) and
# HA_COMPONENTS: integrations whose requirements (and those of their dependencies and
# after-dependencies) are installed at the versions that release's own
# manifests pin (read from the installed homeassistant package, with its package_constraints.txt),
# so an older release needs no hand-kept list of pins; DEBIAN_EXTRA: Debian packages added to the
# root (a compiler where a requirement has no wheel for that Python).
# It is built in a work folder and renamed into place when complete: an interrupted run never
# leaves a half root that looks finished. Needs root (debootstrap, chroot, mount).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pins=${1:-$here/versions.env}
[ -f "$pins" ] || { printf '[ha_root] ERROR: no pins file %s\n' "$pins" >&2; exit 1; }
pins=$(cd "$(dirname "$pins")" && pwd)/$(basename "$pins")
PHACC_VERSION=""
HA_COMPONENTS=""
DEBIAN_EXTRA=""
# shellcheck source=versions.env
source "$pins"

say() { printf '[ha_root] %s\n' "$*" >&2; }
die() { printf '[ha_root] ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot and mount need it)"

cache=${DOMOGUARD_CACHE:-/var/cache/domoguard}
key=$(printf '%s\n' "suite=$DEBIAN_SUITE" "python=$PYTHON" "ha=$HA_VERSION" "phacc=$PHACC_VERSION" \
        "uv=$UV_VERSION" "extra=$HA_EXTRA" "layout=1" \
        ${HA_COMPONENTS:+"components=$HA_COMPONENTS"} ${DEBIAN_EXTRA:+"debian_extra=$DEBIAN_EXTRA"} \
        | sha256sum | cut -c1-12)
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
    exec env DOMOGUARD_HA_ROOT_INNER=1 unshare --mount --propagation private -- "$0" "$pins"
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
# Debian 12's debootstrap knows bookworm and trixie by name; newer suites (forky) use sid's script.
script=/usr/share/debootstrap/scripts/$DEBIAN_SUITE
[ -f "$script" ] || script=/usr/share/debootstrap/scripts/sid
[ -f "$script" ] || die "debootstrap has no script for $DEBIAN_SUITE nor sid in /usr/share/debootstrap/scripts"

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
# A plain minbase root of the suite that tests/addon/image_root.py keeps (bookworm): Python is
# added to it with the root's own apt, which is quicker and sturdier than a second debootstrap.
minbase_tar="$cache/debian-$DEBIAN_SUITE-minbase.tar"
if [ -f "$base_tar" ]; then
    say "unpacking cached Debian base $base_tar"
    tar -C "$work" -xpf "$base_tar" || die "cannot unpack $base_tar (delete it to rebuild)"
elif [ -f "$minbase_tar" ]; then
    say "adding $PYTHON to the cached $DEBIAN_SUITE minbase root $minbase_tar"
    tar -C "$work" -xpf "$minbase_tar" || die "cannot unpack $minbase_tar"
    cp -L /etc/resolv.conf "$work/etc/resolv.conf"
    mount -t proc proc "$work/proc"; mounts+=("$work/proc")
    chroot "$work" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $PYTHON $PYTHON-venv ca-certificates \
               && apt-get clean" >"$cache/.ha-root-$key.debootstrap.log" 2>&1 \
        || { tail -n 20 "$cache/.ha-root-$key.debootstrap.log" >&2; die "apt-get install $PYTHON in the $DEBIAN_SUITE root failed"; }
    umount "$work/proc" && mounts=()
    tar -C "$work" --one-file-system -cpf "$base_tar.tmp" . && mv "$base_tar.tmp" "$base_tar" \
        || say "warning: could not cache the Debian base (continuing)"
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
if [ -n "$DEBIAN_EXTRA" ]; then
    # Debian packages a release needs beyond Python, e.g. a compiler for a requirement that has no
    # wheel for this Python (HA 2025.12's lru-dict 1.3.0 on 3.13).
    say "installing Debian packages into the root: $DEBIAN_EXTRA"
    chroot "$work" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $DEBIAN_EXTRA && apt-get clean" \
        >"$cache/.ha-root-$key.apt.log" 2>&1 \
        || { tail -n 20 "$cache/.ha-root-$key.apt.log" >&2; die "apt-get install $DEBIAN_EXTRA in the root failed"; }
fi
mkdir -p "$cache/uv-cache" "$work/var/cache/uv-shared"
mount --bind "$cache/uv-cache" "$work/var/cache/uv-shared"; mounts+=("$work/var/cache/uv-shared")

in_root() { chroot "$work" /usr/bin/env -i PATH=/opt/ha/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
    UV_CACHE_DIR=/var/cache/uv-shared UV_LINK_MODE=copy \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt UV_NATIVE_TLS=1 "$@"; }

say "creating venv /opt/ha with $PYTHON"
in_root "$PYTHON" -m venv /opt/ha || die "venv creation failed"
in_root /opt/ha/bin/python -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" >&2 \
    || die "pip install uv==$UV_VERSION failed"
phacc=()
[ -n "$PHACC_VERSION" ] && phacc=("pytest-homeassistant-custom-component==$PHACC_VERSION")
say "installing homeassistant==$HA_VERSION ${phacc[*]} $HA_EXTRA"
t1=$(date +%s)
# shellcheck disable=SC2086
in_root uv pip install --python /opt/ha/bin/python --quiet \
    "homeassistant==$HA_VERSION" "${phacc[@]}" $HA_EXTRA >&2 \
    || die "installing Home Assistant into the venv failed"
if [ -n "$HA_COMPONENTS" ]; then
    # The requirements of these integrations and of what they depend on (or load after), as this
    # release pins them.
    # shellcheck disable=SC2086
    reqs=$(in_root /opt/ha/bin/python - $HA_COMPONENTS <<'PY'
import json, sys
from pathlib import Path
import homeassistant
comp = Path(homeassistant.__file__).parent / "components"
seen, todo, reqs = set(), list(sys.argv[1:]), set()
while todo:
    d = todo.pop()
    if d in seen:
        continue
    seen.add(d)
    m = json.loads((comp / d / "manifest.json").read_text())
    reqs.update(m.get("requirements", []))
    # after_dependencies too: they are imported when present, e.g. mobile_app -> cloud -> alexa
    # -> camera -> stream (numpy, PyAV) in HA 2024.3.
    todo += m.get("dependencies", []) + m.get("after_dependencies", [])
print("\n".join(sorted(reqs)))
PY
) || die "cannot read the manifests of: $HA_COMPONENTS"
    say "installing the requirements of $HA_COMPONENTS: $(echo $reqs)"
    # shellcheck disable=SC2086
    in_root uv pip install --python /opt/ha/bin/python --quiet \
        --constraint /opt/ha/lib/$PYTHON/site-packages/homeassistant/package_constraints.txt $reqs >&2 \
        || die "installing the integrations' requirements failed"
fi
say "packages installed in $(( $(date +%s) - t1 )) s"
got=$(in_root /opt/ha/bin/python -c 'from homeassistant.const import __version__; print(__version__)') \
    || die "homeassistant does not import inside the root"
[ "$got" = "$HA_VERSION" ] || die "root has homeassistant $got, expected $HA_VERSION"

for m in "${mounts[@]}"; do umount "$m" || die "cannot unmount $m"; done
mounts=()

printf 'HA_VERSION=%s\nPHACC_VERSION=%s\nPYTHON=%s\nDEBIAN_SUITE=%s\nBUILT=%s\n' "$HA_VERSION" "$PHACC_VERSION" \
    "$PYTHON" "$DEBIAN_SUITE" "$(date -u +%FT%TZ)" \
    >"$work/.domoguard-root-complete"
mv -T "$work" "$root"
say "root ready at $root in $(( $(date +%s) - t0 )) s"
echo "$root"
