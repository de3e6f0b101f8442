"""domoguardd against a real Home Assistant: it agrees with the one-shot CLI, audits a newly paired
MQTT device at once and tells the household in HA, resolves the findings of a removed device, and
rides out a restart of HA with the same findings afterwards and its history kept."""

from __future__ import annotations

import re
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import Cli, LiveHome, hf

NEW_IEEE = "0xa4c13800deadbe01"
NEW_NAME = "Nursery plug"
NEW_TOPIC = f"zigbee2mqtt/{NEW_NAME}"
NEW_SWITCH_UID = f"{NEW_IEEE}_switch_zigbee2mqtt"
NEW_CHILD_LOCK_UID = f"{NEW_IEEE}_child_lock_zigbee2mqtt"


def new_plug_configs() -> dict[str, dict]:
    dev = {"identifiers": [f"zigbee2mqtt_{NEW_IEEE}"], "name": NEW_NAME, "manufacturer": "TuYa",
           "model": "Smart plug (TS011F_plug_1)", "sw_version": "1.0.5"}
    return {
        f"homeassistant/switch/{NEW_IEEE}/switch/config": {
            "name": None, "unique_id": NEW_SWITCH_UID, "state_topic": NEW_TOPIC,
            "command_topic": f"{NEW_TOPIC}/set", "value_template": "{{ value_json.state }}",
            "payload_on": "ON", "payload_off": "OFF", "device": dev},
        f"homeassistant/switch/{NEW_IEEE}/child_lock/config": {
            "name": "Child lock", "unique_id": NEW_CHILD_LOCK_UID, "entity_category": "config",
            "state_topic": NEW_TOPIC, "command_topic": f"{NEW_TOPIC}/set",
            "value_template": "{{ value_json.child_lock }}", "payload_on": "LOCK", "payload_off": "UNLOCK",
            "state_on": "LOCK", "state_off": "UNLOCK", "device": dev},
    }


# The demo geo_location platform makes up new random events (with new entities) at every start
# and every few minutes: findings about them change with the home, not with DomoGuard.
VOLATILE = ("geo_location.",)


def keys(audit: dict, stable_only: bool = False) -> Counter:
    """Finding keys (rule + subject), counted: a duplicate shows up as a count of 2."""
    return Counter((f["rule"], f["subject"]["kind"], f["subject"]["id"]) for f in audit["findings"]
                   if not (stable_only and f["subject"]["id"].startswith(VOLATILE)))


def settled_keys(daemon: hf.Domoguardd, quiet: float = 1.5, timeout: float = 30) -> Counter:
    """The daemon's stable finding keys once they stop changing (HA settles after changes)."""
    deadline = time.monotonic() + timeout
    last = keys(daemon.api("domoguard/audit"), stable_only=True)
    stable_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = keys(daemon.api("domoguard/audit"), stable_only=True)
        if now != last:
            last, stable_since = now, time.monotonic()
        elif time.monotonic() - stable_since >= quiet:
            return now
    return last


def stored_audits(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return con.execute("SELECT COUNT(*) FROM audits").fetchone()[0]


@pytest.fixture(scope="module")
def daemon(daemon_binary: Path, home: LiveHome, workdir: Path):
    db = workdir / "daemon-history.db"
    with hf.Domoguardd(daemon_binary, home.ha.ws_url, home.token_file, db, notify=True) as d:
        yield d


def test_daemon_serves_the_same_findings_as_the_cli(daemon: hf.Domoguardd, cli: Cli, home: LiveHome) -> None:
    status = daemon.api("domoguard/status")
    with home.ha.ws() as ws:
        assert status["ready"] is True and status["hub_version"] == ws.ha_version
    got = settled_keys(daemon)
    expected = keys(cli.audit_json("--url", home.ha.ws_url, "--token-file", str(home.token_file)), True)
    assert got == expected
    assert max(keys(daemon.api("domoguard/audit")).values()) == 1


def test_healthz_answers_over_http(daemon: hf.Domoguardd) -> None:
    import json
    import urllib.request
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://127.0.0.1:{daemon.port}/healthz", timeout=10) as resp:
        body = json.loads(resp.read())
    assert body["success"] is True and body["result"]["devices"] > 30


def test_new_device_is_audited_and_the_household_notified(daemon: hf.Domoguardd, home: LiveHome) -> None:
    mark = daemon.mark()
    home.broker.publish(NEW_TOPIC, {"state": "ON", "child_lock": "UNLOCK", "linkquality": 99})
    for topic, cfg in new_plug_configs().items():
        home.broker.publish(topic, cfg)
    line = daemon.wait_line(rf"re-audit: (\d+) device\(s\).*event to stored ([0-9.]+) ms; new: .*{NEW_NAME}",
                            since=mark, timeout=30)
    assert int(line.group(1)) >= 1
    assert float(line.group(2)) < 5000
    notified = daemon.wait_line(rf"notified: new device {NEW_NAME}, (\d+) findings", since=mark, timeout=30)
    count = int(notified.group(1))

    home.refresh_entities()
    dev_id = home.device_id(NEW_CHILD_LOCK_UID)
    # The child lock is off: DG-CHI-001 for the new plug, through the daemon's API.
    mine = daemon.api("domoguard/device", device_id=dev_id)
    assert mine["device"]["name"] == NEW_NAME and mine["device"]["type"] == "plug"
    rules = [f["rule"] for f in mine["findings"]]
    assert "DG-CHI-001" in rules
    assert len(mine["findings"]) == count >= 1
    whole = daemon.api("domoguard/audit")
    assert ("DG-CHI-001", "device", dev_id) in keys(whole)

    # The persistent notification, read back from HA itself.
    with home.ha.ws() as ws:
        notes = {n["notification_id"]: n for n in ws.call("persistent_notification/get")}
    note = notes.get(f"domoguard_new_device_{dev_id}")
    assert note is not None, sorted(notes)
    assert note["message"].startswith(f"New device paired: {NEW_NAME} — {count} finding")
    # The link opens the panel that is really there: this daemon serves it (not HA's /domoguard, which
    # only the integration adds).
    assert f"](http://127.0.0.1:{daemon.port}/)" in note["message"], note["message"]
    assert "1 findings" not in note["message"]
    assert "DomoGuard" in note["title"]
    # One notification per new device, not one per re-audit.
    assert sum(1 for n in notes.values() if NEW_NAME in n["message"]) == 1


def test_removed_device_findings_are_resolved(daemon: hf.Domoguardd, home: LiveHome) -> None:
    dev_id = home.device_id(NEW_CHILD_LOCK_UID)
    assert any(k[2] == dev_id for k in keys(daemon.api("domoguard/audit")))
    mark = daemon.mark()
    for topic in new_plug_configs():
        home.broker.publish(topic, "")  # an empty retained config removes the entity (and, last, the device)
    home.broker.publish(NEW_TOPIC, "")
    line = daemon.wait_line(r"re-audit: \d+ device\(s\), \d+ new and ([1-9]\d*) resolved", since=mark, timeout=30)
    assert int(line.group(1)) >= 1
    deadline = time.monotonic() + 15
    while any(k[2] == dev_id for k in keys(daemon.api("domoguard/audit"))) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert not any(k[2] == dev_id for k in keys(daemon.api("domoguard/audit")))


def test_restart_of_home_assistant_resyncs_without_duplicates_or_losses(daemon: hf.Domoguardd,
                                                                       home: LiveHome) -> None:
    before = settled_keys(daemon)
    audits_before = stored_audits(daemon.db)
    history_before = len(daemon.api("domoguard/history", limit=500))
    pid = daemon.pid
    mark = daemon.mark()

    home.ha.restart(downtime=1.0)

    daemon.wait_line(r"connection lost", since=mark, timeout=30)
    daemon.wait_line(r"reconnecting in \d+ s", since=mark, timeout=30)
    full = daemon.wait_line(r"full audit: score \d+, (\d+) devices", since=mark, timeout=120)
    assert int(full.group(1)) == daemon.api("domoguard/status")["devices"]
    # MQTT entities get their retained states shortly after HA is up; the daemon follows them.
    deadline = time.monotonic() + 45
    after = keys(daemon.api("domoguard/audit"), stable_only=True)
    while after != before and time.monotonic() < deadline:
        time.sleep(0.5)
        after = keys(daemon.api("domoguard/audit"), stable_only=True)
    lost, gained = before - after, after - before
    assert not lost and not gained, f"lost {sorted(lost)}; gained or duplicated {sorted(gained)}"
    assert max(keys(daemon.api("domoguard/audit")).values()) == 1  # volatile ones included
    assert daemon.pid == pid  # the same daemon process rode out the restart
    assert stored_audits(daemon.db) > audits_before
    assert len(daemon.api("domoguard/history", limit=500)) > history_before
    # The reconnect was logged as such, with a bounded delay.
    delays = [int(m) for m in re.findall(r"reconnecting in (\d+) s", "\n".join(daemon.lines[mark:]))]
    assert delays and max(delays) <= 60


def test_daemon_stops_cleanly(daemon: hf.Domoguardd) -> None:
    mark = daemon.mark()
    assert daemon.stop() == 0
    assert any("stopping" in line for line in daemon.lines[mark:])
