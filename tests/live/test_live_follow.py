"""The daemon's view follows what HA changes outside its registries, while it stays connected:
automations saved through HA's own config API (HA reloads them and fires automation_reloaded), and
Assist's "expose new entities" setting (no event: the daemon re-reads it on a short timer)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import hass_fixture as hf
from conftest import LiveHome

AUTOMATION_ID = "dg_follow_presence_unlock"


def findings(daemon: hf.Domoguardd, rule: str) -> list[dict]:
    return [f for f in daemon.api("domoguard/audit")["findings"] if f["rule"] == rule]


def wait_until(check, what: str, timeout: float = 40) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if check():
            return time.monotonic() - t0
        time.sleep(0.3)
    raise AssertionError(f"{what}: not seen within {timeout} s")


@pytest.fixture(scope="module")
def daemon(daemon_binary: Path, home: LiveHome, workdir: Path):
    with hf.Domoguardd(daemon_binary, home.ha.ws_url, home.token_file, workdir / "follow.db", notify=False) as d:
        yield d


def save_automation(home: LiveHome, conditions: list[dict]) -> None:
    body = {"id": AUTOMATION_ID, "alias": "Unlock when Alex arrives (follow test)", "description": "",
            "triggers": [{"trigger": "zone", "entity_id": "person.alex", "zone": "zone.home", "event": "enter"}],
            "conditions": conditions,
            "actions": [{"action": "lock.unlock", "target": {"entity_id": "lock.front_door"}}], "mode": "single"}
    status, reply = home.ha.http("POST", f"/api/config/automation/config/{AUTOMATION_ID}", body)
    assert status == 200, reply


def test_a_new_automation_and_its_fix_are_seen_while_connected(daemon: hf.Domoguardd, home: LiveHome) -> None:
    ours = lambda: [f for f in findings(daemon, "DG-AUT-001") if f["subject"]["id"] == AUTOMATION_ID]  # noqa: E731
    assert not ours()
    try:
        save_automation(home, [])
        took = wait_until(lambda: bool(ours()), "the presence-only unlock")
        print(f"\n[live] new presence-only unlock seen after {took:.1f} s")
        # Fixed by a real confirmation: the finding goes.
        save_automation(home, [{"condition": "state", "entity_id": "input_boolean.guest_mode", "state": "on"}])
        took = wait_until(lambda: not ours(), "the fixed automation")
        print(f"[live] fixed automation resolved after {took:.1f} s")
    finally:
        home.ha.http("DELETE", f"/api/config/automation/config/{AUTOMATION_ID}")


def test_expose_new_entities_is_followed(daemon: hf.Domoguardd, home: LiveHome) -> None:
    def set_expose_new(on: bool) -> None:
        with home.ha.ws() as ws:
            ws.call("homeassistant/expose_new_entities/set", assistant="conversation", expose_new=on)

    def flagged() -> bool:
        return any("conversation" in json.dumps(f["evidence"]) for f in findings(daemon, "DG-VOI-003"))

    try:
        set_expose_new(True)
        wait_until(flagged, "expose new entities on")
        set_expose_new(False)
        took = wait_until(lambda: not flagged(), "expose new entities off")
        print(f"\n[live] expose-new change seen after {took:.1f} s")
        set_expose_new(True)
        took = wait_until(flagged, "expose new entities on again")
        print(f"[live] expose-new back on seen after {took:.1f} s")
    finally:
        set_expose_new(True)


def test_the_config_folder_gives_the_same_automation_and_http_findings(cli, home: LiveHome) -> None:
    """One home read two ways: HA's WebSocket API and its config folder (automations.yaml written by
    HA's own editor API, .storage/http, exposure settings). Rules that both readings can run agree."""
    rules = ("DG-AUT-001", "DG-AUT-002", "DG-HUB-003", "DG-HUB-005", "DG-VOI-003")

    def keyset(audit: dict) -> set:
        return {(f["rule"], f["subject"]["id"]) for f in audit["findings"] if f["rule"] in rules}

    save_automation(home, [])
    try:
        live = cli.audit_json("--url", home.ha.ws_url, "--token-file", str(home.token_file))
        assert (("DG-AUT-001", AUTOMATION_ID)) in keyset(live)
        for audit in (live,):
            assert not [n for n in audit["not_run"] if n["rule"] in ("DG-AUT-001", "DG-AUT-002")]
        def snapshot() -> dict:
            # HA saves its stores a few seconds after a change; until then the folder may not score.
            proc = cli.run("audit", str(home.ha.config_dir), "--format", "json", "--no-history")
            assert proc.returncode in (0, 7), proc.stderr
            return json.loads(proc.stdout)

        deadline = time.monotonic() + 30
        folder = snapshot()
        while keyset(folder) != keyset(live) and time.monotonic() < deadline:
            time.sleep(1)
            folder = snapshot()
        ran_both = {r for r in rules
                    if not any(n["rule"] == r for n in live["not_run"] + folder["not_run"])}
        assert {"DG-AUT-001", "DG-AUT-002"} <= ran_both
        assert {k for k in keyset(folder) if k[0] in ran_both} == {k for k in keyset(live) if k[0] in ran_both}
    finally:
        home.ha.http("DELETE", f"/api/config/automation/config/{AUTOMATION_ID}")
