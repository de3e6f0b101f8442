#!/usr/bin/env python3
"""Benchmark of domoguardd against a real Home Assistant (figures only; never fails on slowness).

    python3 tests/live/bench_live.py [--devices 50]      # as root; DOMOGUARD_BIN as for the tests

Starts mosquitto and the pinned HA with the demo integration and the MQTT home of the live tests,
runs domoguardd against it (notifications off, so only auditing is timed), then pairs N new MQTT
plugs one at a time, each with its child lock off, and waits for the daemon to audit each. For
each plug the daemon logs two re-audits, each with "event to stored X ms" (from HA's time_fired of
the first event to the findings stored in SQLite):
  - registry: the device and entity registry events of the pairing;
  - state:    the plug's first states arriving (the child lock off -> DG-CHI-001).
Prints median and p95 of both, and the daemon's resident memory (VmRSS) after the N devices.
Targets (DESIGN.md): registry event to stored finding <= 100 ms; daemon RSS <= 32 MB.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import hass_fixture as hf  # noqa: E402
from capture_fixtures import arrange, populate  # noqa: E402

REPO = HERE.parents[1]
BIN = Path(os.environ.get("DOMOGUARD_BIN", str(REPO / "build/bin")))
LATENCY = re.compile(r"re-audit: .*event to stored ([0-9.]+) ms")


def plug(i: int) -> tuple[str, dict[str, dict], dict]:
    ieee = f"0xbe0c{i:012x}"
    name = f"Bench plug {i:02d}"
    topic = f"zigbee2mqtt/{name}"
    dev = {"identifiers": [f"zigbee2mqtt_{ieee}"], "name": name, "manufacturer": "TuYa",
           "model": "Smart plug (TS011F_plug_1)", "sw_version": "1.0.5"}
    configs = {
        f"homeassistant/switch/{ieee}/switch/config": {
            "name": None, "unique_id": f"{ieee}_switch", "state_topic": topic, "command_topic": f"{topic}/set",
            "value_template": "{{ value_json.state }}", "payload_on": "ON", "payload_off": "OFF", "device": dev},
        f"homeassistant/switch/{ieee}/child_lock/config": {
            "name": "Child lock", "unique_id": f"{ieee}_child_lock", "entity_category": "config",
            "state_topic": topic, "command_topic": f"{topic}/set", "value_template": "{{ value_json.child_lock }}",
            "payload_on": "LOCK", "payload_off": "UNLOCK", "state_on": "LOCK", "state_off": "UNLOCK",
            "device": dev},
    }
    return name, configs, {"topic": topic, "payload": {"state": "ON", "child_lock": "UNLOCK"}}


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]  # nearest rank


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--devices", type=int, default=50)
    args = ap.parse_args()
    daemon_bin = BIN / "domoguardd"
    if not daemon_bin.exists():
        print(f"bench_live: {daemon_bin} not found (set DOMOGUARD_BIN)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="domoguard-bench-"))
    os.chmod(work, 0o700)
    registry_ms: list[float] = []
    state_ms: list[float] = []
    missed = 0
    try:
        with hf.Mosquitto() as broker, hf.HomeAssistant(mqtt=broker, demo=True) as ha:
            arrange(ha, populate(ha, broker))
            token = hf.write_token_file(work / "token", ha.token)
            with hf.Domoguardd(daemon_bin, ha.ws_url, token, work / "bench.db", notify=False) as d:
                start_devices = d.api("domoguard/status")["devices"]
                rss_start = d.rss_kib()
                t0 = time.monotonic()
                for i in range(args.devices):
                    name, configs, state = plug(i)
                    mark = d.mark()
                    broker.publish(state["topic"], state["payload"])
                    for topic, cfg in configs.items():
                        broker.publish(topic, cfg)
                    reg = d.wait_line(rf"re-audit: .*event to stored ([0-9.]+) ms; new: {name}$", since=mark)
                    registry_ms.append(float(reg.group(1)))
                    # The state re-audit that adds the plug's child-lock finding comes after it.
                    try:
                        st = d.wait_line(r"re-audit: \d+ device\(s\), [1-9]\d* new .*event to stored ([0-9.]+) ms$",
                                         since=d.last_index + 1, timeout=10)
                        state_ms.append(float(st.group(1)))
                    except hf.LiveError:
                        missed += 1
                    time.sleep(0.05)  # one pairing at a time: let HA finish this one
                elapsed = time.monotonic() - t0
                status = d.api("domoguard/status")
                rss_end = d.rss_kib()
    finally:
        import shutil
        shutil.rmtree(work, ignore_errors=True)

    print(f"domoguardd against Home Assistant {ha_version()}: {args.devices} new MQTT plugs paired one at a time "
          f"in {elapsed:.1f} s; the daemon now holds {status['devices']} devices (was {start_devices}), "
          f"{status['findings']} findings")
    if registry_ms:
        print(f"  registry event -> stored findings: median {statistics.median(registry_ms):.1f} ms, "
              f"p95 {pct(registry_ms, 95):.1f} ms, max {max(registry_ms):.1f} ms  (n={len(registry_ms)}; "
              "target <= 100 ms)")
    if state_ms:
        print(f"  state event    -> stored finding:  median {statistics.median(state_ms):.1f} ms, "
              f"p95 {pct(state_ms, 95):.1f} ms, max {max(state_ms):.1f} ms  (n={len(state_ms)})")
    if missed:
        print(f"  {missed} plug(s) without a separate state re-audit within 10 s")
    print(f"  daemon resident memory (VmRSS): {rss_start / 1024:.1f} MiB after the first audit, "
          f"{rss_end / 1024:.1f} MiB after {args.devices} more devices (target <= 32 MB)")
    left = hf.leftover_processes()
    if left:
        print(f"bench_live: processes left behind: {left}", file=sys.stderr)
        return 1
    return 0


def ha_version() -> str:
    for line in (HERE / "versions.env").read_text().splitlines():
        if line.startswith("HA_VERSION="):
            return line.split("=", 1)[1]
    return "?"


if __name__ == "__main__":
    try:
        sys.exit(main())
    except hf.LiveError as err:
        print(f"bench_live: {err}", file=sys.stderr)
        sys.exit(1)
