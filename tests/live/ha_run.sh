#!/usr/bin/env bash
# Runs a command inside the Home Assistant root built by ha_root.sh, with /proc and /dev mounted.
#
#   tests/live/ha_run.sh ROOT COMMAND [ARGS...]
#   e.g. tests/live/ha_run.sh "$root" /opt/ha/bin/hass -c /var/tmp/ha-config --skip-pip
#
# The mounts are made in a private mount namespace that exists only as long as COMMAND runs, so they
# vanish with it even if it is killed with SIGKILL: no mount is ever left behind on the host.
# COMMAND replaces this script (exec), so the caller's pid is COMMAND's pid and signals reach it.
# The root shares the host's network; callers bind only 127.0.0.1.
set -euo pipefail

die() { printf '[ha_run] ERROR: %s\n' "$*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: ha_run.sh ROOT COMMAND [ARGS...]"
[ "$(id -u)" = 0 ] || die "must run as root (chroot and mount need it)"
root=$1; shift
[ -f "$root/.domoguard-root-complete" ] || die "$root is not a finished HA root (run tests/live/ha_root.sh)"

if [ "${DOMOGUARD_HA_RUN_INNER:-}" != 1 ]; then
    exec env DOMOGUARD_HA_RUN_INNER=1 unshare --mount --propagation private -- "$0" "$root" "$@"
fi

# From here on we are in the private mount namespace.
mount -t proc proc "$root/proc" || die "cannot mount /proc in $root"
mount --rbind /dev "$root/dev" || die "cannot bind /dev into $root"
exec chroot "$root" /usr/bin/env -i PATH=/opt/ha/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 TZ=UTC \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt "$@"
