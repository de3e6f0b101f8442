#!/usr/bin/env bash
# Lays out one DomoGuard release, ready to push, and checks it against the published rules:
#
#   tools/release.sh OUT_DIR [--wheels DIR] [--rev REV]
#
#   OUT_DIR/hacs-repo/     the integration's repository, as HACS reads it: hacs.json and README.md at
#                          its root, custom_components/domoguard/ (brand images in brand/, the panel
#                          bundle in frontend/) — exactly the files of the release zip
#   OUT_DIR/release/       the GitHub release's assets: domoguard.zip (hacs.json's filename, which
#                          HACS unpacks into custom_components/domoguard/), the wheels, SHA256SUMS
#   OUT_DIR/app-repo/      the app ("add-on") repository (manifests/addon/pack.sh)
#
# The wheels (default: every manylinux/musllinux wheel in build/release-wheels/: x86_64 from
# bindings/python/build_wheel.sh then release_wheels.sh, aarch64 from build_wheel_aarch64.sh, musl
# from build_wheel_musl.sh) must all carry the project's version; the integration's manifest
# is pinned to exactly that version (requirements: ["domoguard==V"]), and the wheels go to PyPI under it,
# which is where Home Assistant's pip finds them. Checks: tools/release_check.py (HACS's hacs.json and
# integration manifest schemas, one integration per repository, the zip's layout, brand images; the
# Supervisor's rules from tests/addon/supervisor_rules.py for the app repository). Exit 1 on any failure.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { printf '[release] %s\n' "$*" >&2; }
die() { printf '[release] ERROR: %s\n' "$*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 OUT_DIR [--wheels DIR] [--rev REV]"
out=$1
shift
wheels="$repo/build/release-wheels"
rev=""
while [ $# -gt 0 ]; do
  case "$1" in
    --wheels) wheels=$2; shift 2 ;;
    --rev) rev=$2; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
[ ! -e "$out" ] || [ -z "$(ls -A "$out")" ] || die "$out exists and is not empty"
mkdir -p "$out/hacs-repo/custom_components" "$out/release"
out=$(cd "$out" && pwd)

version=$(sed -n 's/^project(domoguard VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
[ -n "$version" ] || die "no project version in CMakeLists.txt"
say "DomoGuard $version"

# ---- the wheels the integration will require ----------------------------------------------------------
shopt -s nullglob
# Only wheels that meet a manylinux/musllinux policy (PyPI refuses plain linux_* tags).
found=("$wheels"/domoguard-*-manylinux_*.whl "$wheels"/domoguard-*-musllinux_*.whl)
[ ${#found[@]} -gt 0 ] || die "no manylinux/musllinux wheel in $wheels (bindings/python/build_wheel.sh, then release_wheels.sh)"
for w in "${found[@]}"; do
  wv=$(python3 - "$w" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    print(next(l.split(":", 1)[1].strip() for l in z.read(meta).decode().splitlines() if l.startswith("Version:")))
PY
)
  [ "$wv" = "$version" ] || die "$(basename "$w") is version $wv, not $version"
  cp "$w" "$out/release/"
  say "wheel $(basename "$w")"
done

# ---- the integration: the zip HACS installs, and the repository it comes from --------------------------
zip=$(bash "$repo/bindings/homeassistant/package.sh") || die "bindings/homeassistant/package.sh failed"
cp "$zip" "$out/release/domoguard.zip"
mkdir "$out/hacs-repo/custom_components/domoguard"
python3 - "$out/release/domoguard.zip" "$out/hacs-repo/custom_components/domoguard" "$version" <<'PY'
import json, sys, zipfile
from pathlib import Path
zip_path, dest, version = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
with zipfile.ZipFile(zip_path) as z:
    z.extractall(dest)
# The requirement is pinned to the wheels of this release (same version, published together).
manifest = dest / "manifest.json"
data = json.loads(manifest.read_text())
data["requirements"] = [f"domoguard=={version}"]
text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
manifest.write_text(text)
# The zip carries the same pinned manifest as the repository.
entries = {}
with zipfile.ZipFile(zip_path) as z:
    for info in z.infolist():
        entries[info.filename] = z.read(info.filename)
entries["manifest.json"] = text.encode()
with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(entries):
        z.writestr(name, entries[name])
PY
cp "$repo/bindings/homeassistant/hacs.json" "$out/hacs-repo/hacs.json"
cp "$repo/bindings/homeassistant/README.md" "$out/hacs-repo/README.md"

# ---- the app repository -----------------------------------------------------------------------------------
bash "$repo/manifests/addon/pack.sh" "$out/app-repo" ${rev:+"$rev"} >/dev/null || die "manifests/addon/pack.sh failed"

(cd "$out/release" && sha256sum -- * > SHA256SUMS)
python3 "$repo/tools/release_check.py" "$out" "$version" || die "the release does not pass the checks above"
say "release laid out in $out"
echo "$out"
