"""Hassfest- and HACS-style checks of the integration's files (what CI can check without GitHub).

Follows the rules of HA's script/hassfest (manifest, translations, services, icons, quality scale)
and HACS's manifest and hacs.json schemas, as far as they apply to a custom integration.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

from custom_components.domoguard import const
from custom_components.domoguard.websocket_api import VERBS

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent  # bindings/homeassistant (or its copy in the HA root)
COMPONENT = PACKAGE / "custom_components" / "domoguard"
REPO = PACKAGE / "repo" if (PACKAGE / "repo").is_dir() else PACKAGE.parents[1]
LANGS = ("en", "de", "fr", "es", "nl")


def load(name: str) -> dict:
    return json.loads((COMPONENT / name).read_text(encoding="utf-8"))


def flat(tree: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in tree.items():
        if isinstance(v, dict):
            out |= flat(v, f"{prefix}{k}.")
        else:
            out[f"{prefix}{k}"] = v
    return out


def test_manifest_is_valid_for_a_custom_integration() -> None:
    m = load("manifest.json")
    assert m["domain"] == COMPONENT.name == const.DOMAIN
    # hassfest: domain and name first, then the rest sorted.
    keys = list(m)
    assert keys[:2] == ["domain", "name"] and keys[2:] == sorted(keys[2:])
    # HACS INTEGRATION_MANIFEST_JSON_SCHEMA and HA's rules for custom integrations.
    for key in ("codeowners", "documentation", "issue_tracker", "name", "version", "iot_class", "integration_type"):
        assert m.get(key), key
    assert re.fullmatch(r"\d+\.\d+\.\d+", m["version"])
    assert m["iot_class"] == "local_push" and m["integration_type"] == "service"
    assert m["config_flow"] is True and m["single_config_entry"] is True
    assert all(c.startswith("@") for c in m["codeowners"])
    assert m["documentation"].startswith("https://") and m["issue_tracker"].startswith("https://")
    assert m["dependencies"] == sorted(m["dependencies"])
    assert {"frontend", "http", "panel_custom", "repairs", "websocket_api"} <= set(m["dependencies"])
    # The one requirement is the native core, pinned to the version this integration was built with.
    assert m["requirements"] == [f"domoguard=={m['version']}"]
    import domoguard  # noqa: PLC0415

    assert domoguard.__version__ == m["version"]


def test_hacs_json() -> None:
    h = json.loads((PACKAGE / "hacs.json").read_text(encoding="utf-8"))
    allowed = {"name", "content_in_root", "country", "filename", "hacs", "hide_default_branch", "homeassistant",
               "persistent_directory", "render_readme", "zip_release"}
    assert set(h) <= allowed and h["name"]
    assert h["zip_release"] is True and h["filename"].endswith(".zip")


def test_translations_are_complete_and_consistent() -> None:
    en = flat(load("translations/en.json"))
    placeholder = re.compile(r"\{(\w+)\}")
    for lang in LANGS:
        other = flat(load(f"translations/{lang}.json"))
        assert set(other) == set(en), lang
        for key, text in other.items():
            assert text.strip(), (lang, key)
            assert sorted(placeholder.findall(text)) == sorted(placeholder.findall(en[key])), (lang, key)
            assert not re.search(r"<[a-zA-Z/]", text), (lang, key)  # no HTML in strings (hassfest)
    tree = load("translations/en.json")
    assert set(tree) <= {"title", "config", "options", "entity", "issues", "services", "exceptions", "selector"}
    for issue in tree["issues"].values():  # exactly one of description / fix_flow
        assert "title" in issue and (("description" in issue) != ("fix_flow" in issue))


def test_entities_services_and_exceptions_have_texts() -> None:
    tree = load("translations/en.json")
    entity = tree["entity"]
    expected = {
        "sensor": {"home_score", "open_findings"},
        "select": {f"level_{c}" for c in const.CATEGORIES} | {"scenario"},
        "switch": {"child_safe", "privacy_default"},
        "button": {"apply_recommended"},
    }
    for platform, keys in expected.items():
        assert set(entity[platform]) == keys, platform
        assert all(entity[platform][k]["name"] for k in keys)
    for c in const.CATEGORIES:
        assert set(entity["select"][f"level_{c}"]["state"]) == set(const.LEVELS)
    assert set(entity["select"]["scenario"]["state"]) == set(const.SCENARIOS)
    icons = load("icons.json")
    for platform, keys in expected.items():
        assert set(icons["entity"][platform]) == keys
    services = yaml.safe_load((COMPONENT / "services.yaml").read_text(encoding="utf-8"))
    assert set(services) == set(tree["services"]) == set(icons["services"]) == {"audit", "apply", "undo"}
    for name, spec in services.items():
        fields = (spec or {}).get("fields", {})
        assert set(fields) == set(tree["services"][name].get("fields", {})), name
        for field in fields:
            assert tree["services"][name]["fields"][field]["description"]
    used = set()
    for py in COMPONENT.glob("*.py"):
        used |= set(re.findall(r'translation_key="(\w+)"', py.read_text(encoding="utf-8")))
    known = set(tree["exceptions"]) | set(tree["issues"]) | {k for p in entity.values() for k in p}
    for key in used - {"language"}:  # the options flow's selector key, checked below
        assert key in known, key
    assert set(tree["selector"]) == {"language", "level", "category", "scenario"}


def test_policy_names_match_the_core() -> None:
    levels = json.loads((REPO / "manifests/policy/levels.json").read_text(encoding="utf-8"))
    scenarios = json.loads((REPO / "manifests/policy/scenarios.json").read_text(encoding="utf-8"))
    assert tuple(c["name"] for c in levels["categories"]) == const.CATEGORIES
    assert tuple(lv["name"] for lv in levels["levels"]) == const.LEVELS
    assert tuple(s["name"] for s in scenarios["scenarios"]) == const.SCENARIOS


def test_generated_translations_are_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(PACKAGE / "gen_translations.py"), "--check", "--repo", str(REPO),
         "--component", str(COMPONENT)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_quality_scale_is_honest() -> None:
    rules = yaml.safe_load((COMPONENT / "quality_scale.yaml").read_text(encoding="utf-8"))["rules"]
    for name, value in rules.items():
        status = value if isinstance(value, str) else value["status"]
        assert status in ("done", "todo", "exempt"), name
        if status == "exempt":
            assert value["comment"], name  # hassfest: an exemption says why
    assert len(rules) >= 50


def test_websocket_verbs_are_the_core_api() -> None:
    assert set(VERBS) == {"status", "audit", "device", "catalog", "explain", "history", "journal", "plan", "apply",
                          "undo", "notice", "notice/ack", "settings", "settings/set", "hold", "hold/pause"}


def test_brand_images_are_shipped() -> None:
    """Home Assistant 2026.3+ serves a custom integration's brand/ images (and HACS checks brand/icon.png)."""
    import struct  # noqa: PLC0415

    sizes = {"icon.png": (256, 256), "icon@2x.png": (512, 512)}
    for name, (w, h) in sizes.items():
        data = (COMPONENT / "brand" / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", name
        assert struct.unpack("!II", data[16:24]) == (w, h), name
    logo = (COMPONENT / "brand" / "logo.png").read_bytes()
    lw, lh = struct.unpack("!II", logo[16:24])
    assert 128 <= min(lw, lh) <= 256, "a logo's shortest side is 128 to 256 px"
