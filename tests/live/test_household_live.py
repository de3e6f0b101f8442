"""A household's Home Assistant, for real: a phone signs in and registers through the companion
app's own paths (the login flow with the iOS app's client id, mobile_app/registrations, its webhook),
and the HTTP settings change through http/config/configure, which stores a pending configuration and
restarts HA. The rules that depend on them are checked live and from the config folder, and the
slot DomoGuard reads from .storage/http is checked against the slot HA says it started with.

HA runs in its own instance here (not the session's shared home): the phone adds a device and the
HTTP changes restart HA, which the other live tests must not see."""

from __future__ import annotations

import json
import socket
import time

import pytest

import hass_fixture as hf
from conftest import Cli

IOS_CLIENT = "https://home-assistant.io/iOS"
IOS_REDIRECT = "homeassistant://auth-callback"
PHONE = {
    "device_id": "5b0d7c1e-93a4-4c1f-a2b8-6e0f4d3c2b1a",
    "app_id": "io.robbie.HomeAssistant",
    "app_name": "Home Assistant",
    "app_version": "2026.10.1",
    "device_name": "Test Owner's iPhone",
    "manufacturer": "Apple",
    "model": "iPhone16,1",
    "os_name": "iOS",
    "os_version": "19.1",
    "supports_encryption": False,
    "app_data": {},
}


@pytest.fixture(scope="module")
def ha(cli: Cli):
    with hf.HomeAssistant(yaml={"mobile_app": []}) as instance:
        # mobile_app is set up in HA's second stage, a few seconds after the API answers.
        instance.wait_for(lambda: "mobile_app" in instance.http("GET", "/api/config")[1].get("components", []),
                          "mobile_app loaded", timeout=60)
        yield instance


@pytest.fixture(scope="module")
def token_file(ha: hf.HomeAssistant, workdir):
    return hf.write_token_file(workdir / "household-token", ha.token)


def live_audit(cli: Cli, ha: hf.HomeAssistant, token_file) -> dict:
    return cli.audit_json("--url", ha.ws_url, "--token-file", str(token_file))


def folder_audit(cli: Cli, ha: hf.HomeAssistant, ready=lambda snap: True, timeout: float = 40) -> dict:
    """The config folder, read again until `ready` holds (HA saves its stores a little after a change)."""
    deadline = time.monotonic() + timeout
    while True:
        proc = cli.run("audit", str(ha.config_dir), "--format", "json", "--no-history")
        assert proc.returncode in (0, 7), f"audit of the config folder exited {proc.returncode}: {proc.stderr}"
        snap = json.loads(proc.stdout) if proc.returncode == 0 else None
        if snap is not None and ready(snap):
            return snap
        assert time.monotonic() < deadline, "the config folder did not catch up with the live hub"
        time.sleep(1)


def findings(report: dict, rule: str) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == rule]


def app_sign_in(ha: hf.HomeAssistant) -> str:
    """Signs the owner in as the iOS companion app does (login flow, then the code for tokens);
    returns the app's access token. HA records a refresh token for the app's client id."""
    st, flow = ha.http("POST", "/auth/login_flow", auth=False, body={
        "client_id": IOS_CLIENT, "handler": ["homeassistant", None], "redirect_uri": IOS_REDIRECT})
    flow = ha._expect("login flow start", st, flow)
    st, res = ha.http("POST", f"/auth/login_flow/{flow['flow_id']}", auth=False, body={
        "client_id": IOS_CLIENT, "username": ha.OWNER_USERNAME, "password": ha.OWNER_PASSWORD})
    res = ha._expect("login flow credentials", st, res)
    assert res.get("type") == "create_entry", res
    st, tok = ha.http("POST", "/auth/token", auth=False, form=True, body={
        "grant_type": "authorization_code", "code": res["result"], "client_id": IOS_CLIENT})
    return ha._expect("app token exchange", st, tok)["access_token"]


def test_a_registered_phone_is_a_tracker_and_the_owner_carries_it(cli: Cli, ha: hf.HomeAssistant, token_file) -> None:
    """The companion app signs in as the owner and registers the phone (mobile_app/registrations),
    then reports its battery and location through its webhook. The phone is a presence device that
    tracks where someone is (DG-PRV-002), live and from the config folder alike; the owner's account
    is on an everyday phone (DG-LOG-002), which the config folder shows (.storage/auth holds every
    account's sign-ins) and the live audit says it cannot judge."""
    app_token = app_sign_in(ha)
    st, reg = ha.http("POST", "/api/mobile_app/registrations", body=PHONE, token=app_token)
    reg = ha._expect("mobile_app registration", st, reg, ok=(200, 201))
    hook = f"/api/webhook/{reg['webhook_id']}"
    st, body = ha.http("POST", hook, auth=False, body={"type": "register_sensor", "data": {
        "type": "sensor", "unique_id": "battery_level", "name": "Battery Level", "state": 64,
        "device_class": "battery", "unit_of_measurement": "%", "entity_category": "diagnostic",
        "state_class": "measurement"}})
    ha._expect("register_sensor", st, body, ok=(200, 201))
    st, body = ha.http("POST", hook, auth=False, body={"type": "update_location", "data": {
        "gps": [52.5163, 13.3777], "gps_accuracy": 15, "battery": 64}})
    ha._expect("update_location", st, body, ok=(200, 201))

    with ha.ws() as ws:
        def phone_entities() -> dict[str, str]:
            return {e["entity_id"]: e["device_id"] for e in ws.call("config/entity_registry/list")
                    if e.get("platform") == "mobile_app"}
        ha.wait_for(lambda: any(e.startswith("device_tracker.") for e in phone_entities()), "the phone's tracker")
        ents = phone_entities()
        tracker = next(e for e in ents if e.startswith("device_tracker."))
        phone_id = ents[tracker]
        owner = ws.call("auth/current_user")
        app_tokens = [t for t in ws.call("auth/refresh_tokens") if t["client_id"] == IOS_CLIENT]
    assert len(app_tokens) == 1 and app_tokens[0]["last_used_at"], app_tokens

    def check(report: dict, where: str) -> None:
        phone = [d for d in report["devices"] if d["id"] == phone_id]
        assert phone, f"{where}: the phone is not in the inventory"
        assert phone[0]["type"] == "presence" and phone[0]["tier"] == "sensitive", (where, phone)
        tracks = [f for f in findings(report, "DG-PRV-002") if f["subject"]["id"] == phone_id]
        assert len(tracks) == 1, (where, findings(report, "DG-PRV-002"))
        assert reg["webhook_id"] not in json.dumps(report), f"{where}: the webhook id was printed"

    report = live_audit(cli, ha, token_file)
    check(report, "live")
    # Over the WebSocket API HA shows only the connected account's sign-ins, so the sign-in rules
    # say they did not run rather than judge from part of the accounts.
    assert [n["rule"] for n in report["not_run"] if n["rule"] == "DG-LOG-002"] == ["DG-LOG-002"]
    assert not findings(report, "DG-LOG-002")
    snap = folder_audit(cli, ha, lambda s: bool(findings(s, "DG-LOG-002")) and
                        any(d["id"] == phone_id for d in s["devices"]))
    check(snap, "folder")
    carried = [f for f in findings(snap, "DG-LOG-002") if f["subject"]["id"] == owner["id"]]
    assert len(carried) == 1, findings(snap, "DG-LOG-002")
    assert carried[0]["evidence"]["companion_app_sessions"] == "1"


def http_config(ha: hf.HomeAssistant) -> dict:
    with ha.ws() as ws:
        return ws.call("http/config")


def configure_and_restart(ha: hf.HomeAssistant, config: dict, before_restart=None) -> None:
    """http/config/configure as the settings page sends it; HA stores the pending configuration and
    restarts (exit code 100, which a supervisor or container answers by starting it again)."""
    with ha.ws() as ws:
        assert ws.call("http/config/configure", config=config) == {"restart": True}
    if before_restart is not None:
        before_restart()
    assert ha.wait_exit() == 100
    ha.restart()


def settings(slot: dict, **change) -> dict:
    return {k: v for k, v in slot.items() if k not in ("created_at", "error", "error_message")} | change


def test_domoguard_reads_the_http_slot_ha_started_with(cli: Cli, ha: hf.HomeAssistant, token_file) -> None:
    """HA prefers a pending HTTP configuration that has not failed a trial, else the stable one. After
    each restart the slot HA says it runs (http/config active_config_type) is the one DomoGuard
    judged from .storage/http: login banning switched off by a pending configuration gives
    DG-HUB-005; when that pending configuration fails its trial (its port is taken) HA falls back to
    stable, and so does DomoGuard (HA's default: banning on, never banning: DG-LOG-008)."""
    start = http_config(ha)
    assert start["active_config_type"] == "stable" and start["pending"] is None, start  # confirmed at start
    for r in (live_audit(cli, ha, token_file), folder_audit(cli, ha)):
        assert [f["evidence"]["login_attempts_threshold"] for f in findings(r, "DG-LOG-008")] == ["-1"]
        assert not findings(r, "DG-HUB-005")

    # A pending configuration HA will try on its next start: login banning off.
    configure_and_restart(ha, settings(start["stable"], ip_ban_enabled=False))
    now = http_config(ha)
    assert now["active_config_type"] == "pending", now
    assert now["pending"]["ip_ban_enabled"] is False and now["pending"]["error"] is None
    stored = json.loads((ha.config_dir / ".storage/http").read_text())
    assert stored["version"] == 2 and stored["data"]["pending"]["ip_ban_enabled"] is False
    for where, r in (("live", live_audit(cli, ha, token_file)), ("folder", folder_audit(cli, ha))):
        assert [f["evidence"]["login_ban"] for f in findings(r, "DG-HUB-005")] == ["false"], where
        assert not findings(r, "DG-LOG-008"), where

    # A pending configuration whose port is taken when HA restarts: HA cannot bind it, records the
    # failed trial on it and starts with stable; DomoGuard must judge stable too.
    with socket.socket() as probe:
        probe.bind((hf.LOOPBACK, 0))
        taken_port = probe.getsockname()[1]
    blocker = socket.socket()
    try:
        def take_port() -> None:
            blocker.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            blocker.bind((hf.LOOPBACK, taken_port))
            blocker.listen(1)
        configure_and_restart(ha, settings(start["stable"], ip_ban_enabled=False, server_port=taken_port),
                              before_restart=take_port)
        now = http_config(ha)
    finally:
        blocker.close()
    assert now["active_config_type"] == "stable", now
    assert now["pending"]["server_port"] == taken_port and now["pending"]["error"] is not None, now["pending"]
    stored = json.loads((ha.config_dir / ".storage/http").read_text())
    assert stored["data"]["pending"]["error"] is not None, stored["data"]["pending"]
    for where, r in (("live", live_audit(cli, ha, token_file)), ("folder", folder_audit(cli, ha))):
        assert not findings(r, "DG-HUB-005"), where
        assert [f["evidence"]["login_attempts_threshold"] for f in findings(r, "DG-LOG-008")] == ["-1"], where


def test_a_script_that_unlocks_runs_by_voice(cli: Cli, ha: hf.HomeAssistant, token_file) -> None:
    """Scripts saved through the script editor's API: one unlocks the front door, one asks the first
    to (script.turn_on), one only locks. HA 2026.10 does not share new scripts with Assist, so no
    DG-AUT-003 at first; once the household shares them (homeassistant/expose_entity), DG-AUT-003
    names the two that open the home, live (script/config) and from the config folder
    (scripts.yaml) alike; unsharing them ends it."""
    saves = {
        "unlock_front": {"alias": "Unlock the front door", "mode": "single",
                         "sequence": [{"action": "lock.unlock", "target": {"entity_id": "lock.front_door"}}]},
        "let_in": {"alias": "Let the guests in", "mode": "single",
                   "sequence": [{"action": "script.turn_on", "target": {"entity_id": "script.unlock_front"}}]},
        "good_night": {"alias": "Good night", "mode": "single",
                       "sequence": [{"action": "lock.lock", "target": {"entity_id": "lock.front_door"}}]},
    }
    for key, body in saves.items():
        st, res = ha.http("POST", f"/api/config/script/config/{key}", body=body)
        ha._expect(f"save script {key}", st, res)
    ha.wait_for(lambda: all(ha.http("GET", f"/api/states/script.{k}")[0] == 200 for k in saves), "the script entities")

    def named(report: dict) -> list[str]:
        return sorted(f["subject"]["id"] for f in findings(report, "DG-AUT-003"))

    def share(on: bool) -> None:
        with ha.ws() as ws:
            ws.call("homeassistant/expose_entity", assistants=["conversation"],
                    entity_ids=[f"script.{k}" for k in saves], should_expose=on)

    assert named(live_audit(cli, ha, token_file)) == []
    assert named(folder_audit(cli, ha, lambda s: True)) == []
    share(True)
    try:
        live = live_audit(cli, ha, token_file)
        assert named(live) == ["script.let_in", "script.unlock_front"], findings(live, "DG-AUT-003")
        let_in = next(f for f in findings(live, "DG-AUT-003") if f["subject"]["id"] == "script.let_in")
        assert let_in["severity"] == "critical" and let_in["subject"]["kind"] == "script"
        assert let_in["evidence"]["script"] == "script.unlock_front"
        snap = folder_audit(cli, ha, lambda s: len(findings(s, "DG-AUT-003")) == 2)
        assert named(snap) == named(live)
    finally:
        share(False)
    assert named(live_audit(cli, ha, token_file)) == []
    assert named(folder_audit(cli, ha, lambda s: not findings(s, "DG-AUT-003"))) == []
