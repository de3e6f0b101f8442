"""Modes that hold (issue 18) against a real Home Assistant, with domoguardd watching it.

Child-safe mode on; the Kitchen plug's child lock turned off at the device (an MQTT state) and by a
non-admin user through HA's service comes back on, as a journalled plan, with a notification that
names the user; the front door lock given back to Assist through HA's WebSocket API is taken off it
again; a level in "tell me" mode reports drift and changes nothing; a one-minute pause lets a change
stand until it ends by itself (the daemon's clock moved on by the test, DOMOGUARD_TEST_CLOCK_FILE); a
real HA automation that switches the child lock off whenever it goes on is fought only a few times,
then reported as DG-HOLD-001, in the hold status and in the audit, until the fight is over. The plug is
played by test_apply_live's responder (it confirms commands).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from conftest import PLUG, Cli, LiveHome, hf
from test_apply_live import PlugResponder

CHILD_LOCK_UID = f"{PLUG}_child_lock_zigbee2mqtt"
LOCK_UID = "doorlock_44e1c2_lock"
PLUG_TOPIC = "zigbee2mqtt/Kitchen plug"
SITTER = {"name": "Sitter Sam", "username": "sitter", "password": "sitter-test-password-7"}
ROGUE_ID = "domoguard_test_rogue_child_lock"
FIGHT_WINDOW_S = 300  # api::kHoldWindowS


def wait_for(predicate, timeout: float = 20.0, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def user_token(ha: hf.HomeAssistant, username: str, password: str) -> str:
    """Logs a user in through HA's own login flow (homeassistant/components/auth/login_flow.py)."""
    client_id = f"{ha.url}/"
    st, flow = ha.http("POST", "/auth/login_flow", auth=False, body={
        "client_id": client_id, "handler": ["homeassistant", None], "redirect_uri": f"{client_id}?auth_callback=1"})
    assert st == 200, flow
    st, step = ha.http("POST", f"/auth/login_flow/{flow['flow_id']}", auth=False, body={
        "client_id": client_id, "username": username, "password": password})
    assert st == 200 and step.get("type") == "create_entry", step
    st, tok = ha.http("POST", "/auth/token", auth=False, form=True, body={
        "grant_type": "authorization_code", "code": step["result"], "client_id": client_id})
    assert st == 200, tok
    return tok["access_token"]


@pytest.fixture(scope="module")
def sitter(home: LiveHome) -> dict:
    """A household member who is not an administrator (HA's "system-users" group)."""
    with home.ha.ws() as ws:
        users = {u["name"]: u for u in ws.call("config/auth/list")}
        if SITTER["name"] not in users:
            user = ws.call("config/auth/create", name=SITTER["name"], group_ids=["system-users"],
                           local_only=False)["user"]
            ws.call("config/auth_provider/homeassistant/create", user_id=user["id"],
                    username=SITTER["username"], password=SITTER["password"])
            users[SITTER["name"]] = user
    return {"id": users[SITTER["name"]]["id"], "token": user_token(home.ha, SITTER["username"], SITTER["password"])}


@pytest.fixture(scope="module")
def plug(home: LiveHome):
    with PlugResponder(home) as r:
        yield r


@pytest.fixture(scope="module")
def daemon(daemon_binary: Path, home: LiveHome, workdir: Path, sitter: dict, plug: PlugResponder):
    # The sitter exists before the daemon reads the users, as in a home where they were set up earlier.
    db = workdir / "hold.db"
    clock = workdir / "hold-clock"
    clock.write_text("0\n")
    with hf.Domoguardd(daemon_binary, home.ha.ws_url, home.token_file, db, notify=True,
                       env={"DOMOGUARD_TEST_CLOCK_FILE": str(clock)}) as d:
        d.clock_file = clock
        yield d


def advance_clock(daemon: hf.Domoguardd, seconds: int) -> None:
    """Moves the daemon's clock of pauses and fight windows on (its test hook), instead of waiting."""
    offset = int(daemon.clock_file.read_text().strip() or 0) + seconds
    daemon.clock_file.write_text(f"{offset}\n")


def state(home: LiveHome, entity_id: str) -> str:
    s = home.state(entity_id)
    return s["state"] if s else "missing"


def notifications(home: LiveHome) -> dict[str, dict]:
    with home.ha.ws() as ws:
        return {n["notification_id"]: n for n in ws.call("persistent_notification/get")}


def dismiss(home: LiveHome, *ids: str) -> None:
    with home.ha.ws() as ws:
        for nid in ids:
            ws.call("call_service", domain="persistent_notification", service="dismiss",
                    service_data={"notification_id": nid})


def device_sets_child_lock(home: LiveHome, plug: PlugResponder, value: str) -> None:
    """The plug reports a new child-lock state by itself, as when someone presses its button."""
    with plug._publish:
        plug.state["child_lock"] = value
        home.broker.publish(PLUG_TOPIC, json.dumps(plug.state))


def exposed(home: LiveHome, entity_id: str, assistant: str = "conversation") -> bool:
    with home.ha.ws() as ws:
        return bool(ws.call("homeassistant/expose_entity/list")["exposed_entities"].get(entity_id, {}).get(assistant))


@pytest.fixture()
def child_safe(daemon: hf.Domoguardd, home: LiveHome, plug: PlugResponder):
    child_lock = home.entity_id(CHILD_LOCK_UID)
    applied = daemon.api("domoguard/apply", selector=["--child-safe", "on"], user="Alex")
    assert applied["ok"] is True, applied
    assert wait_for(lambda: state(home, child_lock) == "on"), state(home, child_lock)
    # HA credits what an entity writes within 5 s of a service call to that call's user
    # (Entity.async_set_context): let DomoGuard's own call age out of that window first.
    time.sleep(5.5)
    yield applied
    daemon.api("domoguard/hold/pause", mode="child_safe", seconds=0, user="Alex")
    off = daemon.api("domoguard/apply", selector=["--child-safe", "off"], user="Alex")
    assert off["ok"] is True, off
    plug.wait_idle()
    # Switching the mode off undid its plan and what was put back on its behalf.
    assert wait_for(lambda: state(home, child_lock) == "off"), state(home, child_lock)
    assert not daemon.api("domoguard/hold")["modes"][0]["in_force"]
    time.sleep(1)  # the daemon has seen HA's events of the undo before the next test plans anything


def test_child_lock_turned_off_at_the_device_and_by_a_user_is_put_back(
        daemon: hf.Domoguardd, home: LiveHome, plug: PlugResponder, sitter: dict, child_safe: dict, cli: Cli) -> None:
    child_lock = home.entity_id(CHILD_LOCK_UID)
    assert daemon.api("domoguard/hold")["modes"][0] == {
        "mode": "child_safe", "title": "child-safe mode", "in_force": True, "policy": "restore",
        "paused_until": None, "holding": True}

    # 1. At the device: the plug says its child lock is off.
    mark = daemon.mark()
    t0 = time.monotonic()
    device_sets_child_lock(home, plug, "UNLOCK")
    assert wait_for(lambda: state(home, child_lock) == "off", timeout=5) or True  # may be put back before we look
    put_back = daemon.wait_line(rf"put back child_safe: {child_lock} \(journal (\d+)\)", since=mark, timeout=10)
    assert wait_for(lambda: state(home, child_lock) == "on", timeout=10)
    print(f"\n[hold] child lock off at the device -> on again in {time.monotonic() - t0:.2f} s")
    # The notification follows the log line: wait for it (and for it to be this change's).
    note = wait_for(lambda: notifications(home).get("domoguard_hold_child_safe"), timeout=10)
    assert note and "Kitchen plug" in note["message"] and "did not say by whom" in note["message"], note
    dismiss(home, "domoguard_hold_child_safe")
    journal_id = int(put_back.group(1))
    entry = [e for e in daemon.api("domoguard/journal") if e["journal_id"] == journal_id]
    assert entry and entry[0]["kind"] == "hold" and entry[0]["state"] == "applied", entry

    # 2. By a household member who is not an admin, through HA's own service.
    mark = daemon.mark()
    t0 = time.monotonic()
    with hf.HaWebSocket(home.ha.port, sitter["token"]) as ws:
        ws.call("call_service", domain="switch", service="turn_off", service_data={"entity_id": child_lock})
    daemon.wait_line(rf"put back child_safe: {child_lock} \(journal \d+\)", since=mark, timeout=10)
    assert wait_for(lambda: state(home, child_lock) == "on", timeout=10)
    print(f"[hold] child lock off by {SITTER['name']} -> on again in {time.monotonic() - t0:.2f} s")
    note = wait_for(lambda: notifications(home).get("domoguard_hold_child_safe"), timeout=10)
    assert note and SITTER["name"] in note["message"], note

    status = daemon.api("domoguard/hold")
    assert status["last_restore"]["items"][0]["target"] == child_lock
    assert status["last_restore"]["items"][0]["changed_by"] == SITTER["name"]
    verify = cli.run("log", "verify", "--db", str(daemon.db))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    dismiss(home, "domoguard_hold_child_safe")


def test_lock_given_back_to_assist_is_taken_off_again(daemon: hf.Domoguardd, home: LiveHome, child_safe: dict) -> None:
    lock = home.entity_id(LOCK_UID)
    assert wait_for(lambda: not exposed(home, lock))
    mark = daemon.mark()
    with home.ha.ws() as ws:
        ws.call("homeassistant/expose_entity", assistants=["conversation"], entity_ids=[lock], should_expose=True)
    daemon.wait_line(rf"put back child_safe: {lock} \(journal \d+\)", since=mark, timeout=10)
    assert wait_for(lambda: not exposed(home, lock), timeout=10)
    dismiss(home, "domoguard_hold_child_safe")


def test_a_paused_mode_lets_the_change_stand_until_the_pause_ends(
        daemon: hf.Domoguardd, home: LiveHome, plug: PlugResponder, child_safe: dict) -> None:
    # "Let the sitter turn it off for a minute": the minute passes on the daemon's test clock.
    child_lock = home.entity_id(CHILD_LOCK_UID)
    paused = daemon.api("domoguard/hold/pause", mode="child_safe", seconds=60, user="Alex")
    assert paused["paused_until"]
    mark = daemon.mark()
    device_sets_child_lock(home, plug, "UNLOCK")
    assert wait_for(lambda: state(home, child_lock) == "off", timeout=5)
    time.sleep(6)  # more than one of the daemon's periodic checks (every 5 s) within the pause
    assert state(home, child_lock) == "off"  # the pause lets it stand
    assert not daemon.api("domoguard/hold")["modes"][0]["holding"]
    assert not any(re.search(rf"put back child_safe: {child_lock}", line) for line in daemon.lines[mark:])
    # The pause ends by itself (no resume), and the mode holds again at the next periodic check.
    advance_clock(daemon, 61)
    daemon.wait_line(rf"put back child_safe: {child_lock}", since=mark, timeout=20)
    assert wait_for(lambda: state(home, child_lock) == "on", timeout=10)
    assert daemon.api("domoguard/hold")["modes"][0]["holding"]
    dismiss(home, "domoguard_hold_child_safe")


def save_rogue_automation(home: LiveHome, child_lock: str) -> None:
    """A real automation, saved through HA's automation editor API (config/automation/config/<id>:
    written to automations.yaml and reloaded): whenever the child lock goes on, it turns it off."""
    body = {"id": ROGUE_ID, "alias": "Rogue child lock (DomoGuard test)", "description": "",
            "triggers": [{"trigger": "state", "entity_id": child_lock, "to": "on"}],
            "conditions": [],
            "actions": [{"action": "switch.turn_off", "target": {"entity_id": child_lock}}],
            "mode": "queued"}
    st, reply = home.ha.http("POST", f"/api/config/automation/config/{ROGUE_ID}", body)
    assert st == 200, reply


def rogue_entity(home: LiveHome) -> str | None:
    st, states = home.ha.http("GET", "/api/states")
    assert st == 200
    for s in states:
        if s["entity_id"].startswith("automation.") and s["attributes"].get("id") == ROGUE_ID:
            return s["entity_id"]
    return None


def audit_fights(daemon: hf.Domoguardd) -> list[dict]:
    return [f for f in daemon.api("domoguard/audit")["findings"] if f["rule"] == "DG-HOLD-001"]


def test_an_automation_that_keeps_undoing_the_child_lock_is_not_fought_forever(
        daemon: hf.Domoguardd, home: LiveHome, plug: PlugResponder, child_safe: dict) -> None:
    child_lock = home.entity_id(CHILD_LOCK_UID)
    lock_before = plug.commands.count('{"child_lock": "LOCK"}')
    unlock_before = plug.commands.count('{"child_lock": "UNLOCK"}')
    assert not audit_fights(daemon)
    try:
        save_rogue_automation(home, child_lock)
        assert wait_for(lambda: (e := rogue_entity(home)) and state(home, e) == "on", timeout=20), rogue_entity(home)
        mark = daemon.mark()
        # Someone turns the lock off once; DomoGuard puts it back, the automation turns it off again, ...
        device_sets_child_lock(home, plug, "UNLOCK")
        fight = daemon.wait_line(rf"stopped putting back {child_lock} after (\d+) attempts", since=mark, timeout=60)
        attempts = int(fight.group(1))
        at_fight = plug.commands.count('{"child_lock": "LOCK"}') - lock_before
        off_at_fight = plug.commands.count('{"child_lock": "UNLOCK"}') - unlock_before
        time.sleep(6)  # a periodic check and more: DomoGuard does not start again, so neither does the automation
        put_back = plug.commands.count('{"child_lock": "LOCK"}') - lock_before
        turned_off = plug.commands.count('{"child_lock": "UNLOCK"}') - unlock_before
        print(f"\n[hold] automation fight: {put_back} put-back command(s), {turned_off} turn-off command(s) "
              f"(the automation's, and any roll-back); stopped after {attempts} attempts")
        assert attempts == 3
        assert put_back == at_fight == attempts
        # No endless loop: nothing more reaches the plug once DomoGuard stopped.
        assert turned_off == off_at_fight and attempts <= turned_off <= 2 * attempts
        assert state(home, child_lock) == "off"
        status = daemon.api("domoguard/hold")
        assert [f["target"] for f in status["fights"]] == [child_lock]
        assert status["findings"][0]["rule"] == "DG-HOLD-001"
        assert wait_for(lambda: f"domoguard_hold_fight_{child_lock}" in notifications(home), timeout=10)
        # The fight is a finding of the audit every front end shows, while it stands.
        found = wait_for(lambda: audit_fights(daemon), timeout=10)
        assert found and found[0]["subject"]["id"] == child_lock, found
        assert found[0]["severity"] == "medium" and "7.2.12" in found[0]["clauses"]
        assert found[0]["evidence"]["attempts"] == "3"

        # Over: the automation is removed, the household turns the lock back on, and once that has
        # held for the whole window (the test moves the daemon's clock on) the finding goes.
        st, reply = home.ha.http("DELETE", f"/api/config/automation/config/{ROGUE_ID}")
        assert st == 200, reply
        assert wait_for(lambda: rogue_entity(home) is None, timeout=20)
        with home.ha.ws() as ws:
            ws.call("call_service", domain="switch", service="turn_on", service_data={"entity_id": child_lock})
        assert wait_for(lambda: state(home, child_lock) == "on", timeout=10)
        time.sleep(1)  # the daemon has seen it
        assert audit_fights(daemon), "still there until the window has passed"
        advance_clock(daemon, FIGHT_WINDOW_S + 1)
        assert wait_for(lambda: not audit_fights(daemon), timeout=20), audit_fights(daemon)
        assert daemon.api("domoguard/hold")["fights"] == []
    finally:
        home.ha.http("DELETE", f"/api/config/automation/config/{ROGUE_ID}")
        plug.wait_idle()
        dismiss(home, f"domoguard_hold_fight_{child_lock}", "domoguard_hold_child_safe")


def test_a_level_in_tell_me_mode_reports_drift_and_changes_nothing(daemon: hf.Domoguardd, home: LiveHome) -> None:
    settings = daemon.api("domoguard/settings")
    assert settings["hold"]["level"] == "notify"
    applied = daemon.api("domoguard/apply", selector=["--level", "recommended"], user="Alex")
    assert applied["ok"] is True, applied
    steps = [s for s in applied["steps"] if s["outcome"] == "changed" and s["kind"] == "set_exposure"]
    assert steps, applied["steps"]
    step = steps[0]
    try:
        mark = daemon.mark()
        with home.ha.ws() as ws:
            ws.call("homeassistant/expose_entity", assistants=[step["param"]], entity_ids=[step["target"]],
                    should_expose=True)
        daemon.wait_line(rf"drift told \(level\): {step['target']}", since=mark, timeout=10)
        assert wait_for(lambda: "domoguard_hold_drift_level" in notifications(home), timeout=10)
        time.sleep(2)
        assert exposed(home, step["target"], step["param"])  # changed nothing
        drift = daemon.api("domoguard/hold")["drift"]
        assert any(d["target"] == step["target"] and d["mode"] == "level" for d in drift), drift
    finally:
        daemon.api("domoguard/undo", journal_id=applied["journal_id"], user="Alex")
        dismiss(home, "domoguard_hold_drift_level")
