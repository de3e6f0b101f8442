#!/usr/bin/env python3
"""Captures real-format Home Assistant fixtures for DomoGuard from a live HA.

    python3 tests/live/capture_fixtures.py [--out tests/fixtures/ha-live]

Starts mosquitto and the pinned HA (hass_fixture.py), populates a small home by real means (MQTT
discovery, area and device registry updates, Assist exposure over the WebSocket API, plus the demo
integration for breadth), saves the WebSocket replies of the commands DomoGuard reads, then stops
HA cleanly and copies its .storage with secrets scrubbed. Needs root; runs only on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hass_fixture import HomeAssistant, LiveError, Mosquitto  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCRUBBED = "scrubbed"

WS_COMMANDS = [
    "config/device_registry/list",
    "config/entity_registry/list",
    "config/area_registry/list",
    "config_entries/get",
    "manifest/list",
    "get_states",
    "get_config",
    "config/auth/list",
    "auth/current_user",
    "homeassistant/expose_entity/list",
    "analytics",
    "cloud/status",
]

# .storage files never copied: credentials (password hashes, onboarding state, HTTP ban/auth data).
DROP_SECRET = {"auth_provider.homeassistant", "onboarding", "http.auth"}
# .storage files dropped because they say nothing an audit uses and only add bulk or churn.
DROP_BULK_PREFIXES = ("frontend", "trace.", "repairs.", "core.restore_state", "assist_pipeline",
                      "conversation.", "lovelace", "backup", "core.analytics", "shopping_list",
                      "google_translate")

PLUG = "0xa4c1380001a2b3c4"
SMOKE = "0x00158d0008c1d2e3"


def z2m_device(ieee: str, name: str, manufacturer: str, model: str, sw: str) -> dict:
    return {"identifiers": [f"zigbee2mqtt_{ieee}"], "name": name, "manufacturer": manufacturer,
            "model": model, "sw_version": sw}


def populate(ha: HomeAssistant, broker: Mosquitto) -> dict[str, str]:
    """Creates the home through MQTT discovery; returns unique_id -> role."""
    plug_dev = z2m_device(PLUG, "Kitchen plug", "TuYa", "Smart plug (TS011F_plug_1)", "1.0.5")
    smoke_dev = z2m_device(SMOKE, "Hallway smoke", "Xiaomi", "Smoke detector (JTYJ-GD-01LM/BW)", "5")
    cam_dev = {"identifiers": ["indoorcam_7f3a91"], "name": "Living room camera", "manufacturer": "Acme Cams",
               "model": "IndoorCam 2", "sw_version": "3.1.4", "hw_version": "rev B"}
    lock_dev = {"identifiers": ["doorlock_44e1c2"], "name": "Front door lock", "manufacturer": "Acme Locks",
                "model": "SmartLock 3", "sw_version": "2.4.0", "serial_number": "SL3-0042-7781"}
    plug_topic = "zigbee2mqtt/Kitchen plug"
    smoke_topic = "zigbee2mqtt/Hallway smoke"
    configs = {
        f"homeassistant/switch/{PLUG}/switch/config": {
            "name": None, "object_id": "kitchen_plug", "unique_id": f"{PLUG}_switch_zigbee2mqtt",
            "state_topic": plug_topic, "command_topic": f"{plug_topic}/set",
            "value_template": "{{ value_json.state }}", "payload_on": "ON", "payload_off": "OFF",
            "device": plug_dev},
        f"homeassistant/switch/{PLUG}/child_lock/config": {
            "name": "Child lock", "object_id": "kitchen_plug_child_lock",
            "unique_id": f"{PLUG}_child_lock_zigbee2mqtt", "entity_category": "config", "icon": "mdi:account-lock",
            "state_topic": plug_topic, "command_topic": f"{plug_topic}/set",
            "value_template": "{{ value_json.child_lock }}", "payload_on": "LOCK", "payload_off": "UNLOCK",
            "state_on": "LOCK", "state_off": "UNLOCK",
            "command_template": '{"child_lock": "{{ value }}"}', "device": plug_dev},
        f"homeassistant/binary_sensor/{SMOKE}/smoke/config": {
            "name": "Smoke", "object_id": "hallway_smoke", "unique_id": f"{SMOKE}_smoke_zigbee2mqtt",
            "device_class": "smoke", "state_topic": smoke_topic, "value_template": "{{ value_json.smoke }}",
            "payload_on": True, "payload_off": False, "device": smoke_dev},
        f"homeassistant/sensor/{SMOKE}/battery/config": {
            "name": "Battery", "object_id": "hallway_smoke_battery", "unique_id": f"{SMOKE}_battery_zigbee2mqtt",
            "device_class": "battery", "state_class": "measurement", "unit_of_measurement": "%",
            "entity_category": "diagnostic", "state_topic": smoke_topic,
            "value_template": "{{ value_json.battery }}", "device": smoke_dev},
        "homeassistant/camera/indoorcam_7f3a91/camera/config": {
            "name": None, "object_id": "living_room_camera", "unique_id": "indoorcam_7f3a91_camera",
            "topic": "indoorcam/7f3a91/snapshot", "device": cam_dev},
        "homeassistant/lock/doorlock_44e1c2/lock/config": {
            "name": None, "object_id": "front_door", "unique_id": "doorlock_44e1c2_lock",
            "command_topic": "doorlock/44e1c2/set", "state_topic": "doorlock/44e1c2/state",
            "device": lock_dev},
        "homeassistant/update/doorlock_44e1c2/firmware/config": {
            "name": "Firmware", "object_id": "front_door_firmware", "unique_id": "doorlock_44e1c2_firmware",
            "device_class": "firmware", "entity_category": "config", "state_topic": "doorlock/44e1c2/firmware",
            "release_url": "https://example.invalid/smartlock3/releases/2.6.1", "device": lock_dev},
    }
    states = {
        plug_topic: {"state": "ON", "child_lock": "UNLOCK", "linkquality": 120},
        smoke_topic: {"smoke": False, "battery": 87, "linkquality": 96},
        "doorlock/44e1c2/state": "LOCKED",
        "doorlock/44e1c2/firmware": {"installed_version": "2.4.0", "latest_version": "2.6.1",
                                     "title": "SmartLock 3 firmware"},
    }
    for topic, payload in states.items():
        broker.publish(topic, payload if isinstance(payload, str) else json.dumps(payload))
    for topic, payload in configs.items():
        broker.publish(topic, payload)
    return {c["unique_id"]: topic.split("/")[1] for topic, c in configs.items()}


def arrange(ha: HomeAssistant, unique_ids: dict[str, str]) -> None:
    with ha.ws() as ws:
        def registry():
            return {e["unique_id"]: e for e in ws.call("config/entity_registry/list")
                    if e.get("platform") == "mqtt"}
        ha.wait_for(lambda: set(unique_ids) <= set(registry()), "MQTT discovery entities in the registry")
        ents = registry()
        areas = {a["name"]: a["area_id"] for a in ws.call("config/area_registry/list")}
        for name in ("Hallway", "Entrance"):
            if name not in areas:
                areas[name] = ws.call("config/area_registry/create", name=name)["area_id"]
        placement = {
            f"{PLUG}_switch_zigbee2mqtt": "Kitchen",
            f"{SMOKE}_smoke_zigbee2mqtt": "Hallway",
            "indoorcam_7f3a91_camera": "Living Room",
            "doorlock_44e1c2_lock": "Entrance",
        }
        for uid, area in placement.items():
            ws.call("config/device_registry/update", device_id=ents[uid]["device_id"], area_id=areas[area])
        exposed = [ents["doorlock_44e1c2_lock"]["entity_id"], ents["indoorcam_7f3a91_camera"]["entity_id"]]
        ws.call("homeassistant/expose_entity", assistants=["conversation"], entity_ids=exposed,
                should_expose=True)
        # The update entity must have seen its retained state (installed < latest).
        ha.wait_for(lambda: any(s["entity_id"] == ents["doorlock_44e1c2_firmware"]["entity_id"]
                                and s["state"] == "on" for s in ws.call("get_states")),
                    "lock firmware update entity to report an update")


def scrub_state_tokens(states: list) -> None:
    """Camera/media entity pictures carry a rotating access token: not a fixture's business."""
    for st in states:
        attrs = st.get("attributes", {})
        if "access_token" in attrs:
            attrs["access_token"] = SCRUBBED
        pic = attrs.get("entity_picture")
        if isinstance(pic, str) and "token=" in pic:
            parts = urlsplit(pic)
            q = [(k, SCRUBBED if k == "token" else v) for k, v in parse_qsl(parts.query)]
            attrs["entity_picture"] = urlunsplit(parts._replace(query=urlencode(q)))


def capture_ws(ha: HomeAssistant, out: Path) -> list[str]:
    skipped = []
    wsdir = out / "ws"
    wsdir.mkdir(parents=True)
    with ha.ws() as ws:
        for cmd in WS_COMMANDS:
            reply = ws.call_raw(cmd)
            if not reply.get("success"):
                skipped.append(f"{cmd}: {reply.get('error', {}).get('code')} "
                               f"({reply.get('error', {}).get('message')})")
                continue
            result = reply.get("result")
            if cmd == "get_states":
                scrub_state_tokens(result)
            (wsdir / (cmd.replace("/", "__") + ".json")).write_text(
                json.dumps(result, indent=1, sort_keys=False, ensure_ascii=False) + "\n")
    return skipped


def scrub_storage(src: Path, dst: Path) -> tuple[list[str], list[str]]:
    dropped_secret, dropped_bulk = [], []
    dst.mkdir(parents=True)
    for f in sorted(src.iterdir()):
        if f.is_dir():
            dropped_bulk.append(f.name + "/")
            continue
        if f.name in DROP_SECRET:
            dropped_secret.append(f.name)
            continue
        if f.name.startswith(DROP_BULK_PREFIXES):
            dropped_bulk.append(f.name)
            continue
        doc = json.loads(f.read_text())
        if f.name == "auth":
            for rt in doc["data"].get("refresh_tokens", []):
                rt["token"] = SCRUBBED
                rt["jwt_key"] = SCRUBBED
        if f.name == "core.config_entries":
            for entry in doc["data"].get("entries", []):
                for section in ("data", "options"):
                    if isinstance(entry.get(section), dict) and "password" in entry[section]:
                        entry[section]["password"] = SCRUBBED
        (dst / f.name).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    return dropped_secret, dropped_bulk


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "tests/fixtures/ha-live")
    args = ap.parse_args()
    out: Path = args.out
    tmp = out.with_name(out.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with Mosquitto() as broker, HomeAssistant(mqtt=broker, demo=True) as ha:
        uids = populate(ha, broker)
        arrange(ha, uids)
        time.sleep(2)  # let the registries' delayed saves settle before the clean stop
        skipped = capture_ws(ha, tmp)
        version = ha.ws().ha_version
        ha.restart_clean_stop()
        assert ha.config_dir is not None
        secret, bulk = scrub_storage(ha.config_dir / ".storage", tmp / "storage/.storage")
        shutil.copy(ha.config_dir / ".HA_VERSION", tmp / "storage/.HA_VERSION")
        timings = (ha.start_seconds, ha.onboard_seconds)
    (tmp / "capture.json").write_text(json.dumps({
        "ha_version": version, "skipped_ws_commands": skipped, "dropped_secret_storage": secret,
        "dropped_bulk_storage": bulk}, indent=1) + "\n")
    readme = out / "README.md"
    if readme.exists():
        shutil.copy(readme, tmp / "README.md")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    print(f"captured HA {version} into {out}; start {timings[0]:.1f} s, onboarding {timings[1]:.1f} s")
    print(f"skipped WS commands: {skipped}")
    print(f"dropped (secrets): {secret}\ndropped (bulk): {bulk}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except LiveError as err:
        print(f"capture failed: {err}", file=sys.stderr)
        sys.exit(1)
