#!/usr/bin/env python3
"""Every error key the code raises has a text in the catalogue, or is on the list below of errors
only a developer or a damaged installation meets, which stay in English (their message is told).

A new error key fails this check until it gets a text in locales/en.json (and the other languages,
which the Catch2 locale test compares) or a line here saying why it stays English.

Usage: locales/check_error_keys.py   (exit 0 when every key is accounted for)
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = ["plugin/src", "plugin/cli", "bindings/python/src", "bindings/homeassistant/custom_components"]

ENGLISH_ONLY = {
    "error.catalog.malformed": "the rule catalogue built into the binary is damaged: a build fault",
    "error.catalog.missing": "the rule catalogue is missing from the binary: a build fault",
    "error.demo.missing": "the demo home is missing from the binary: a build fault",
    "error.cli.usage": "wrong words on the command line; the usage text around it is the help",
    "error.ha.fields": "a command DomoGuard built itself is not JSON: a programming fault",
    "error.log.key": "the event log's key file cannot be made or read; its detail is the system's",
    "error.net.backlog": "the hub floods the connection; the detail is for whoever debugs it",
    "error.net.init": "the WebSocket library did not start: a broken installation",
    "error.net.write": "writing to an open connection failed; the detail is the system's",
    "error.plan.file": "a hand-edited plan file; its detail names the action at fault, for installers",
    "error.port.python": "an exception of a Python port without a key; its text is the exception's",
    "error.port.unknown_target": "an action kind or target no plan makes; a programming or hand-edit fault",
    "error.python.closed": "the Python binding used after close(): a programming fault",
    "error.python.lang": "the Python binding given a bad language code: a programming fault",
    "error.python.not_text": "the Python binding given a non-str: a programming fault",
    "error.python.too_large": "the Python binding given more than its bounds: a programming fault",
    "error.python.too_many_replies": "the Python binding given more replies than its bound: a programming fault",
    "error.store.failed": "SQLite's own error text, for whoever repairs the database",
    "error.tar.bad": "the archive's damage, told in detail (which member, which layer) for whoever repairs it",
    "error.url.invalid": "the address typed, with a short reason; the --help text shows the forms",
}


def main() -> int:
    with open(os.path.join(ROOT, "locales", "en.json"), encoding="utf-8") as f:
        en = json.load(f)
    used = {}
    for base in SOURCES:
        for d, _, files in os.walk(os.path.join(ROOT, base)):
            for name in files:
                if not name.endswith((".cpp", ".hpp", ".py")):
                    continue
                path = os.path.join(d, name)
                with open(path, encoding="utf-8") as f:
                    for m in re.finditer(r'"(error\.[a-z0-9_]+\.[a-z0-9_.]*)"', f.read()):
                        used.setdefault(m.group(1), os.path.relpath(path, ROOT))
    problems = []
    for key, where in sorted(used.items()):
        if key.endswith((".", "_")):
            # A prefix the code adds to (error.plan.unknown_ + what) or tests against: one text must start with it.
            if not any(k.startswith(key) for k in en) and key not in ENGLISH_ONLY:
                problems.append(f"{key} ({where}): no catalogue key starts with it")
            continue
        if key in en and key in ENGLISH_ONLY:
            problems.append(f"{key}: has a text now; take it off ENGLISH_ONLY")
        elif key not in en and key not in ENGLISH_ONLY:
            problems.append(f"{key} ({where}): no text in locales/en.json and not on ENGLISH_ONLY")
    for key in sorted(set(ENGLISH_ONLY) - set(used)):
        problems.append(f"{key}: on ENGLISH_ONLY but no longer raised")
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(used)} error keys: {len(used) - len(ENGLISH_ONLY)} with texts, {len(ENGLISH_ONLY)} English only"
          + (f"; {len(problems)} problems" if problems else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
