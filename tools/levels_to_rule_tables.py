#!/usr/bin/env python3
"""Moves rules listed in manifests/policy/levels.json into their rule-table entries.

A rule says in its own table entry (plugin/src/audit/rules/<family>.cpp) which service categories
take its findings (.categories) and what each level does with it (.levels). levels.json still
accepts per-rule lists (a category's "rules", a level's "rules") for entries that leave those
fields out; this tool moves such lists into the entries, so the rule is described in one place.

    python3 tools/levels_to_rule_tables.py [--check]

Entries that already have .categories or .levels are left alone (the policy data refuses a rule
placed in both, which the tests catch). --check changes nothing and exits 1 when a rule is still
listed in levels.json.
"""
import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEVELS = ROOT / "manifests/policy/levels.json"
RULES = ROOT / "plugin/src/audit/rules"
LEVEL_NAMES = ("basic", "recommended", "strict")


def listed(doc):
    """rule id -> (categories in file order, {level: (mode, reason)})"""
    out = {}
    for cat in doc.get("categories", []):
        for rid in cat.get("rules", []):
            out.setdefault(rid, ([], {}))[0].append(cat["name"])
    for level in doc.get("levels", []):
        for rid, setting in level.get("rules", {}).items():
            mode, reason = (setting, "") if isinstance(setting, str) else (setting["mode"], setting.get("reason", ""))
            out.setdefault(rid, ([], {}))[1][level["name"]] = (mode, reason)
    return out


def fields(indent, cats, levels):
    lines = []
    if cats:
        lines.append(indent + ".categories = {" + ", ".join(f'"{c}"' for c in cats) + "},")
    parts = [f".{name} = LevelMode::{levels[name][0]}" for name in LEVEL_NAMES
             if name in levels and levels[name][0] != "ignore"]
    reason = levels.get("strict", ("", ""))[1]
    if reason:
        parts.append(f'.strict_reason = "{reason}"')
    for name in ("basic", "recommended"):
        if levels.get(name, ("", ""))[1]:
            sys.exit(f"levels.json gives a reason on level {name}; only strict has one")
    if parts:
        line = indent + ".levels = {" + ", ".join(parts) + "},"
        if len(line) > 120 and reason:
            cut = line.index(", .strict_reason")
            pad = " " * (line.index("{") + 1)
            lines += [line[:cut + 1], pad + line[cut + 2:]]
        else:
            lines.append(line)
    return lines


def patch_rules(todo):
    done = set()
    for path in sorted(RULES.glob("*.cpp")):
        text = path.read_text(encoding="utf-8")
        out, pos = [], 0
        for m in re.finditer(r'\{\.id = "(DG-[A-Z]+-\d+)",', text):
            rid = m.group(1)
            if rid not in todo:
                continue
            nxt = re.compile(r'\{\.id = "').search(text, m.end())
            entry = text[m.end():nxt.start() if nxt else len(text)]
            if ".categories = " in entry or ".levels = " in entry:
                sys.exit(f"{rid}: listed in levels.json and already placed in its table entry ({path.name})")
            check = re.compile(r"\n(\s*)\.(home_check|device_check) = ").search(text, m.end())
            if not check:
                sys.exit(f"{rid}: no home_check/device_check in its entry ({path.name})")
            cats, levels = todo[rid]
            out.append(text[pos:check.start()] + "\n" + "\n".join(fields(check.group(1), cats, levels)))
            pos = check.start()
            done.add(rid)
        if pos:
            out.append(text[pos:])
            path.write_text("".join(out), encoding="utf-8")
    return done


def write_levels(doc):
    j = lambda v: json.dumps(v, ensure_ascii=False)
    cats = []
    for c in doc["categories"]:
        s = '    {"name": ' + j(c["name"]) + (', "fallback": true' if c.get("fallback") else "")
        s += ',\n     "device_types": ' + j(c["device_types"]) + ',\n     "domains": ' + j(c.get("domains", []))
        if c.get("rules"):
            s += ',\n     "rules": ' + j(c["rules"])
        cats.append(s + "}")
    levels = []
    for lv in doc["levels"]:
        s = '    {"name": ' + j(lv["name"])
        if lv.get("rules"):
            s += ', "rules": ' + j(lv["rules"])
        levels.append(s + "}")
    text = '{\n  "_comment": ' + j(doc["_comment"]) + ',\n  "categories": [\n' + ",\n".join(cats)
    text += '\n  ],\n  "levels": [\n' + ",\n".join(levels) + "\n  ]\n}\n"
    LEVELS.write_text(text, encoding="utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 when a rule is still listed")
    args = ap.parse_args()
    doc = json.loads(LEVELS.read_text(encoding="utf-8"))
    todo = listed(doc)
    if args.check:
        for rid in sorted(todo):
            print(f"{rid} is still listed in {LEVELS.relative_to(ROOT)}")
        return 1 if todo else 0
    done = patch_rules(todo)
    missing = sorted(set(todo) - done)
    if missing:
        sys.exit("no rule-table entry for: " + ", ".join(missing))
    for c in doc["categories"]:
        c.pop("rules", None)
    for lv in doc["levels"]:
        lv.pop("rules", None)
    write_levels(doc)
    print(f"moved {len(done)} rule(s) from levels.json into their table entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
