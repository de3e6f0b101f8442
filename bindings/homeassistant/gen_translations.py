#!/usr/bin/env python3
"""Generates the integration's translations from DomoGuard's one message catalogue (locales/).

    python3 bindings/homeassistant/gen_translations.py           # write the files
    python3 bindings/homeassistant/gen_translations.py --check   # exit 1 if any file is stale

Keys `ha.<path>` in locales/<lang>.json become translations/<lang>.json in Home Assistant's
strings structure (`ha.entity.sensor.home_score.name` -> {"entity":{"sensor":{"home_score":{"name":…}}}}).
Names that repeat the core's own words are composed from them, so each term is translated once:
the level, category and scenario titles (level.*.title, category.*.title, scenario.*.title) give
the select states and service selector options, and `ha.entity.select.level.name` ("Security
level: {category}") gives one select per category. The new-device notification texts (notify.*)
go to messages.json, so the integration says what the daemon says. A key missing in a language
falls back to English, as the core does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]  # --repo: where locales/ and manifests/policy/ are
COMPONENT = HERE / "custom_components" / "domoguard"  # --component
LANGS = ("en", "de", "fr", "es", "nl")
MESSAGE_PREFIXES = ("notify.new_device.", "notify.recovered.")


def policy_names() -> tuple[list[str], list[str], list[str]]:
    levels = json.loads((REPO / "manifests/policy/levels.json").read_text(encoding="utf-8"))
    scenarios = json.loads((REPO / "manifests/policy/scenarios.json").read_text(encoding="utf-8"))
    return (
        [c["name"] for c in levels["categories"]],
        [lv["name"] for lv in levels["levels"]],
        [s["name"] for s in scenarios["scenarios"]],
    )


def catalogue(lang: str) -> dict[str, str]:
    en = json.loads((REPO / "locales/en.json").read_text(encoding="utf-8"))
    path = REPO / f"locales/{lang}.json"
    own = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {**en, **own}


def put(tree: dict[str, Any], path: list[str], value: str) -> None:
    for part in path[:-1]:
        tree = tree.setdefault(part, {})
        if not isinstance(tree, dict):
            raise SystemExit(f"key conflict at {'.'.join(path)}")
    tree[path[-1]] = value


def sort_tree(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: sort_tree(tree[k]) for k in sorted(tree)}
    return tree


def translations(lang: str) -> dict[str, Any]:
    cat = catalogue(lang)
    categories, levels, scenarios = policy_names()
    tree: dict[str, Any] = {}
    level_name = cat["ha.entity.select.level.name"]
    for key, text in cat.items():
        if not key.startswith("ha.") or key == "ha.entity.select.level.name":
            continue
        put(tree, key[3:].split("."), text)
    level_titles = {lv: cat[f"level.{lv}.title"] for lv in levels}
    for c in categories:
        put(tree, ["entity", "select", f"level_{c}", "name"], level_name.replace("{category}", cat[f"category.{c}.title"]))
        for lv, title in level_titles.items():
            put(tree, ["entity", "select", f"level_{c}", "state", lv], title)
        put(tree, ["selector", "category", "options", c], cat[f"category.{c}.title"])
    for lv, title in level_titles.items():
        put(tree, ["selector", "level", "options", lv], title)
    for s in scenarios:
        put(tree, ["entity", "select", "scenario", "state", s], cat[f"scenario.{s}.title"])
        put(tree, ["selector", "scenario", "options", s], cat[f"scenario.{s}.title"])
    return sort_tree(tree)


def messages() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    en = json.loads((REPO / "locales/en.json").read_text(encoding="utf-8"))
    for lang in LANGS:
        cat = catalogue(lang)
        out[lang] = {k: cat[k] for k in sorted(en) if k.startswith(MESSAGE_PREFIXES)}
    return out


def render(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def wanted_files() -> dict[Path, str]:
    files = {COMPONENT / "translations" / f"{lang}.json": render(translations(lang)) for lang in LANGS}
    files[COMPONENT / "messages.json"] = render(messages())
    return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="report stale files instead of writing them")
    ap.add_argument("--repo", type=Path, help="the checkout holding locales/ and manifests/ (default: this one)")
    ap.add_argument("--component", type=Path, help="the integration folder (default: custom_components/domoguard here)")
    args = ap.parse_args()
    global REPO, COMPONENT  # noqa: PLW0603 - a different tree only for tests that run on a copy
    REPO = args.repo.resolve() if args.repo else REPO
    COMPONENT = args.component.resolve() if args.component else COMPONENT
    stale = []
    for path, text in wanted_files().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(str(path))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print("stale (run bindings/homeassistant/gen_translations.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
