"""Faults and load against the real Home Assistant, with figures printed.

- kill -9 at random points while a plan is applied, by the CLI and by the daemon; after recovery
  (the next CLI run recovers an interrupted plan first, then undoes what was applied) no plan is
  left half-applied and HA holds exactly what it held before;
- HA restarted while the daemon runs: after each restart the daemon's findings are the CLI's
  (none lost, none duplicated);
- a bounded flood of MQTT state events (count and time bounded, loopback broker only), with CLI
  audits writing to the daemon's own database meanwhile (all must succeed): the daemon's audit
  afterwards equals a fresh audit; its resident memory is printed.

Short form by default (CI): DG_FAULTS=long for the long form (100 kills each, 20 restarts,
1,000 events/s for 10 minutes); DG_CLI_KILLS, DG_DAEMON_KILLS, DG_HA_RESTARTS, DG_FLOOD_RATE,
DG_FLOOD_SECONDS and DG_CLI_AUDITS set one figure. DG_FAULT_SEED fixes the random kill points.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import PLUG, Cli, LiveHome, hf
from test_apply_live import CAMERA_UID, LOCK_UID, exposed, hub_args, journal, plug, write_plan  # noqa: F401 (plug: fixture)

LONG = os.environ.get("DG_FAULTS") == "long"


def count(name: str, long: int, short: int) -> int:
    """A figure of the long or the short form, or the environment's DG_<NAME> in between."""
    return int(os.environ.get(f"DG_{name}", long if LONG else short))


CLI_KILLS = count("CLI_KILLS", 100, 4)
DAEMON_KILLS = count("DAEMON_KILLS", 100, 3)
HA_RESTARTS = count("HA_RESTARTS", 20, 1)
FLOOD_RATE, FLOOD_SECONDS = count("FLOOD_RATE", 1000, 500), count("FLOOD_SECONDS", 600, 6)
CLI_AUDITS = count("CLI_AUDITS", 20, 6)
RNG = random.Random(int(os.environ.get("DG_FAULT_SEED", "27403")))
PLUG_TOPIC = "zigbee2mqtt/Kitchen plug"


def hidden(home: LiveHome, entity_id: str) -> str | None:
    with home.ha.ws() as ws:
        return ws.call("config/entity_registry/get", entity_id=entity_id)["hidden_by"]


def snapshot(home: LiveHome) -> tuple:
    """What the plans here change, read from HA's own API: voice exposure of every entity, whether
    the lock is hidden, and the plug's child lock."""
    lock = home.entity_id(LOCK_UID)
    child = (home.state(home.entity_id(f"{PLUG}_child_lock_zigbee2mqtt")) or {}).get("state")
    return (exposed(home), hidden(home, lock), child)


def recover(cli: Cli, home: LiveHome, db: Path) -> None:
    """The next run recovers an interrupted plan first; then whatever was applied is undone."""
    for _ in range(3):
        proc = cli.run("undo", *hub_args(home, db), timeout=180)
        if proc.returncode == 2:  # nothing (more) applied to undo
            return
        assert proc.returncode == 0, proc.stderr


def half_applied(db: Path) -> int:
    return sum(1 for p in journal(db) if p["state"] in ("applying", "pending")) if db.exists() else 0


def test_kill_9_during_apply_cli(cli: Cli, home: LiveHome, tmp_path: Path) -> None:
    lock, cam = home.entity_id(LOCK_UID), home.entity_id(CAMERA_UID)
    before = snapshot(home)
    db = tmp_path / "faults-cli.db"
    plan = write_plan(tmp_path / "plan.json", [
        {"kind": "set_exposure", "target": lock, "param": "conversation", "after": "false"},
        {"kind": "set_exposure", "target": cam, "param": "conversation", "after": "false"},
        {"kind": "hide_entity", "target": lock, "after": "true"},
    ])
    argv = [str(cli.binary), "apply", *hub_args(home, db), "--plan", str(plan), "--yes", "--format", "json"]
    t0 = time.monotonic()
    assert subprocess.run(argv, capture_output=True, timeout=180).returncode == 0
    whole = time.monotonic() - t0
    recover(cli, home, db)
    assert snapshot(home) == before
    killed = bad = 0
    for _ in range(CLI_KILLS):
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(RNG.uniform(0, whole))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait(timeout=60)
        recover(cli, home, db)
        if half_applied(db) or snapshot(home) != before:
            bad += 1
    print(f"\n[faults] CLI: {CLI_KILLS} runs, {killed} killed mid-apply (apply takes {whole:.2f} s), "
          f"{bad} left half-applied after recovery")
    assert bad == 0


def test_kill_9_during_apply_daemon(cli: Cli, home: LiveHome, plug, daemon_binary: Path, tmp_path: Path) -> None:
    before = snapshot(home)
    db = tmp_path / "faults-daemon.db"
    killed = bad = 0
    outcomes: dict[str, int] = {}
    plug.delay = 1.0  # the plug confirms slowly, as a real Zigbee device can: the apply is in flight longer
    for i in range(DAEMON_KILLS):
        d = hf.Domoguardd(daemon_binary, home.ha.ws_url, home.token_file, db, notify=False,
                          extra=["--no-privacy-default"])
        d.start()
        done = threading.Event()

        def apply() -> None:
            try:
                r = d.api("domoguard/apply", selector=["--child-safe", "on"])
                key = f"finished ({len(r.get('steps', []))} steps)"
            except Exception as e:  # the daemon dies under it
                key = type(e).__name__
            outcomes[key] = outcomes.get(key, 0) + 1
            done.set()

        t = threading.Thread(target=apply, daemon=True)
        t.start()
        time.sleep(RNG.uniform(0, 3.0))
        if not done.is_set():
            killed += 1
        assert d.pid is not None
        os.killpg(d.pid, signal.SIGKILL)
        d.stop()
        t.join(timeout=30)
        plug.wait_idle()  # nothing the plug still answers can land after recovery
        recover(cli, home, db)
        time.sleep(1)
        if half_applied(db) or snapshot(home) != before:
            bad += 1
    plug.delay = 0.0
    print(f"\n[faults] daemon: {DAEMON_KILLS} kill -9, {killed} while the apply was in flight, "
          f"{bad} left half-applied after recovery; apply calls: {outcomes}")
    assert bad == 0


def finding_keys(doc: dict) -> list[str]:
    return sorted(f"{f['rule']}|{f['subject']['kind']}:{f['subject']['id']}" for f in doc["findings"])


def test_restarts_and_flood(cli: Cli, home: LiveHome, daemon_binary: Path, tmp_path: Path) -> None:
    db = tmp_path / "faults-watch.db"
    with hf.Domoguardd(daemon_binary, home.ha.ws_url, home.token_file, db, notify=False,
                       extra=["--no-privacy-default"]) as d:
        lost = dup = 0
        for _ in range(HA_RESTARTS):
            mark = d.mark()
            home.ha.restart()
            d.wait_line(r"full audit: score \d+, \d+ devices", since=mark, timeout=120)
            ours = finding_keys(d.api("domoguard/audit"))
            fresh = finding_keys(cli.audit_json(*hub_args(home, tmp_path / "fresh.db")[:4]))
            lost += len(set(fresh) - set(ours))
            dup += len(ours) - len(set(ours))
        print(f"\n[faults] {HA_RESTARTS} HA restarts: {lost} findings lost, {dup} duplicated")
        assert lost == 0 and dup == 0

        # The flood: state events for the plug, paced, through one publisher on the loopback broker.
        b = home.broker
        assert b.host in ("127.0.0.1", "localhost")
        rss_before = d.rss_kib()
        pub = subprocess.Popen(["mosquitto_pub", "-h", b.host, "-p", str(b.port), "-u", b.username, "-P", b.password,
                                "-t", PLUG_TOPIC, "-l"], stdin=subprocess.PIPE, text=True)
        hf.track("mosquitto_pub-flood", pub.pid, str(db))
        sent, peak = 0, rss_before
        audits_started = False
        audits: list[subprocess.Popen] = []
        t0 = time.monotonic()
        assert pub.stdin is not None
        while time.monotonic() - t0 < FLOOD_SECONDS and sent < FLOOD_RATE * FLOOD_SECONDS:
            for _ in range(FLOOD_RATE // 10):
                pub.stdin.write('{"state":"ON","child_lock":"UNLOCK","linkquality":%d}\n' % (sent % 255))
                sent += 1
            pub.stdin.flush()
            peak = max(peak, d.rss_kib())
            time.sleep(max(0.0, t0 + sent / FLOOD_RATE - time.monotonic()))
            if not audits_started:
                # CLI audits on the daemon's own database while it re-audits under the flood.
                audits_started = True
                audits = [subprocess.Popen([str(cli.binary), "audit", *hub_args(home, db), "--format", "json"],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                          for _ in range(CLI_AUDITS)]
        pub.stdin.close()
        pub.wait(timeout=30)
        took = time.monotonic() - t0
        audit_errors = [p.communicate(timeout=180)[1] for p in audits]
        failed = [e for p, e in zip(audits, audit_errors) if p.returncode != 0]
        print(f"[faults] {CLI_AUDITS} CLI audits on the daemon's database during the flood: {len(failed)} failed")
        assert not failed, failed[0]
        time.sleep(3)  # the last events reach HA and the daemon
        ours = finding_keys(d.api("domoguard/audit"))
        fresh = finding_keys(cli.audit_json(*hub_args(home, tmp_path / "fresh.db")[:4]))
        hwm = next(int(l.split()[1]) for l in Path(f"/proc/{d.pid}/status").read_text().splitlines()
                   if l.startswith("VmHWM:"))
        print(f"[faults] flood: {sent} MQTT state events in {took:.1f} s ({sent / took:.0f}/s); daemon RSS "
              f"{rss_before} KiB before, {peak} KiB peak sampled, {d.rss_kib()} KiB after (VmHWM {hwm} KiB); "
              f"final audit {'equals' if ours == fresh else 'DIFFERS from'} a fresh audit ({len(ours)} findings)")
        assert ours == fresh
