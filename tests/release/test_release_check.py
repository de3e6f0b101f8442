"""tools/release_check.py, the checks tools/release.sh runs on a laid-out release, on a release made
from this checkout's files (the integration, its brand images, the app repository packed by
manifests/addon/pack.sh) and on broken copies of it: each rule must reject what it is there to reject.
No root, no network: `python3 -m pytest tests/release -q`."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import release_check as rc  # noqa: E402

VERSION = re.search(r"project\(domoguard VERSION (\d+\.\d+\.\d+)", (REPO / "CMakeLists.txt").read_text()).group(1)
WHEEL = f"domoguard-{VERSION}-cp312-abi3-manylinux_2_36_x86_64.whl"


def write_zip(comp: Path, zpath: Path, prefix: str = "") -> None:
    with zipfile.ZipFile(zpath, "w") as z:
        for p in sorted(comp.rglob("*")):
            if p.is_file():
                z.write(p, prefix + p.relative_to(comp).as_posix())


def sums(release: Path) -> None:
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}"
             for p in sorted(release.iterdir()) if p.name != "SHA256SUMS"]
    (release / "SHA256SUMS").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def app_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("app") / "app-repo"
    subprocess.run(["bash", str(REPO / "manifests/addon/pack.sh"), str(out)], check=True, capture_output=True)
    return out


@pytest.fixture
def release(tmp_path: Path, app_repo: Path) -> Path:
    out = tmp_path / "out"
    comp = out / "hacs-repo/custom_components/domoguard"
    shutil.copytree(REPO / "bindings/homeassistant/custom_components/domoguard", comp,
                    ignore=shutil.ignore_patterns("__pycache__", "frontend"))
    (comp / "frontend").mkdir()
    (comp / "frontend/domoguard-panel.js").write_text("export {};\n")
    shutil.copy(REPO / "bindings/homeassistant/hacs.json", out / "hacs-repo/hacs.json")
    shutil.copy(REPO / "bindings/homeassistant/README.md", out / "hacs-repo/README.md")
    (out / "release").mkdir()
    write_zip(comp, out / "release/domoguard.zip")
    (out / "release" / WHEEL).write_bytes(b"wheel bytes")
    sums(out / "release")
    shutil.copytree(app_repo, out / "app-repo", symlinks=True)
    return out


def errors(out: Path) -> list[str]:
    return (rc.check_hacs_repo(out / "hacs-repo", out / "release", VERSION)
            + rc.check_wheels(out / "release", VERSION) + rc.check_app_repo(out / "app-repo", VERSION))


def test_this_checkouts_release_passes(release: Path) -> None:
    assert errors(release) == []


def edit_json(path: Path, **changes: object) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def drop_key(path: Path, key: str) -> None:
    data = json.loads(path.read_text())
    del data[key]
    path.write_text(json.dumps(data))


def second_app(root: Path) -> None:
    (root / "domoguard/rootfs/config.yaml").write_text("name: x\n")  # inside rootfs: not an app
    (root / "extra").mkdir()
    (root / "extra/config.yaml").write_text("name: x\n")  # anywhere else: a second app


@pytest.mark.parametrize("breakage,expected", [
    (lambda o: edit_json(o / "hacs-repo/hacs.json", zip_relase=True), "unknown key 'zip_relase'"),
    (lambda o: drop_key(o / "hacs-repo/hacs.json", "filename"), "zip_release needs filename"),
    (lambda o: (o / "hacs-repo/hacs.json").unlink(), "no hacs.json"),
    (lambda o: (o / "hacs-repo/README.md").unlink(), "render_readme without a README.md"),
    (lambda o: (o / "hacs-repo/custom_components/other").mkdir(), "holds 2 integrations"),
    (lambda o: edit_json(o / "hacs-repo/custom_components/domoguard/manifest.json", requirements=["domoguard"]),
     "not pinned"),
    (lambda o: edit_json(o / "hacs-repo/custom_components/domoguard/manifest.json", issue_tracker=""),
     "issue_tracker is required"),
    (lambda o: (o / "hacs-repo/custom_components/domoguard/brand/icon.png").unlink(), "brand/icon.png is missing"),
    (lambda o: write_zip(o / "hacs-repo/custom_components/domoguard", o / "release/domoguard.zip",
                         prefix="domoguard/"), "manifest.json is not at the zip's root"),
    (lambda o: (o / "release" / WHEEL).write_bytes(b"changed"), "SHA256SUMS"),
    (lambda o: (o / "release" / WHEEL).rename(o / "release/domoguard-9.9.9-cp312-abi3-linux_x86_64.whl"),
     "not a domoguard"),
    (lambda o: (o / "release" / WHEEL).rename(o / "release" / WHEEL.replace("manylinux_2_36", "linux")),
     "not a manylinux/musllinux tag"),
    (lambda o: (o / "app-repo/domoguard/build.yaml").write_text("build_from: {}\n"), "build.yaml is deprecated"),
    (lambda o: (o / "app-repo/domoguard/config.yaml").write_text(
        (o / "app-repo/domoguard/config.yaml").read_text().replace(f'version: "{VERSION}"', 'version: "9.9.9"')),
     "is not the release's"),
    (lambda o: second_app(o / "app-repo"), "apps found"),
], ids=["hacs-unknown-key", "zip-without-filename", "no-hacs-json", "no-readme", "two-integrations",
        "unpinned-requirement", "manifest-key-missing", "no-brand-icon", "zip-with-folder", "wheel-changed",
        "wheel-other-version", "plain-linux-tag", "build-yaml", "app-version", "second-app"])
def test_a_broken_release_is_refused(release: Path, breakage, expected: str) -> None:
    breakage(release)
    found = errors(release)
    assert any(expected in e for e in found), found
