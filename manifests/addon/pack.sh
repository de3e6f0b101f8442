#!/usr/bin/env bash
# Lays out the publishable DomoGuard app repository in OUT_DIR: repository.yaml, README.md and the
# app folder domoguard/ from this folder, plus DomoGuard's sources in domoguard/src/ (the Docker
# build context the Supervisor gets is the app folder alone, so the sources must be inside it).
#
#   manifests/addon/pack.sh OUT_DIR [REV]
#
# With REV (a commit or tag) the files come from that commit; without it, from the work tree (the
# files git tracks or would track, so nothing ignored such as node_modules or build output).
#
# Push OUT_DIR to the repository that households add in Home Assistant (Settings → Apps → ⋮ →
# Repositories). tests/addon/test_addon_files.py packs into a temporary folder and checks the result.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 OUT_DIR [REV]" >&2; exit 2; }
out=$1
rev=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
[ ! -e "$out" ] || [ -z "$(ls -A "$out")" ] || { echo "$out exists and is not empty" >&2; exit 2; }
mkdir -p "$out/domoguard/src"

# copy DEST PATH...: the files under PATH... at REV (or in the work tree) into DEST, keeping their paths.
copy() {
  _dest=$1
  shift
  if [ -n "$rev" ]; then
    git -C "$repo" archive "$rev" "$@" | tar -x -C "$_dest"
  else
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard -- "$@" |
      while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
      tar -c --null -T - -f -) | tar -x -C "$_dest"
  fi
}
exists() {  # exists PATH: PATH is at REV (or in the work tree)
  if [ -n "$rev" ]; then
    [ -n "$(git -C "$repo" ls-tree --name-only "$rev" -- "$1")" ]
  else
    [ -n "$(cd "$repo" && git ls-files --cached --others --exclude-standard -- "$1" | head -n 1)" ]
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
copy "$tmp" manifests/addon
cp -R "$tmp/manifests/addon/." "$out/"
rm -f "$out/pack.sh" "$out/make_images.py"

# What the daemon's build needs: the CMake project, the core and hosts, the embedded data, the
# locales and the panel. Only paths that exist at REV (the panel may not yet).
paths=""
for p in CMakeLists.txt cmake plugin locales ui-panel \
         manifests/catalog manifests/demo manifests/policy manifests/profiles; do
  if exists "$p"; then paths="$paths $p"; fi
done
# shellcheck disable=SC2086
copy "$out/domoguard/src" $paths
git -C "$repo" rev-parse "${rev:-HEAD}" > "$out/domoguard/src/REVISION"
echo "$out"
