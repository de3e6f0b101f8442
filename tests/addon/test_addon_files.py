"""DomoGuard's app repository (manifests/addon/) against the Home Assistant Supervisor's rules.

The rules are restated in supervisor_rules.py from home-assistant/supervisor at commit
090ef31ec024952c2469ed5a7c9f3ce8c1a5499e (2026-08-21): supervisor/apps/validate.py,
supervisor/apps/options.py, supervisor/store/validate.py, supervisor/store/data.py,
supervisor/utils/apparmor.py and supervisor/apps/build.py. Each rule is also shown to reject a
broken copy of our files (the negative tests below), so a check that passes is a check that works.

Needs PyYAML; apparmor.txt is also compiled by Debian's apparmor_parser when it is installed
(tests/addon/run.sh installs it). No root, no Docker.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
import yaml

import supervisor_rules as rules

REPO = Path(__file__).resolve().parents[2]
ROOT = REPO / "manifests/addon"
APP = ROOT / "domoguard"
RUN = APP / "rootfs/usr/bin/domoguard-run"
LANGS = ["en", "de", "fr", "es", "nl"]


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def config() -> dict:
    return load(APP / "config.yaml")


# ---- the files as they are -------------------------------------------------------------------------

def test_config_yaml_follows_the_supervisor_schema(config: dict) -> None:
    assert rules.check_config(config) == []


def test_config_says_what_the_app_needs(config: dict) -> None:
    assert config["slug"] == "domoguard"
    assert sorted(config["arch"]) == ["aarch64", "amd64"]
    assert config["ingress"] is True and config["ingress_port"] == 8099  # domoguardd --addon's port
    assert config["homeassistant_api"] is True  # ws://supervisor/core/websocket with SUPERVISOR_TOKEN
    assert config["init"] is False  # S6-Overlay v3 in the base image is the init
    assert config["panel_icon"].startswith("mdi:") and config["panel_title"] == "DomoGuard"
    # Nothing that lowers the security rating (ingress +2, own AppArmor profile +1).
    for risky in ("host_network", "privileged", "full_access", "docker_api", "hassio_api", "host_pid",
                  "ports", "auth_api"):
        assert risky not in config, risky
    assert config.get("apparmor", True) is True
    assert set(config["options"]) == {"language", "privacy_by_default", "notify", "log_level"}
    assert config["schema"]["language"] == "list(auto|en|de|fr|es|nl)"


def test_version_is_the_projects_version(config: dict) -> None:
    m = re.search(r"project\(domoguard VERSION (\d+\.\d+\.\d+)", (REPO / "CMakeLists.txt").read_text())
    assert m and config["version"] == m.group(1)
    assert f"## {config['version']}" in (APP / "CHANGELOG.md").read_text()


def test_translations_cover_every_option_in_five_languages(config: dict) -> None:
    found = sorted(p.stem for p in (APP / "translations").iterdir())
    assert found == sorted(LANGS)
    en = load(APP / "translations/en.yaml")
    for lang in LANGS:
        data = load(APP / f"translations/{lang}.yaml")
        assert rules.check_translation(data, config["schema"]) == [], lang
        if lang != "en":  # translated, not copied
            for key in config["schema"]:
                assert data["configuration"][key]["description"] != en["configuration"][key]["description"], (lang, key)


def test_repository_yaml() -> None:
    assert rules.check_repository(load(ROOT / "repository.yaml")) == []


def test_apparmor_profile_is_named_after_the_slug(config: dict) -> None:
    text = (APP / "apparmor.txt").read_text()
    assert rules.check_apparmor(text, config["slug"]) == []
    # The daemon runs in its own sub-profile, entered from the main one.
    assert "/usr/bin/domoguardd cx -> domoguardd," in text
    assert re.search(r"^\s+profile domoguardd ", text, re.M)
    assert "signal (receive) peer=*_domoguard," in text


def test_apparmor_profile_compiles() -> None:
    parser = shutil.which("apparmor_parser") or "/usr/sbin/apparmor_parser"
    if not Path(parser).exists():
        pytest.skip("apparmor_parser not installed (tests/addon/run.sh installs Debian's apparmor)")
    proc = subprocess.run([parser, "--skip-kernel-load", "--skip-cache", "--skip-read-cache",
                           str(APP / "apparmor.txt")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_no_build_yaml_and_the_dockerfile_shape() -> None:
    # build.yaml is deprecated (supervisor/apps/build.py warns at every load) and without it the
    # Supervisor passes no BUILD_FROM, only BUILD_ARCH: the Dockerfile names HA's Debian base per arch.
    assert not list(APP.glob("build.*"))
    docker = (APP / "Dockerfile").read_text()
    assert re.search(r"^ARG BUILD_ARCH=amd64$", docker, re.M)
    # An older Supervisor's default BUILD_FROM is HA's Alpine base: the Dockerfile must not take it.
    assert not re.search(r"^(ARG|FROM)\b.*BUILD_FROM", docker, re.M)
    base = "ghcr.io/home-assistant/${BUILD_ARCH}-base-debian:bookworm"
    froms = re.findall(r"^FROM (?:--platform=\S+ )?(\S+)(?: AS (\w+))?$", docker, re.M)
    assert froms == [(base, "build"), ("node:20-bookworm-slim", "panel"), (base, "")]
    build_stage, rest = docker.split("\nFROM --platform=$BUILDPLATFORM node:20-bookworm-slim AS panel\n")
    panel_stage, runtime_stage = rest.split(f"\nFROM {base}\n")
    for pkg in ("g++", "cmake", "ninja-build", "libboost-json1.81-dev", "libssl-dev", "libsqlitecpp-dev",
                "libsqlite3-dev", "libwebsockets-dev", "zlib1g-dev", "libyaml-cpp-dev"):
        assert re.search(rf"(?<![\w.-]){re.escape(pkg)}(?![\w.-])", build_stage), pkg
    assert "apk " not in docker
    assert "npm ci" in panel_stage and "vite build" in panel_stage
    for dev in ("-dev", "g++", "cmake", "nodejs", "npm"):
        assert dev not in runtime_stage, f"{dev} in the runtime stage"
    assert "rm -rf /var/lib/apt/lists/*" in runtime_stage  # no apt lists left in the image
    # Every COPY from the build context names something the context (the packed folder) has.
    for src in re.findall(r"^COPY (?!--from)(\S+)", docker, re.M):
        assert src.rstrip("/") in ("src", "src/ui-panel", "src/locales", "rootfs"), src
    assert 'CMD ["/usr/bin/with-contenv", "/usr/bin/domoguard-run"]' in docker
    assert 'io.hass.type="app"' in docker


def test_runtime_libraries_are_what_the_daemon_links() -> None:
    """The runtime stage installs the Debian packages that own the daemon's shared libraries (found
    with ldd and dpkg -S in the build stage, on the same Debian 12 as this machine). The host-built
    domoguardd shows which libraries that is: each must belong to a Debian package, and SQLiteCpp
    (Debian's static library) must be linked statically."""
    binary = Path(os.environ.get("DOMOGUARD_BIN", REPO / "build/bin")) / "domoguardd"
    if not binary.exists():
        pytest.skip(f"{binary} not built")
    out = subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True, check=True).stdout
    needed = sorted(set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)))
    assert needed and not any("SQLiteCpp" in n for n in needed)
    for lib in ("libwebsockets", "libsqlite3", "libboost_json", "libcrypto", "libz"):
        assert any(n.startswith(lib + ".so") for n in needed), (lib, needed)
    if shutil.which("dpkg"):
        owners = {}
        for n in needed:
            proc = subprocess.run(["dpkg", "-S", f"*/{n}"], capture_output=True, text=True)
            assert proc.returncode == 0, f"no Debian package owns {n}"
            owners[n] = proc.stdout.split(":")[0]
        assert not [p for p in owners.values() if p.endswith("-dev")], owners
    docker = (APP / "Dockerfile").read_text()
    assert "xargs -r dpkg -S" in docker and "$(cat /tmp/runtime-deps)" in docker


def test_images_are_pngs_of_the_documented_shape() -> None:
    def size(p: Path) -> tuple[int, int]:
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
        return struct.unpack("!II", data[16:24])
    w, h = size(APP / "icon.png")
    assert w == h  # square (the docs recommend 128x128)
    w, h = size(APP / "logo.png")
    assert w > h


def test_docs_name_every_option(config: dict) -> None:
    docs = (APP / "DOCS.md").read_text()
    for key in config["schema"]:
        assert f"`{key}`" in docs, key


def test_run_script_is_posix_sh() -> None:
    text = RUN.read_text()
    assert text.startswith("#!/bin/sh\n") and RUN.stat().st_mode & 0o111
    assert "bashio" not in text.replace("no bashio", "")
    for sh in ("dash", "sh"):
        exe = shutil.which(sh)
        if exe:
            assert subprocess.run([exe, "-n", str(RUN)]).returncode == 0


def test_packed_repository_is_what_the_supervisor_reads(tmp_path: Path, config: dict) -> None:
    out = tmp_path / "repo"
    proc = subprocess.run(["bash", str(ROOT / "pack.sh"), str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    repos, apps = rules.repository_files(out)
    assert [p.relative_to(out).as_posix() for p in repos] == ["repository.yaml"]
    # Exactly one app: nothing in the packed sources looks like another config.*.
    assert [p.relative_to(out).as_posix() for p in apps] == ["domoguard/config.yaml"]
    assert rules.check_config(load(out / "domoguard/config.yaml")) == []
    src = out / "domoguard/src"
    for needed in ("CMakeLists.txt", "plugin/daemon/main.cpp", "locales/en.json", "manifests/catalog"):
        assert (src / needed).exists(), needed
    assert not (out / "pack.sh").exists() and not list(out.rglob("node_modules"))
    assert (out / "domoguard/rootfs/usr/bin/domoguard-run").stat().st_mode & 0o111
    assert re.fullmatch(r"[0-9a-f]{40}\n", (src / "REVISION").read_text())


# ---- the checks reject broken files ----------------------------------------------------------------

def _broken(cfg: dict, change) -> dict:
    c = copy.deepcopy(cfg)
    change(c)
    return c


BROKEN_CONFIGS = {
    "no slug": lambda c: c.pop("slug"),
    "slug with a space": lambda c: c.__setitem__("slug", "domo guard"),
    "version as a float": lambda c: c.__setitem__("version", 0.1),
    "deprecated arch": lambda c: c["arch"].append("armv7"),
    "unknown arch": lambda c: c["arch"].append("riscv64"),
    "ingress as text": lambda c: c.__setitem__("ingress", "yes"),
    "ingress_port out of range": lambda c: c.__setitem__("ingress_port", 70000),
    "panel_icon without mdi:": lambda c: c.__setitem__("panel_icon", "shield-home"),
    "startup unknown": lambda c: c.__setitem__("startup", "later"),
    "map entry unknown": lambda c: c.__setitem__("map", ["data:rw", "secrets:ro"]),
    "map dict without type": lambda c: c.__setitem__("map", [{"read_only": False}]),
    "ports malformed": lambda c: c.__setitem__("ports", {"8099/sctp": 8099}),
    "dynamic ingress port clash": lambda c: (c.__setitem__("ingress_port", 0), c.__setitem__("ports", {"62001/tcp": None})),
    "unknown key": lambda c: c.__setitem__("ingres", True),
    "option not in schema": lambda c: c["options"].__setitem__("colour", "blue"),
    "option of the wrong type": lambda c: c["options"].__setitem__("notify", "yes"),
    "option outside its list": lambda c: c["options"].__setitem__("language", "it"),
    "required option without default": lambda c: c["schema"].__setitem__("port", "port"),
    "schema type unknown": lambda c: c["schema"].__setitem__("language", "choice(en|de)"),
    "int option out of range": lambda c: (c["schema"].__setitem__("days", "int(1,30)"), c["options"].__setitem__("days", 90)),
    "list of lists": lambda c: (c["schema"].__setitem__("x", [["str"]]), c["options"].__setitem__("x", [])),
}


@pytest.mark.parametrize("name", sorted(BROKEN_CONFIGS))
def test_a_broken_config_is_refused(config: dict, name: str) -> None:
    assert rules.check_config(_broken(config, BROKEN_CONFIGS[name])) != [], name


def test_optional_options_may_be_left_out(config: dict) -> None:
    c = _broken(config, lambda c: c["schema"].__setitem__("extra", "str?"))
    assert rules.check_config(c) == []
    c = _broken(config, lambda c: c["schema"].__setitem__("ports", ["port?"]))
    assert rules.check_config(c) == []


def test_broken_translations_are_refused(config: dict) -> None:
    good = load(APP / "translations/de.yaml")
    missing = copy.deepcopy(good)
    del missing["configuration"]["notify"]
    extra = copy.deepcopy(good)
    extra["configuration"]["colour"] = {"name": "Farbe"}
    no_name = copy.deepcopy(good)
    del no_name["configuration"]["language"]["name"]
    for bad in (missing, extra, no_name, {"configuraton": good["configuration"]}):
        assert rules.check_translation(bad, config["schema"]) != []


def test_broken_repository_and_apparmor_are_refused(tmp_path: Path) -> None:
    assert rules.check_repository({"maintainer": "x"}) != []
    assert rules.check_repository({"name": "x", "url": "not a url"}) != []
    text = (APP / "apparmor.txt").read_text()
    assert rules.check_apparmor(text.replace("profile domoguard flags", "profile domoguard-app flags"), "domoguard") != []
    assert rules.check_apparmor(text + "\nprofile other {\n}\n", "domoguard") != []
    parser = shutil.which("apparmor_parser") or "/usr/sbin/apparmor_parser"
    if Path(parser).exists():
        broken = tmp_path / "apparmor.txt"
        broken.write_text(text.replace("  file,\n", "  fle,\n", 1))
        proc = subprocess.run([parser, "--skip-kernel-load", "--skip-cache", str(broken)],
                              capture_output=True, text=True)
        assert proc.returncode != 0


def test_a_stray_config_file_would_be_a_second_app(tmp_path: Path) -> None:
    """A config.json anywhere in the packed sources would be read as another app: the packed-repo
    test above would catch it. Shown on a copy with one added."""
    shutil.copytree(ROOT, tmp_path / "repo")
    (tmp_path / "repo/domoguard/extra").mkdir()
    (tmp_path / "repo/domoguard/extra/config.json").write_text(json.dumps({"name": "x"}))
    (tmp_path / "repo/domoguard/rootfs/etc").mkdir(parents=True)
    (tmp_path / "repo/domoguard/rootfs/etc/config.json").write_text("{}")  # rootfs is skipped
    _, apps = rules.repository_files(tmp_path / "repo")
    assert sorted(p.relative_to(tmp_path / "repo").as_posix() for p in apps) == [
        "domoguard/config.yaml", "domoguard/extra/config.json"]
