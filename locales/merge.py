#!/usr/bin/env python3
"""Merge a flat JSON object of message keys into locales/<lang>.json, keeping keys sorted.

Usage: locales/merge.py FRAGMENT.json [--lang en]
Safe to run from several shells at once (it holds a lock on the catalogue while it writes).
"""
import argparse
import fcntl
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("fragment")
    ap.add_argument("--lang", default="en")
    args = ap.parse_args()
    with open(args.fragment, encoding="utf-8") as f:
        frag = json.load(f)
    if not isinstance(frag, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in frag.items()):
        print("fragment must be a flat JSON object of string keys to string texts", file=sys.stderr)
        return 2
    path = os.path.join(ROOT, "locales", f"{args.lang}.json")
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cat = {}
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                cat = json.load(f)
        cat.update(frag)
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(dict(sorted(cat.items())), f, ensure_ascii=False, indent=1)
            f.write("\n")
        os.replace(tmp, path)
    print(f"{len(frag)} keys merged into {os.path.relpath(path, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
