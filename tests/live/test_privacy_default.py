"""Privacy by default (ISO/IEC 27403 7.3.2) against a real Home Assistant: a newly paired MQTT
camera starts private — the daemon turns its privacy-mode switch on before anyone uses it, says so
in the notification — and opting in (undoing that change through the daemon's API) restores it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import LiveHome, hf

CAM_ID = "nursery_cam_01"
CAM_NAME = "Nursery camera"
PRIVACY_UID = f"{CAM_ID}_privacy_mode"
STATE_TOPIC = f"test/{CAM_ID}/privacy"


def camera_configs() -> dict[str, dict]:
    dev = {"identifiers": [f"testcam_{CAM_ID}"], "name": CAM_NAME, "manufacturer": "Acme Vision",
           "model": "IndoorCam 2", "sw_version": "2.1.0"}
    return {
        f"homeassistant/camera/{CAM_ID}/camera/config": {
            "name": None, "unique_id": f"{CAM_ID}_camera", "topic": f"test/{CAM_ID}/image", "device": dev},
        # Optimistic: HA shows a command's result at once, as a camera that answers would.
        f"homeassistant/switch/{CAM_ID}/privacy/config": {
            "name": "Privacy mode", "unique_id": PRIVACY_UID, "state_topic": STATE_TOPIC,
            "command_topic": f"{STATE_TOPIC}/set", "optimistic": True, "entity_category": "config",
            "device": dev},
    }


def switch_state(home: LiveHome, entity_id: str) -> str:
    with home.ha.ws() as ws:
        for s in ws.call("get_states"):
            if s["entity_id"] == entity_id:
                return s["state"]
    return "missing"


def wait_for(predicate, timeout: float = 20.0, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


@pytest.fixture(scope="module")
def daemon(daemon_binary: Path, home: LiveHome, workdir: Path):
    db = workdir / "privacy-default.db"
    with hf.Domoguardd(daemon_binary, home.ha.ws_url, home.token_file, db, notify=True) as d:
        yield d


def test_new_camera_starts_private_and_opting_in_restores_it(daemon: hf.Domoguardd, home: LiveHome) -> None:
    mark = daemon.mark()
    home.broker.publish(STATE_TOPIC, "OFF")
    for topic, cfg in camera_configs().items():
        home.broker.publish(topic, cfg)

    applied = daemon.wait_line(r"privacy by default: (\d+) change\(s\) for new device (\S+) \(journal (\d+)\)",
                               since=mark, timeout=40)
    assert int(applied.group(1)) >= 1
    device_id, journal_id = applied.group(2), int(applied.group(3))

    home.refresh_entities()
    privacy_entity = home.entity_id(PRIVACY_UID)
    # HA itself now holds the privacy switch on.
    assert wait_for(lambda: switch_state(home, privacy_entity) == "on"), switch_state(home, privacy_entity)

    # The household is told what was done and how to opt in.
    daemon.wait_line(rf"notified: new device {CAM_NAME}", since=mark, timeout=30)
    with home.ha.ws() as ws:
        notes = {n["notification_id"]: n for n in ws.call("persistent_notification/get")}
    note = notes[f"domoguard_new_device_{device_id}"]
    assert "kept it private" in note["message"]
    assert "undo" in note["message"]

    # The change is in the daemon's journal, attributed to DomoGuard itself.
    entries = daemon.api("domoguard/journal")
    mine = [e for e in entries if e["journal_id"] == journal_id]
    assert mine and mine[0]["kind"] == "privacy_default" and mine[0]["state"] == "applied"

    # Opting in: undo that plan through the API; HA shows the switch as it was.
    undone = daemon.api("domoguard/undo", journal_id=journal_id, user="Alex")
    assert undone["ok"] is True, undone
    assert wait_for(lambda: switch_state(home, privacy_entity) == "off"), switch_state(home, privacy_entity)

    # Leave the shared test home as it was found: the camera removed, its notification dismissed.
    with home.ha.ws() as ws:
        ws.call("call_service", domain="persistent_notification", service="dismiss",
                service_data={"notification_id": f"domoguard_new_device_{device_id}"})
    for topic in camera_configs():
        home.broker.publish(topic, "")


PLUG_IEEE = "0xa4c13800feed0001"
PLUG_NAME = "Hallway lamp plug"
PLUG_TOPIC = f"zigbee2mqtt/{PLUG_NAME}"
PLUG_SWITCH_UID = f"{PLUG_IEEE}_switch_zigbee2mqtt"


def is_exposed(home: LiveHome, entity_id: str, assistant: str = "conversation") -> bool:
    with home.ha.ws() as ws:
        exposed = ws.call("homeassistant/expose_entity/list")["exposed_entities"]
    return bool(exposed.get(entity_id, {}).get(assistant))


def test_new_plug_starts_off_voice_assistants_and_opting_in_restores_it(daemon: hf.Domoguardd, home: LiveHome) -> None:
    mark = daemon.mark()
    dev = {"identifiers": [f"zigbee2mqtt_{PLUG_IEEE}"], "name": PLUG_NAME, "manufacturer": "TuYa",
           "model": "Smart plug (TS011F_plug_1)", "sw_version": "1.0.5"}
    home.broker.publish(PLUG_TOPIC, {"state": "ON"})
    home.broker.publish(f"homeassistant/switch/{PLUG_IEEE}/switch/config", {
        "name": None, "unique_id": PLUG_SWITCH_UID, "state_topic": PLUG_TOPIC, "command_topic": f"{PLUG_TOPIC}/set",
        "value_template": "{{ value_json.state }}", "payload_on": "ON", "payload_off": "OFF", "device": dev})
    applied = daemon.wait_line(r"privacy by default: (\d+) change\(s\) for new device (\S+) \(journal (\d+)\)",
                               since=mark, timeout=40)
    journal_id = int(applied.group(3))
    home.refresh_entities()
    switch = home.entity_id(PLUG_SWITCH_UID)
    # Home Assistant shares a new switch with Assist by itself; DomoGuard took it back.
    assert not is_exposed(home, switch)
    undone = daemon.api("domoguard/undo", journal_id=journal_id)
    assert undone["ok"] is True, undone
    assert [s["target"] for s in undone["steps"]] == [switch]
    assert is_exposed(home, switch)
    with home.ha.ws() as ws:
        ws.call("call_service", domain="persistent_notification", service="dismiss",
                service_data={"notification_id": f"domoguard_new_device_{applied.group(2)}"})
    home.broker.publish(f"homeassistant/switch/{PLUG_IEEE}/switch/config", "")
