#!/usr/bin/env python3
"""Captures a config folder from a real, older Home Assistant release as a DomoGuard fixture.

    python3 tests/live/capture_release.py tests/live/versions-2024.3.env [--out DIR]

Builds (or reuses) that release's root with tests/live/ha_root.sh PINS (e.g. Debian bookworm's
Python 3.11 with HA 2024.3.3), starts it on 127.0.0.1 with mosquitto, onboards it through its own
HTTP onboarding API, and creates a small household through HA's real APIs:

- MQTT discovery devices (plug with child lock, smoke detector, camera, door lock with a firmware
  update), placed in areas, the lock and camera exposed to Assist;
- a second administrator and a local-only guest (config/auth/create + the homeassistant auth
  provider), besides the owner and the person onboarding made for the owner;
- an automation and a script saved through the editors' REST API (/api/config/automation/config,
  /api/config/script/config): a presence-only unlock, and a voice-runnable script that unlocks;
- a phone registered through mobile_app's /api/mobile_app/registrations as the owner, with a
  battery sensor registered through its webhook;
- http: settings in configuration.yaml (ip bans, a login threshold, a reverse proxy).

Then HA is stopped cleanly (SIGTERM) and its configuration.yaml, automations.yaml, scripts.yaml,
.HA_VERSION and .storage are copied with every secret scrubbed (tokens, JWT keys, webhook ids, also
where mobile_app builds unique ids from them, mobile_app encryption secrets, the MQTT password;
password hashes and onboarding are not copied).
Default --out: tests/fixtures/ha-releases/<HA release line>. Needs root; not run in CI (CI reads
the committed fixture). The README of the output folder is kept.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from capture_fixtures import DROP_BULK_PREFIXES, DROP_SECRET, SCRUBBED, arrange, populate  # noqa: E402
from hass_fixture import HaWebSocket, HomeAssistant, LiveError, Mosquitto  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

# Keys whose values grant access wherever they appear in a .storage document.
SECRET_KEYS = {"token", "jwt_key", "webhook_id", "secret", "cloudhook_url", "password", "push_token",
               "push_url", "access_token", "refresh_token", "api_key"}

PHONE = {
    "device_id": "9f1c2b3a-5d6e-4f70-8a9b-0c1d2e3f4a5b",
    "app_id": "io.robbie.HomeAssistant",
    "app_name": "Home Assistant",
    "app_version": "2024.3",
    "device_name": "Alex's iPhone",
    "manufacturer": "Apple",
    "model": "iPhone15,2",
    "os_name": "iOS",
    "os_version": "17.3.1",
    "supports_encryption": False,
    "app_data": {},
}

def editor_bodies(version: str, lock: str) -> tuple[dict, dict]:
    """The automation and script as that release's editors save them: up to 2024.9 with trigger /
    condition / action, `platform:` and `service:`; from 2024.10 with triggers / conditions /
    actions, `trigger:` and `action:` (2024.8 renamed service to action)."""
    new_keys = tuple(int(x) for x in version.split(".")[:2]) >= (2024, 10)
    unlock = [{"action" if new_keys else "service": "lock.unlock", "target": {"entity_id": lock}}]
    arrive = [{"trigger" if new_keys else "platform": "zone", "entity_id": "person.test_owner",
               "zone": "zone.home", "event": "enter"}]
    automation = {"alias": "Unlock the front door when the owner arrives", "description": "", "mode": "single",
                  "triggers" if new_keys else "trigger": arrive, "conditions" if new_keys else "condition": [],
                  "actions" if new_keys else "action": unlock}
    script = {"alias": "Let the guests in", "mode": "single", "sequence": unlock}
    return automation, script


def scrub(value, path: str = ""):
    """Every value under a secret-looking key becomes SCRUBBED, at any depth."""
    if isinstance(value, dict):
        return {k: (SCRUBBED if k in SECRET_KEYS and v not in (None, "", [], {}) else scrub(v, f"{path}.{k}"))
                for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, path) for v in value]
    return value


def copy_storage(src: Path, dst: Path) -> tuple[list[str], list[str]]:
    dropped_secret, dropped_bulk = [], []
    dst.mkdir(parents=True)
    for f in sorted(src.iterdir()):
        if f.is_dir():
            dropped_bulk.append(f.name + "/")
        elif f.name in DROP_SECRET:
            dropped_secret.append(f.name)
        elif f.name.startswith(DROP_BULK_PREFIXES):
            dropped_bulk.append(f.name)
        else:
            doc = scrub(json.loads(f.read_text()))
            (dst / f.name).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    return dropped_secret, dropped_bulk


def add_user(ws: HaWebSocket, name: str, username: str, admin: bool, local_only: bool) -> str:
    group = "system-admin" if admin else "system-users"
    user = ws.call("config/auth/create", name=name, group_ids=[group], local_only=local_only)["user"]
    ws.call("config/auth_provider/homeassistant/create", user_id=user["id"], username=username,
            password=f"{username}-fixture-password")
    return user["id"]


def household(ha: HomeAssistant, broker: Mosquitto) -> dict:
    facts: dict = {}
    # MQTT through its config flow: the fields every release line asks; releases whose form has an
    # "other settings" section (TLS) are answered as the current release is (setup_mqtt).
    try:
        ha.config_flow("mqtt", {"broker": broker.host, "port": broker.port, "username": broker.username,
                                "password": broker.password})
        ha.wait_for(lambda: "mqtt" in ha.http("GET", "/api/config")[1].get("components", []), "mqtt loaded")
    except LiveError:
        ha.setup_mqtt(broker)
    arrange(ha, populate(ha, broker))
    with ha.ws() as ws:
        facts["admin"] = add_user(ws, "Sam", "sam", admin=True, local_only=False)
        facts["guest"] = add_user(ws, "Guest", "guest", admin=False, local_only=True)
        # The lock's entity id as this release made it (HA 2024.3 still honours the discovery object_id).
        lock = next(e["entity_id"] for e in ws.call("config/entity_registry/list")
                    if e.get("unique_id") == "doorlock_44e1c2_lock")
        automation, script = editor_bodies(ws.ha_version, lock)
    st, body = ha.http("POST", "/api/config/automation/config/1710000000001", body=automation)
    ha._expect("save automation", st, body)
    st, body = ha.http("POST", "/api/config/script/config/let_in", body=script)
    ha._expect("save script", st, body)
    ha.wait_for(lambda: "mobile_app" in ha.http("GET", "/api/config")[1].get("components", []), "mobile_app loaded")
    # The phone registers as the owner, as the companion app does after signing in.
    st, reg = ha.http("POST", "/api/mobile_app/registrations", body=PHONE)
    reg = ha._expect("mobile_app registration", st, reg, ok=(200, 201))
    hook = f"/api/webhook/{reg['webhook_id']}"
    # Not a fact of the home: the webhook id is a secret, and mobile_app also builds its sensors'
    # unique ids from it; remembered only to scrub it everywhere it appears.
    facts["_webhook_id"] = reg["webhook_id"]
    st, body = ha.http("POST", hook, auth=False, body={"type": "register_sensor", "data": {
        "type": "sensor", "unique_id": "battery_level", "name": "Battery Level", "state": 81,
        "device_class": "battery", "unit_of_measurement": "%", "entity_category": "diagnostic",
        "state_class": "measurement", "icon": "mdi:battery-80"}})
    ha._expect("mobile_app register_sensor", st, body, ok=(200, 201))
    st, body = ha.http("POST", hook, auth=False, body={"type": "update_location", "data": {
        "gps": [52.5200, 13.4050], "gps_accuracy": 12, "battery": 81}})
    ha._expect("mobile_app update_location", st, body, ok=(200, 201))

    def phone_ready() -> bool:
        with ha.ws() as ws:
            ents = ws.call("config/entity_registry/list")
            return {"sensor", "device_tracker"} <= {e["entity_id"].split(".")[0] for e in ents
                                                    if e.get("platform") == "mobile_app"}
    ha.wait_for(phone_ready, "the phone's entities in the registry")
    ha.wait_for(lambda: ha.http("GET", "/api/states/script.let_in")[0] == 200, "the script entity")
    ha.wait_for(lambda: ha.http("GET", "/api/states/automation.unlock_the_front_door_when_the_owner_arrives")[0] == 200,
                "the automation entity")
    return facts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pins", type=Path, help="a pins file, e.g. tests/live/versions-2024.3.env")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    pins = {k: a or b for k, a, b in re.findall(r'^([A-Z_]+)=(?:"([^"]*)"|(\S*))', args.pins.read_text(), re.M)}
    line = ".".join(pins["HA_VERSION"].split(".")[:2])
    out: Path = args.out or REPO / "tests/fixtures/ha-releases" / line
    proc = subprocess.run([str(HERE / "ha_root.sh"), str(args.pins)], stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise LiveError(f"ha_root.sh {args.pins} failed with exit code {proc.returncode}")
    root = Path(proc.stdout.strip().splitlines()[-1])
    tmp = out.with_name(out.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "config").mkdir(parents=True)
    http_yaml = ["ip_ban_enabled: true", "login_attempts_threshold: 5", "use_x_forwarded_for: true",
                 "trusted_proxies:", "  - 127.0.0.1", "  - 172.30.33.0/24"]
    with Mosquitto() as broker, HomeAssistant(root=root, keep_config=True,
                                              yaml={"http": http_yaml, "mobile_app": []}) as ha:
        try:
            facts = household(ha, broker)
            with ha.ws() as ws:
                version = ws.ha_version
            time.sleep(12)  # the registries' delayed saves (10 s at most) land before the stop
            ha.restart_clean_stop()
            assert ha.config_dir is not None
            secret, bulk = copy_storage(ha.config_dir / ".storage", tmp / "config/.storage")
            for name in ("configuration.yaml", "automations.yaml", "scripts.yaml", ".HA_VERSION"):
                shutil.copy(ha.config_dir / name, tmp / "config" / name)
            hook_id = facts.pop("_webhook_id")
            for f in (tmp / "config").rglob("*"):
                if f.is_file() and hook_id in (text := f.read_text()):
                    f.write_text(text.replace(hook_id, SCRUBBED))
        finally:
            ha.keep_config = False
    (tmp / "capture.json").write_text(json.dumps({
        "ha_version": version, "python": pins["PYTHON"], "debian_suite": pins["DEBIAN_SUITE"],
        "dropped_secret_storage": secret, "dropped_bulk_storage": bulk,
        "users_created": sorted(facts)}, indent=1) + "\n")
    if (out / "README.md").exists():
        shutil.copy(out / "README.md", tmp / "README.md")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    leftover = [p for p in (out / "config").rglob("*") if p.is_file()
                and re.search(rb"fixture-password|mqtt-test-password|" + hook_id.encode(), p.read_bytes())]
    if leftover:
        raise LiveError(f"a password reached the fixture: {leftover}")
    print(f"captured HA {version} into {out}\ndropped (secrets): {secret}\ndropped (bulk): {bulk}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except LiveError as err:
        print(f"capture failed: {err}", file=sys.stderr)
        sys.exit(1)
