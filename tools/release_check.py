#!/usr/bin/env python3
"""Checks a release laid out by tools/release.sh against HACS's and the Supervisor's published rules.

    python3 tools/release_check.py OUT_DIR VERSION      -> one line per check; exit 1 if any fails

HACS (hacs/integration, custom_components/hacs/utils/validate.py and validate/*.py):
- hacs.json at the repository's root, valid against HACS_MANIFEST_JSON_SCHEMA (only `name` required;
  no other keys than the schema's; `zip_release` needs `filename`);
- exactly one integration under custom_components/, whose manifest.json has the keys
  INTEGRATION_MANIFEST_JSON_SCHEMA requires (codeowners, documentation, domain, issue_tracker, name,
  version) and whose domain is its folder's name;
- `render_readme`: a README.md at the root; brand images in custom_components/<domain>/brand/;
- the release zip named by `filename` unpacks into custom_components/<domain>/: manifest.json at its
  root, no folder around it, the same files as the repository.
Home Assistant's pip installs the manifest's requirements: here exactly `domoguard==VERSION`, and
each wheel in the release is that version. The app repository is checked with
tests/addon/supervisor_rules.py (the Supervisor's rules, restated from its source).
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import sys
import zipfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests/addon"))
import supervisor_rules as rules  # noqa: E402

HACS_JSON_KEYS = {"content_in_root": bool, "country": (str, list), "filename": str, "hacs": str,
                  "hide_default_branch": bool, "homeassistant": str, "persistent_directory": str,
                  "render_readme": bool, "zip_release": bool, "name": str}
MANIFEST_REQUIRED = ("codeowners", "documentation", "domain", "issue_tracker", "name", "version")


def check_hacs_json(data: object) -> list[str]:
    if not isinstance(data, dict):
        return ["hacs.json is not an object"]
    errs = [f"hacs.json: unknown key {k!r}" for k in data if k not in HACS_JSON_KEYS]
    errs += [f"hacs.json: {k} must be {HACS_JSON_KEYS[k]}" for k, v in data.items()
             if k in HACS_JSON_KEYS and not isinstance(v, HACS_JSON_KEYS[k])]
    if not isinstance(data.get("name"), str) or not data.get("name"):
        errs.append("hacs.json: name is required")
    if data.get("zip_release") and not data.get("filename"):
        errs.append("hacs.json: zip_release needs filename")
    return errs


def check_hacs_repo(root: Path, release: Path, version: str) -> list[str]:
    errs: list[str] = []
    if not (root / "hacs.json").is_file():
        return ["no hacs.json at the repository's root"]
    hacs = json.loads((root / "hacs.json").read_text())
    errs += check_hacs_json(hacs)
    if hacs.get("render_readme") and not (root / "README.md").is_file():
        errs.append("render_readme without a README.md at the root")
    integrations = sorted(p for p in (root / "custom_components").iterdir() if p.is_dir())
    if len(integrations) != 1:
        return errs + [f"custom_components/ holds {len(integrations)} integrations, HACS manages one"]
    comp = integrations[0]
    manifest = json.loads((comp / "manifest.json").read_text())
    errs += [f"manifest.json: {k} is required" for k in MANIFEST_REQUIRED if not manifest.get(k)]
    if not isinstance(manifest.get("codeowners"), list):
        errs.append("manifest.json: codeowners must be a list")
    if manifest.get("domain") != comp.name:
        errs.append(f"manifest.json: domain {manifest.get('domain')!r} is not the folder's name {comp.name!r}")
    if manifest.get("version") != version:
        errs.append(f"manifest.json: version {manifest.get('version')} is not the release's {version}")
    if manifest.get("requirements") != [f"domoguard=={version}"]:
        errs.append(f"manifest.json: requirements {manifest.get('requirements')} are not pinned to domoguard=={version}")
    for name, shape in (("icon.png", (256, 256)), ("icon@2x.png", (512, 512)), ("logo.png", None)):
        p = comp / "brand" / name
        if not p.is_file():
            errs.append(f"brand/{name} is missing")
            continue
        data = p.read_bytes()
        if data[:8] != b"\x89PNG\r\n\x1a\n":
            errs.append(f"brand/{name} is not a PNG")
        elif shape and struct.unpack("!II", data[16:24]) != shape:
            errs.append(f"brand/{name} is not {shape[0]}x{shape[1]}")
    if not (comp / "frontend/domoguard-panel.js").is_file():
        errs.append("the panel bundle frontend/domoguard-panel.js is missing")
    if hacs.get("zip_release") and isinstance(hacs.get("filename"), str):
        zpath = release / hacs["filename"]
        if not zpath.is_file():
            return errs + [f"the release has no {hacs['filename']}"]
        with zipfile.ZipFile(zpath) as z:
            names = {n for n in z.namelist() if not n.endswith("/")}
            if "manifest.json" not in names:
                errs.append(f"{hacs['filename']}: manifest.json is not at the zip's root")
            repo_files = {p.relative_to(comp).as_posix() for p in comp.rglob("*") if p.is_file()}
            if names != repo_files:
                errs.append(f"{hacs['filename']} and custom_components/{comp.name}/ differ: "
                            f"{sorted(names ^ repo_files)[:5]}")
            for n in names & repo_files:
                if z.read(n) != (comp / n).read_bytes():
                    errs.append(f"{hacs['filename']}: {n} differs from the repository's")
    return errs


def check_wheels(release: Path, version: str) -> list[str]:
    errs: list[str] = []
    wheels = sorted(release.glob("domoguard-*.whl"))
    if not wheels:
        errs.append("no domoguard wheel in the release")
    for w in wheels:
        m = re.fullmatch(r"domoguard-([^-]+)-(cp\d+)-(abi3)-(.+)\.whl", w.name)
        if not m or m.group(1) != version:
            errs.append(f"{w.name}: not a domoguard {version} stable-ABI wheel")
        elif not re.fullmatch(r"(many|musl)linux_\d+_\d+_(x86_64|aarch64)", m.group(4)):
            # PyPI refuses plain linux_* tags: a wheel must meet a manylinux or musllinux policy.
            errs.append(f"{w.name}: platform tag {m.group(4)} is not a manylinux/musllinux tag")
    sums = release / "SHA256SUMS"
    if sums.is_file():
        for line in sums.read_text().splitlines():
            digest, name = line.split(maxsplit=1)
            f = release / name.lstrip("*")
            if not f.is_file():
                errs.append(f"SHA256SUMS: {name} is not in the release")
            elif hashlib.sha256(f.read_bytes()).hexdigest() != digest:
                errs.append(f"SHA256SUMS: {name} does not match")
    else:
        errs.append("no SHA256SUMS")
    return errs


def check_app_repo(root: Path, version: str) -> list[str]:
    errs: list[str] = []
    repos, apps = rules.repository_files(root)
    if [p.relative_to(root).as_posix() for p in repos] != ["repository.yaml"]:
        errs.append(f"repository files: {repos}")
    else:
        errs += rules.check_repository(yaml.safe_load((root / "repository.yaml").read_text()))
    if [p.relative_to(root).as_posix() for p in apps] != ["domoguard/config.yaml"]:
        return errs + [f"apps found: {[p.relative_to(root).as_posix() for p in apps]}"]
    app = root / "domoguard"
    config = yaml.safe_load((app / "config.yaml").read_text())
    errs += rules.check_config(config)
    if config.get("version") != version:
        errs.append(f"config.yaml: version {config.get('version')} is not the release's {version}")
    for t in sorted((app / "translations").glob("*.yaml")):
        errs += [f"{t.name}: {e}" for e in rules.check_translation(yaml.safe_load(t.read_text()), config["schema"])]
    errs += rules.check_apparmor((app / "apparmor.txt").read_text(), config["slug"])
    if not (app / "Dockerfile").is_file() or not (app / "src/CMakeLists.txt").is_file():
        errs.append("the app folder lacks its Dockerfile or its sources (src/)")
    if list(app.glob("build.*")):
        errs.append("build.yaml is deprecated: the Dockerfile names its base image")
    return errs


def main() -> int:
    out, version = Path(sys.argv[1]), sys.argv[2]
    failed = False
    for name, errs in (("HACS repository", check_hacs_repo(out / "hacs-repo", out / "release", version)),
                       ("wheels", check_wheels(out / "release", version)),
                       ("app repository", check_app_repo(out / "app-repo", version))):
        print(f"[release] {name}: {'ok' if not errs else 'FAILED'}", file=sys.stderr)
        for e in errs:
            print(f"[release]   {e}", file=sys.stderr)
        failed |= bool(errs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
