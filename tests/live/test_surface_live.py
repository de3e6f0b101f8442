"""The hub's outer doors on a real Home Assistant: long-lived access tokens made through HA's own API,
a Zigbee2MQTT-style permit-join switch over MQTT, and a lock with a code that Assist opens without it.
Each finding is shown to follow the home, and the token findings to agree with the config folder."""

from __future__ import annotations

import json
import re
import time

from conftest import Cli, LiveHome

BRIDGE = "0x00124b0029f3a1b2"
PERMIT_UID = f"bridge_{BRIDGE}_permit_join_zigbee2mqtt"
GATE_UID = "gatelock_91ab20_lock"


def shows(report: dict, secret: str) -> bool:
    """Whether the report shows `secret` as a value of its own: not as a run of digits inside a longer id,
    hash, timestamp or number (a 32-character hex id holds any 6 digits now and then)."""
    return re.search(rf"(?<![0-9A-Za-z.]){re.escape(secret)}(?![0-9A-Za-z])", json.dumps(report)) is not None


def live_audit(cli: Cli, home: LiveHome) -> dict:
    return cli.audit_json("--url", home.ha.ws_url, "--token-file", str(home.token_file))


def folder_audit(cli: Cli, home: LiveHome, ready=lambda snap: True, timeout: float = 40) -> dict:
    """The same home read from its config folder. HA saves its registries a few seconds after a change;
    until it has, the audit exits 7 (nothing to score); then it is read again until `ready` holds."""
    deadline = time.monotonic() + timeout
    while True:
        proc = cli.run("audit", str(home.ha.config_dir), "--format", "json", "--no-history")
        assert proc.returncode in (0, 7), f"audit of the config folder exited {proc.returncode}: {proc.stderr}"
        snap = json.loads(proc.stdout) if proc.returncode == 0 else None
        if snap is not None and ready(snap):
            return snap
        assert time.monotonic() < deadline, "the config folder did not catch up with the live hub"
        time.sleep(1)


def findings(report: dict, rule: str) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == rule]


def test_long_lived_tokens_counted_and_never_shown(cli: Cli, home: LiveHome) -> None:
    """Four more long-lived tokens made through HA's API (auth/long_lived_access_token) give the account
    more than three: DG-TOK-002 names the count, never a token; deleting them ends the finding."""
    made: list[str] = []
    with home.ha.ws() as ws:
        owner = ws.call("auth/current_user")
        before = [t for t in ws.call("auth/refresh_tokens") if t["type"] == "long_lived_access_token"]
        for i in range(4):
            made.append(ws.call("auth/long_lived_access_token", client_name=f"DomoGuard test {i}", lifespan=30))
        tokens = [t for t in ws.call("auth/refresh_tokens") if t["type"] == "long_lived_access_token"]
    assert len(tokens) == len(before) + 4
    try:
        report = live_audit(cli, home)
        mine = [f for f in findings(report, "DG-TOK-002") if f["subject"]["id"] == owner["id"]]
        assert len(mine) == 1, findings(report, "DG-TOK-002")
        assert mine[0]["evidence"]["long_lived_count"] == str(len(tokens))
        text = json.dumps(report)
        for secret in made + [t["id"] for t in tokens]:
            assert secret not in text
        # The config folder (.storage/auth, written by HA a little later) agrees.
        snap = folder_audit(cli, home, lambda s: any(f["subject"]["id"] == owner["id"] for f in findings(s, "DG-TOK-002")))
        mine_offline = [f for f in findings(snap, "DG-TOK-002") if f["subject"]["id"] == owner["id"]]
        assert len(mine_offline) == 1
        assert mine_offline[0]["evidence"] == mine[0]["evidence"]
        for secret in made:
            assert secret not in json.dumps(snap)
    finally:
        with home.ha.ws() as ws:
            for t in ws.call("auth/refresh_tokens"):
                if (t.get("client_name") or "").startswith("DomoGuard test "):
                    ws.call("auth/delete_refresh_token", refresh_token_id=t["id"])
    report = live_audit(cli, home)
    assert not [f for f in findings(report, "DG-TOK-002") if f["subject"]["id"] == owner["id"]]


def test_zigbee2mqtt_permit_join_left_open(cli: Cli, home: LiveHome) -> None:
    """Zigbee2MQTT's bridge announces permit_join as a switch through MQTT discovery; left on, DG-RAD-001
    names it with a one-click turn-off; off, the finding is gone."""
    bridge_dev = {"identifiers": [f"zigbee2mqtt_bridge_{BRIDGE}"], "name": "Zigbee2MQTT Bridge",
                  "manufacturer": "Zigbee2MQTT", "model": "Bridge", "sw_version": "2.6.3"}
    home.broker.publish(f"homeassistant/switch/{BRIDGE}/permit_join/config", json.dumps({
        "name": "Permit join", "object_id": "zigbee2mqtt_bridge_permit_join", "unique_id": PERMIT_UID,
        "entity_category": "config", "icon": "mdi:human-greeting-proximity",
        "state_topic": "zigbee2mqtt/bridge/info", "value_template": "{{ value_json.permit_join | lower }}",
        "state_on": "true", "state_off": "false",
        "command_topic": "zigbee2mqtt/bridge/request/permit_join",
        "payload_on": '{"value": true}', "payload_off": '{"value": false}', "device": bridge_dev}))
    home.broker.publish("zigbee2mqtt/bridge/info", json.dumps({"permit_join": True, "version": "2.6.3"}))
    home.refresh_entities()
    entity_id = home.entity_id(PERMIT_UID)
    home.wait_state(entity_id, "on")
    report = live_audit(cli, home)
    mine = [f for f in findings(report, "DG-RAD-001") if f["evidence"]["entity"] == entity_id]
    assert len(mine) == 1, findings(report, "DG-RAD-001")
    assert mine[0]["severity"] == "high"
    assert mine[0]["remediation"]["kind"] == "action"
    assert mine[0]["remediation"]["actions"] == [{"kind": "switch", "target": entity_id, "after": "off"}]
    home.broker.publish("zigbee2mqtt/bridge/info", json.dumps({"permit_join": False, "version": "2.6.3"}))
    home.wait_state(entity_id, "off")
    report = live_audit(cli, home)
    assert not [f for f in findings(report, "DG-RAD-001") if f["evidence"]["entity"] == entity_id]


def test_assist_opens_a_coded_lock_with_its_stored_code(cli: Cli, home: LiveHome) -> None:
    """A lock that asks for a 6-digit code, shared with Assist: no finding while no code is stored (HA
    refuses a spoken unlock); with a default code stored, DG-VOI-006 (critical), never showing the code."""
    gate_dev = {"identifiers": ["gatelock_91ab20"], "name": "Garden gate lock", "manufacturer": "Acme Locks",
                "model": "GateLock 1", "sw_version": "1.2.0"}
    home.broker.publish("homeassistant/lock/gatelock_91ab20/lock/config", json.dumps({
        "name": None, "object_id": "garden_gate", "unique_id": GATE_UID, "code_format": "^\\d{6}$",
        "command_topic": "gatelock/91ab20/set", "state_topic": "gatelock/91ab20/state", "device": gate_dev}))
    home.broker.publish("gatelock/91ab20/state", "LOCKED")
    home.refresh_entities()
    entity_id = home.entity_id(GATE_UID)
    home.wait_state(entity_id, "locked")
    with home.ha.ws() as ws:
        ws.call("homeassistant/expose_entity", assistants=["conversation"], entity_ids=[entity_id], should_expose=True)
    report = live_audit(cli, home)
    assert not [f for f in findings(report, "DG-VOI-006") if f["evidence"]["entity"] == entity_id]
    with home.ha.ws() as ws:
        ws.call("config/entity_registry/update", entity_id=entity_id, options_domain="lock",
                options={"default_code": "815293"})
    try:
        report = live_audit(cli, home)
        mine = [f for f in findings(report, "DG-VOI-006") if f["evidence"]["entity"] == entity_id]
        assert len(mine) == 1, findings(report, "DG-VOI-006")
        assert mine[0]["severity"] == "critical"
        assert mine[0]["remediation"]["actions"] == [{"kind": "set_exposure", "target": entity_id, "after": "false"}]
        assert shows({"default_code": "815293"}, "815293") and not shows(report, "815293")
    finally:
        with home.ha.ws() as ws:
            ws.call("config/entity_registry/update", entity_id=entity_id, options_domain="lock",
                    options={"default_code": ""})
            ws.call("homeassistant/expose_entity", assistants=["conversation"], entity_ids=[entity_id],
                    should_expose=False)


def test_default_login_ban_never_bans(cli: Cli, home: LiveHome) -> None:
    """HA's default http settings ban nobody (login_attempts_threshold -1, components/http): DG-LOG-008
    from the live hub's http/config and from its config folder alike; no forwarded-address, CORS or
    trusted-network finding on a default hub."""
    report = live_audit(cli, home)
    snap = folder_audit(cli, home)
    for r in (report, snap):
        mine = findings(r, "DG-LOG-008")
        assert len(mine) == 1, (findings(r, "DG-LOG-008"), [n for n in r["not_run"] if n["rule"] == "DG-LOG-008"])
        assert mine[0]["severity"] == "low"
        assert mine[0]["evidence"]["login_attempts_threshold"] == "-1"
        for rule in ("DG-LOG-003", "DG-LOG-004", "DG-LOG-005", "DG-LOG-006", "DG-LOG-007"):
            assert not findings(r, rule), rule
