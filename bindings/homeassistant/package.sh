#!/usr/bin/env bash
# Packages the DomoGuard integration for HACS:
#   1. builds the panel bundle if it is missing (ui-panel: npm ci + vite build),
#   2. copies it into custom_components/domoguard/frontend/ (gitignored; the integration serves it),
#   3. checks the translations are current (gen_translations.py --check),
#   4. writes build/domoguard.zip — the contents of custom_components/domoguard, as HACS unpacks a
#      zip_release into custom_components/domoguard/ (hacs.json: zip_release, filename domoguard.zip).
#
#   bash bindings/homeassistant/package.sh        -> prints the zip's path and size
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
component="$here/custom_components/domoguard"
bundle="$repo/ui-panel/dist/domoguard-panel.js"
say() { printf '[package] %s\n' "$*" >&2; }
die() { printf '[package] ERROR: %s\n' "$*" >&2; exit 1; }

if [ ! -f "$bundle" ]; then
    command -v npm >/dev/null || die "no $bundle and no npm to build it (apt-get install npm)"
    say "building the panel bundle (ui-panel)"
    (cd "$repo/ui-panel" && npm ci --no-audit --no-fund >&2 && npx vite build >&2) || die "panel build failed"
fi
[ -f "$bundle" ] || die "the panel build did not produce $bundle"
mkdir -p "$component/frontend"
cp "$bundle" "$component/frontend/domoguard-panel.js"
[ -f "$bundle.map" ] && cp "$bundle.map" "$component/frontend/" || true
say "panel bundle: $(stat -c %s "$component/frontend/domoguard-panel.js") bytes"

python3 "$here/gen_translations.py" --check || die "translations are stale: run bindings/homeassistant/gen_translations.py"

mkdir -p "$repo/build"
zip="$repo/build/domoguard.zip"
rm -f "$zip"
python3 - "$component" "$zip" <<'PY'
import sys, zipfile
from pathlib import Path
src, out = Path(sys.argv[1]), Path(sys.argv[2])
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for p in sorted(src.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".map"):
            z.write(p, p.relative_to(src).as_posix())
PY
say "HACS release: $zip ($(stat -c %s "$zip") bytes)"
echo "$zip"
