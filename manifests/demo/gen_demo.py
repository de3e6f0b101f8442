#!/usr/bin/env python3
"""Generate the bundled demo home ("Maple Street") as Home Assistant WebSocket replies.

Writes manifests/demo/<command>.json, one file per WS command ("/" written as "__"), each holding the
bare `result` value in the shape current Home Assistant (2026.x) returns. The output is deterministic:
every id, MAC address and timestamp is derived from fixed strings by hashing, so re-running the script
gives byte-identical files.

The home is meant to look like a real family home that mostly works, with a handful of problems an
audit should find (listed in PROBLEMS below, for tests and for people reading the demo).

Usage:
  manifests/demo/gen_demo.py            write the files
  manifests/demo/gen_demo.py --check    verify the written files are consistent (and identical to a fresh run)
  manifests/demo/gen_demo.py --out DIR  write somewhere else
"""
import argparse
import datetime as dt
import hashlib
import json
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, "manifests", "demo")

HA_VERSION = "2026.11.1"
SNAPSHOT = dt.datetime(2026, 11, 20, 18, 0, 0, tzinfo=dt.timezone.utc)
HOME_LAT, HOME_LON = 42.3601, -71.0942

# What an audit of this home should find (kept next to the data so both change together).
PROBLEMS = [
    "lock.front_door_lock and cover.garage_door exposed to Assist and Google; the cloud has no secure-devices PIN",
    "Z-Wave front door lock included with S0 (highest_security_class 7)",
    "firmware update pending for the front door lock, the driveway camera, and Home Assistant Core",
    "Nest camera in the kids' room; living room camera with its privacy mode switched off",
    "smoke sensor battery at 8 %; bathroom leak sensor unavailable",
    "Tuya cloud plug (cloud iot_class) and a Home Connect oven (cloud)",
    "MQTT broker entry; Shelly devices with http:// configuration URLs",
    "Alarmo panel with no code (code_format null); custom integrations (HACS, Alarmo)",
    "automation unlocks the front door when Alex arrives home (presence only)",
    "analytics with diagnostics on; external URL served over plain http",
    "kids' room radiator child lock off; AdGuard parental control off",
    "an MQTT device with no manufacturer or model",
    "a long-lived token for an old Node-RED set-up, unused since June (owner's account)",
    "a dashboard card loaded from a CDN (third-party JavaScript in the admin's session)",
    "AdGuard Home app on the host network; Zigbee2MQTT and ESPHome apps from third-party repositories",
]


# ---------------------------------------------------------------- deterministic ids and helpers

def h(*parts, n=32):
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:n]


CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid(*parts):
    """A ULID-looking id (as HA uses for config entries and contexts), derived from parts."""
    v = int(h("ulid", *parts, n=32), 16)
    body = "".join(CROCKFORD[(v >> (5 * i)) & 31] for i in range(23))
    return "01J" + body


def mac(*parts, prefix=None):
    raw = h("mac", *parts, n=12)
    if prefix:
        raw = prefix.replace(":", "").lower() + raw[len(prefix.replace(":", "")):]
    return ":".join(raw[i:i + 2] for i in range(0, 12, 2))


def ieee(*parts, prefix="00:15:8d"):
    raw = prefix.replace(":", "") + h("ieee", *parts, n=16)
    raw = raw[:16]
    return ":".join(raw[i:i + 2] for i in range(0, 16, 2))


def uuid(*parts):
    x = h("uuid", *parts)
    return f"{x[:8]}-{x[8:12]}-4{x[13:16]}-a{x[17:20]}-{x[20:32]}"


def minutes_ago(key, lo, hi):
    span = hi - lo
    off = lo + (int(h("t", key, n=8), 16) % max(span, 1))
    return SNAPSHOT - dt.timedelta(minutes=off)


def iso(t):
    return t.isoformat(timespec="microseconds")


def epoch(t):
    return round(t.timestamp(), 6)


def slugify(text):
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", t).strip("_")


# ---------------------------------------------------------------- the home builder

class Home:
    def __init__(self):
        self.areas = []
        self.entries = []
        self.devices = []
        self.entities = []
        self.states = []
        self.exposed = {}
        self.manifests = {}
        self.users = []
        self.automations = []
        self.apps = []
        self._dev_by_key = {}

    # areas ----------------------------------------------------------------
    def area(self, name, floor, icon=None, aliases=(), temperature=None, humidity=None):
        aid = slugify(name)
        created = minutes_ago("area" + aid, 300000, 400000)
        self.areas.append({
            "aliases": list(aliases), "area_id": aid, "floor_id": floor, "humidity_entity_id": humidity,
            "icon": icon, "labels": [], "name": name, "picture": None, "temperature_entity_id": temperature,
            "created_at": epoch(created), "modified_at": epoch(created),
        })
        return aid

    # config entries -------------------------------------------------------
    def entry(self, domain, title, source="user", key=None, state="loaded", options=True, remove_device=False,
              reconfigure=False, subentry_types=None, disabled_by=None, reason=None):
        eid = ulid("entry", domain, key or title)
        created = minutes_ago("entry" + eid, 20000, 380000)
        self.entries.append({
            "created_at": epoch(created), "entry_id": eid, "domain": domain,
            "modified_at": epoch(created + dt.timedelta(days=3)), "title": title, "source": source, "state": state,
            "supports_options": options, "supports_remove_device": remove_device, "supports_unload": True,
            "supports_reconfigure": reconfigure, "supported_subentry_types": subentry_types or {},
            "pref_disable_new_entities": False, "pref_disable_polling": False, "disabled_by": disabled_by,
            "reason": reason, "error_reason_translation_key": None, "error_reason_translation_placeholders": None,
            "num_subentries": 0,
        })
        return eid

    def entry_domain(self, eid):
        return next(e["domain"] for e in self.entries if e["entry_id"] == eid)

    # devices --------------------------------------------------------------
    def device(self, entry, name, area, manufacturer=None, model=None, model_id=None, sw=None, hw=None,
               serial=None, identifiers=(), connections=(), via=None, url=None, service=False, name_by_user=None,
               disabled_by=None):
        key = (entry, name)
        did = h("device", entry, name)
        created = minutes_ago("dev" + did, 15000, 370000)
        entry_created = next(e["created_at"] for e in self.entries if e["entry_id"] == entry)
        created = max(created, dt.datetime.fromtimestamp(entry_created, dt.timezone.utc) + dt.timedelta(seconds=40))
        d = {
            "area_id": area, "configuration_url": url, "config_entries": [entry],
            "config_entries_subentries": {entry: [None]}, "config_entry_id": entry, "config_subentry_id": None,
            "connections": [list(c) for c in connections], "created_at": epoch(created),
            "disabled_by": disabled_by, "entry_type": "service" if service else None, "hw_version": hw, "id": did,
            "identifiers": [list(i) for i in identifiers], "labels": [], "manufacturer": manufacturer,
            "model": model, "model_id": model_id, "modified_at": epoch(created + dt.timedelta(hours=2)),
            "name_by_user": name_by_user, "name": name, "parent_device_id": None, "primary_config_entry": entry,
            "serial_number": serial, "sw_version": sw, "via_device_id": via,
        }
        self.devices.append(d)
        self._dev_by_key[key] = d
        return did

    def dev(self, did):
        return next(d for d in self.devices if d["id"] == did)

    # entities -------------------------------------------------------------
    def entity(self, domain, platform, unique_id, device=None, entry=None, name=None, state="on", attrs=None,
               object_id=None, translation_key=None, category=None, has_entity_name=True, disabled_by=None,
               hidden_by=None, area=None, expose=None, icon=None, user_name=None, registry=True, when=None):
        """Adds a registry entry and its state. `name` is the entity's own name (None: the device's main
        feature, named after the device), as integrations with has_entity_name report it."""
        dname = None
        if device:
            d = self.dev(device)
            dname = d["name_by_user"] or d["name"]
            if entry is None:
                entry = d["config_entry_id"]
        if has_entity_name and dname:
            friendly = dname if name is None else f"{dname} {name}"
        else:
            friendly = name or dname or unique_id
        if user_name:
            friendly = user_name
        eid = f"{domain}.{object_id or slugify(friendly)}"
        assert all(e["entity_id"] != eid for e in self.entities), eid
        assert all(s["entity_id"] != eid for s in self.states), eid
        options = {}
        if expose is not None:
            conv, google, alexa = expose
            self.exposed[eid] = {"conversation": conv, "cloud.alexa": alexa, "cloud.google_assistant": google}
            options = {"cloud.alexa": {"should_expose": alexa}, "cloud.google_assistant": {"should_expose": google},
                       "conversation": {"should_expose": conv}}
        created = minutes_ago("ent" + eid, 10000, 360000)
        if device:   # an entity is registered after its device
            dev_created = dt.datetime.fromtimestamp(self.dev(device)["created_at"], dt.timezone.utc)
            created = max(created, dev_created + dt.timedelta(seconds=2))
        if registry:
            self.entities.append({
                "area_id": area, "categories": {}, "config_entry_id": entry, "config_subentry_id": None,
                "created_at": epoch(created), "device_id": device, "disabled_by": disabled_by,
                "entity_category": category, "entity_id": eid, "has_entity_name": has_entity_name,
                "hidden_by": hidden_by, "icon": icon, "id": h("entity", eid), "labels": [],
                "modified_at": epoch(created + dt.timedelta(minutes=5)), "name": user_name,
                "options": options, "original_name": name if has_entity_name else (name or dname),
                "platform": platform, "translation_key": translation_key, "unique_id": unique_id,
            })
        if disabled_by is None:
            a = dict(attrs or {})
            a["friendly_name"] = friendly
            if icon and "icon" not in a:
                a["icon"] = icon
            changed = when or minutes_ago("state" + eid, 1, 6000)
            reported = max(changed, SNAPSHOT - dt.timedelta(minutes=int(h("r", eid, n=4), 16) % 5))
            self.states.append({
                "entity_id": eid, "state": state, "attributes": a, "last_changed": iso(changed),
                "last_reported": iso(reported), "last_updated": iso(changed),
                "context": {"id": ulid("ctx", eid), "parent_id": None, "user_id": None},
            })
        return eid

    # common entity shapes -------------------------------------------------
    def battery(self, platform, uid, device, level, category="diagnostic", name="Battery", tk=None):
        return self.entity("sensor", platform, uid, device, name=name, state=str(level), category=category,
                           translation_key=tk,
                           attrs={"state_class": "measurement", "unit_of_measurement": "%", "device_class": "battery"})

    def temp(self, platform, uid, device, value, name="Temperature", tk=None, expose=None):
        return self.entity("sensor", platform, uid, device, name=name, state=str(value), translation_key=tk,
                           expose=expose,
                           attrs={"state_class": "measurement", "unit_of_measurement": "°C",
                                  "device_class": "temperature"})

    def humidity(self, platform, uid, device, value, name="Humidity"):
        return self.entity("sensor", platform, uid, device, name=name, state=str(value),
                           attrs={"state_class": "measurement", "unit_of_measurement": "%", "device_class": "humidity"})

    def power(self, platform, uid, device, value, name="Power", tk=None):
        return self.entity("sensor", platform, uid, device, name=name, state=str(value), translation_key=tk,
                           attrs={"state_class": "measurement", "unit_of_measurement": "W", "device_class": "power"})

    def energy(self, platform, uid, device, value, name="Energy", tk=None):
        return self.entity("sensor", platform, uid, device, name=name, state=str(value), translation_key=tk,
                           attrs={"state_class": "total_increasing", "unit_of_measurement": "kWh",
                                  "device_class": "energy"})

    def binary(self, platform, uid, device, device_class, state="off", name=None, category=None, tk=None, expose=None):
        return self.entity("binary_sensor", platform, uid, device, name=name, state=state, category=category,
                           translation_key=tk, expose=expose,
                           attrs={"device_class": device_class} if device_class else {})

    def update(self, platform, uid, device, installed, latest, name="Firmware", title=None, tk=None,
               category="config", auto=False, features=23, summary=None, url=None, object_id=None):
        on = installed != latest
        return self.entity("update", platform, uid, device, name=name, state="on" if on else "off", category=category,
                           translation_key=tk, object_id=object_id, attrs={
                               "auto_update": auto, "display_precision": 0, "installed_version": installed,
                               "in_progress": False, "latest_version": latest, "release_summary": summary,
                               "release_url": url, "skipped_version": None, "title": title,
                               "update_percentage": None, "entity_picture": None, "device_class": "firmware",
                               "supported_features": features})

    def light(self, platform, uid, device, on=True, brightness=180, kelvin=2700, expose=(True, True, False),
              features=44, color=True, name=None):
        attrs = {"min_color_temp_kelvin": 2000, "max_color_temp_kelvin": 6535, "min_mireds": 153, "max_mireds": 500,
                 "supported_color_modes": ["color_temp", "xy"] if color else ["color_temp"],
                 "supported_features": features}
        if on:
            attrs.update({"color_mode": "color_temp", "brightness": brightness, "color_temp_kelvin": kelvin,
                          "color_temp": round(1000000 / kelvin)})
        else:
            attrs.update({"color_mode": None, "brightness": None, "color_temp_kelvin": None, "color_temp": None})
        return self.entity("light", platform, uid, device, name=name, state="on" if on else "off", attrs=attrs,
                           expose=expose)

    # manifests -----------------------------------------------------------
    def manifest(self, domain, name, iot_class, integration_type="hub", requirements=(), codeowners=(),
                 config_flow=True, dependencies=(), quality_scale=None, built_in=True, version=None,
                 after_dependencies=None, loggers=None, single=None, documentation=None, issue_tracker=None):
        m = {"domain": domain, "name": name, "codeowners": list(codeowners), "config_flow": config_flow,
             "dependencies": list(dependencies),
             "documentation": documentation or f"https://www.home-assistant.io/integrations/{domain}",
             "integration_type": integration_type, "requirements": list(requirements), "is_built_in": built_in}
        if iot_class:
            m["iot_class"] = iot_class
        if quality_scale:
            m["quality_scale"] = quality_scale
        if after_dependencies:
            m["after_dependencies"] = list(after_dependencies)
        if loggers:
            m["loggers"] = list(loggers)
        if single:
            m["single_config_entry"] = True
        if version:
            m["version"] = version
        if issue_tracker:
            m["issue_tracker"] = issue_tracker
        self.manifests[domain] = m


# ---------------------------------------------------------------- the Maple Street home

def build():
    H = Home()
    M = H.manifest

    # Areas --------------------------------------------------------------------------------------------------
    LIV = H.area("Living room", "ground_floor", "mdi:sofa")
    KIT = H.area("Kitchen", "ground_floor", "mdi:stove")
    HAL = H.area("Hallway", "ground_floor", "mdi:door")
    MBR = H.area("Master bedroom", "first_floor", "mdi:bed-king")
    BAT = H.area("Bathroom", "first_floor", "mdi:shower")
    KID = H.area("Kids' room", "first_floor", "mdi:teddy-bear", aliases=["Lena's room"])
    GAR = H.area("Garage", "ground_floor", "mdi:garage")
    GDN = H.area("Garden", None, "mdi:flower")
    OFF = H.area("Office", "first_floor", "mdi:desk")
    UTL = H.area("Utility room", "basement", "mdi:washing-machine")
    DRV = H.area("Driveway", None, "mdi:car")

    # Users (config/auth/list), in creation order -------------------------------------------------------------
    def user(key, name, username, groups, owner=False, system=False, local_only=False, creds=True):
        uid = h("user", key)
        H.users.append({"id": uid, "username": username, "name": name, "is_owner": owner, "is_active": True,
                        "local_only": local_only, "system_generated": system, "group_ids": groups,
                        "credentials": [{"type": "homeassistant"}] if creds else []})
        return uid

    user("supervisor", "Supervisor", None, ["system-admin"], system=True, creds=False)
    ALEX = user("alex", "Alex Morgan", "alex", ["system-admin"], owner=True)
    user("content", "Home Assistant Content", None, ["system-read-only"], system=True, creds=False)
    user("cloud", "Home Assistant Cloud", None, ["system-admin"], system=True, creds=False)
    SAM = user("sam", "Sam Morgan", "sam", ["system-admin"])
    LENA = user("lena", "Lena", "lena", ["system-users"], local_only=True)

    # Hub and system integrations -----------------------------------------------------------------------------
    M("hassio", "Home Assistant Supervisor", "local_polling", "system", ["aiohasupervisor==0.11.0"],
      ["@home-assistant/supervisor"], config_flow=False, dependencies=["http", "repairs"], quality_scale="internal",
      single=True)
    M("cloud", "Home Assistant Cloud", "cloud_push", "system", ["hass-nabucasa==2.8.1"],
      ["@home-assistant/cloud"], config_flow=False, dependencies=["auth", "http", "repairs", "webhook", "web_rtc"],
      after_dependencies=["alexa", "assist_pipeline", "google_assistant"], quality_scale="internal",
      single=True)
    M("sun", "Sun", "calculated", "service", ["astral==2.2"], ["@Swamp-Ig"], quality_scale="internal", single=True)
    M("met", "Meteorologisk institutt (Met.no)", "cloud_polling", "service", ["PyMetno==0.13.0"],
      ["@danielhiversen"])
    M("person", "Person", "calculated", "system", config_flow=False, quality_scale="internal",
      dependencies=["image_upload", "http"])
    M("automation", "Automation", None, "system", config_flow=False, quality_scale="internal",
      dependencies=["blueprint", "trace"], after_dependencies=["device_automation", "webhook"])
    M("input_boolean", "Input boolean", "calculated", "helper", config_flow=False, quality_scale="internal")
    M("zone", "Zone", "local_push", "entity", config_flow=False, quality_scale="internal")
    M("template", "Template", "local_push", "helper", quality_scale="internal")
    M("backup", "Backup", "calculated", "service", config_flow=False, quality_scale="internal",
      dependencies=["http", "websocket_api"])

    SUP = H.entry("hassio", "Supervisor", source="system", options=False)
    H.entry("cloud", "Home Assistant Cloud", source="system", options=False)
    CLOUD = H.entries[-1]["entry_id"]
    SUN = H.entry("sun", "Sun", source="import", options=False)
    MET = H.entry("met", "Home", options=True)

    core = H.device(SUP, "Home Assistant Core", None, "Home Assistant", "Home Assistant Core", sw=HA_VERSION,
                    identifiers=[("hassio", "core")], service=True)
    supd = H.device(SUP, "Home Assistant Supervisor", None, "Home Assistant", "Home Assistant Supervisor",
                    sw="2026.11.2", identifiers=[("hassio", "supervisor")], service=True)
    osd = H.device(SUP, "Home Assistant Operating System", None, "Home Assistant", "Home Assistant Operating System",
                   sw="17.1", identifiers=[("hassio", "OS")], service=True)
    host = H.device(SUP, "Home Assistant Host", None, "Home Assistant", "Home Assistant Host",
                    identifiers=[("hassio", "host")], service=True)
    H.update("hassio", "home_assistant_core_version_latest", core, HA_VERSION, "2026.11.3", name="Update",
             title="Home Assistant Core", category=None, features=11,
             url="https://www.home-assistant.io/blog/categories/core/", object_id="home_assistant_core_update")
    H.update("hassio", "home_assistant_supervisor_version_latest", supd, "2026.11.2", "2026.11.2", name="Update",
             title="Home Assistant Supervisor", category=None, features=1, auto=True,
             object_id="home_assistant_supervisor_update")
    H.update("hassio", "home_assistant_os_version_latest", osd, "17.1", "17.1", name="Update",
             title="Home Assistant Operating System", category=None, features=11,
             object_id="home_assistant_operating_system_update")
    H.entity("sensor", "hassio", "home_assistant_host_disk_free", host, name="Disk free", state="41.7",
             attrs={"state_class": "measurement", "unit_of_measurement": "GB", "device_class": "data_size"},
             category="diagnostic", translation_key="disk_free")
    addons = [
        ("core_mosquitto", "Mosquitto broker", "Official add-ons", "6.5.2", "6.5.2"),
        ("core_zwave_js", "Z-Wave JS", "Official add-ons", "0.27.1", "0.27.1"),
        ("45df7312_zigbee2mqtt", "Zigbee2MQTT", "Home Assistant Add-on: Zigbee2MQTT", "2.6.0-1", "2.6.2-1"),
        ("a0d7b954_adguard", "AdGuard Home", "Home Assistant Community Add-ons", "6.5.1", "6.5.1"),
        ("5c53de3b_esphome", "ESPHome Device Builder", "ESPHome", "2026.10.2", "2026.10.2"),
    ]
    # The Supervisor's /addons/<slug>/info for each app (supervisor/api/apps.py APIApps.info_data, keys in
    # its order), as HA's supervisor/api WebSocket command returns it. Options are left empty: the demo
    # holds no app secrets.
    repo_ids = {"Official add-ons": "core", "Home Assistant Community Add-ons": "a0d7b954",
                "Home Assistant Add-on: Zigbee2MQTT": "45df7312", "ESPHome": "5c53de3b"}
    app_facts = {  # slug: (ports, host_network, privileged, ingress, rating, auto_update)
        "core_mosquitto": ({"1883/tcp": 1883, "1884/tcp": 1884, "8883/tcp": 8883, "8884/tcp": 8884}, False, [], False, 6, True),
        "core_zwave_js": ({"3000/tcp": None}, False, [], False, 6, True),
        "45df7312_zigbee2mqtt": ({"8485/tcp": None, "8099/tcp": None}, False, [], True, 7, False),
        "a0d7b954_adguard": ({"53/udp": 53, "53/tcp": 53}, True, ["NET_BIND_SERVICE"], True, 6, False),
        "5c53de3b_esphome": ({"6052/tcp": None}, True, [], True, 6, False),
    }
    for slug, name, repo, inst, latest in addons:
        ports, host_net, priv, ingress, rating, auto = app_facts[slug]
        H.apps.append({
            "name": name, "slug": slug, "hostname": slug.replace("_", "-"),
            "dns": [slug.replace("_", "-") + ".local.hass.io"], "description": name, "long_description": None,
            "stage": "stable", "repository": repo_ids[repo], "version_latest": latest, "protected": True,
            "rating": rating, "boot_config": "auto", "boot": "auto", "options": {}, "schema": [],
            "arch": ["aarch64", "amd64"], "machine": [], "homeassistant": None, "url": None, "detached": False,
            "available": True, "build": False, "network": ports, "network_description": {k: None for k in ports},
            "host_network": host_net, "host_pid": False, "host_ipc": False, "host_uts": False, "host_dbus": False,
            "privileged": priv, "full_access": False, "apparmor": "default", "icon": True, "logo": True,
            "changelog": True, "documentation": True, "stdin": False, "hassio_api": True, "hassio_role": "default",
            "auth_api": slug == "core_mosquitto", "homeassistant_api": False, "gpio": False, "usb": False,
            "uart": slug in ("core_zwave_js", "45df7312_zigbee2mqtt"), "kernel_modules": False, "devicetree": False,
            "udev": False, "docker_api": False, "video": False, "audio": False, "startup": "services",
            "services": [], "discovery": [], "translations": {}, "ingress": ingress, "signed": False,
            "state": "started", "webui": None, "ingress_entry": f"/api/hassio_ingress/{h('ingress', slug)}" if ingress else None,
            "ingress_url": f"/api/hassio_ingress/{h('ingress', slug)}/" if ingress else None,
            "ingress_port": 8099 if ingress else 0, "ingress_panel": ingress, "audio_input": None,
            "audio_output": None, "auto_update": auto, "ip_address": f"172.30.33.{len(H.apps) + 2}",
            "version": inst, "update_available": inst != latest, "watchdog": True, "devices": [],
            "system_managed": False, "system_managed_config_entry": None})
    for slug, name, repo, inst, latest in addons:
        d = H.device(SUP, name, None, repo, "Home Assistant Add-on", sw=inst, identifiers=[("hassio", slug)],
                     url=f"homeassistant://hassio/addon/{slug}/info", service=True)
        H.update("hassio", f"{slug}_version_latest", d, inst, latest, name="Update", title=name, category=None,
                 features=25, auto=slug.startswith("core_"))
        H.binary("hassio", f"{slug}_state", d, "running", state="on", name="Running", category="diagnostic",
                 tk="state")
    H.device(MET, "Forecast", None, "Met.no", "Forecast", identifiers=[("met", MET)], service=True,
             url="https://www.met.no/en")
    met_dev = H.devices[-1]["id"]
    H.entity("weather", "met", f"{HOME_LAT}-{HOME_LON}", met_dev, name="Home", state="cloudy",
             object_id="forecast_home", attrs={
                 "temperature": 6.4, "dew_point": 1.2, "temperature_unit": "°C", "humidity": 69, "cloud_coverage": 88.3,
                 "pressure": 1017.2, "pressure_unit": "hPa", "wind_bearing": 248.1, "wind_speed": 14.8,
                 "wind_speed_unit": "km/h", "visibility_unit": "km", "precipitation_unit": "mm",
                 "attribution": "Weather forecast from met.no, delivered by the Norwegian Meteorological Institute.",
                 "supported_features": 3})
    sun_dev = H.device(SUN, "Sun", None, None, None, identifiers=[("sun", SUN)], service=True)
    H.entity("sun", "sun", SUN, None, entry=SUN, name="Sun", state="below_horizon", has_entity_name=False,
             attrs={"next_dawn": "2026-11-21T11:13:26.044921+00:00", "next_dusk": "2026-11-20T21:47:02.339716+00:00",
                    "next_midnight": "2026-11-21T04:30:03+00:00", "next_noon": "2026-11-21T16:30:11+00:00",
                    "next_rising": "2026-11-21T11:44:43.912315+00:00",
                    "next_setting": "2026-11-20T21:15:44.502100+00:00", "elevation": -8.4, "azimuth": 245.7,
                    "rising": False})
    H.entity("sensor", "sun", f"{SUN}-next_dawn", sun_dev, name="Next dawn", state="2026-11-21T11:13:26+00:00",
             category="diagnostic", translation_key="next_dawn", attrs={"device_class": "timestamp"})
    H.entity("stt", "cloud", "cloud-speech-to-text", None, entry=CLOUD, name="Home Assistant Cloud",
             state="unknown", has_entity_name=False, object_id="home_assistant_cloud")
    H.entity("tts", "cloud", "cloud-text-to-speech", None, entry=CLOUD, name="Home Assistant Cloud",
             state="2026-11-19T07:02:11.481233+00:00", has_entity_name=False, object_id="home_assistant_cloud")

    # Custom integrations: HACS and Alarmo ----------------------------------------------------------------------
    M("hacs", "HACS", "cloud_polling", "service", ["aiogithubapi>=22.10.1"], ["@ludeeus"],
      dependencies=["http", "websocket_api", "frontend", "persistent_notification", "lovelace", "repairs"],
      after_dependencies=["python_script"], built_in=False, version="2.0.5", single=True,
      documentation="https://hacs.xyz/docs/use/", issue_tracker="https://github.com/hacs/integration/issues")
    M("alarmo", "Alarmo", "calculated", "hub", [], ["@nielsfaber"], dependencies=["http", "frontend", "panel_custom"],
      after_dependencies=["mqtt", "notify"], built_in=False, version="1.10.12", single=True,
      documentation="https://github.com/nielsfaber/alarmo",
      issue_tracker="https://github.com/nielsfaber/alarmo/issues")
    HACS = H.entry("hacs", "HACS")
    hacs_dev = H.device(HACS, "HACS", None, "hacs.xyz", "", sw="2.0.5", identifiers=[("hacs", "0717a0cd-745c-48fd-9b16-c8534c9704f9-bc944b0f-fd42-4a58-a072-ade38d1444cd")],
                        service=True)
    H.update("hacs", "172733314", hacs_dev, "v1.10.12", "v1.10.12", name="Alarmo update", title="Alarmo",
             category=None, features=17, object_id="alarmo_update")
    ALARMO = H.entry("alarmo", "Alarmo", options=False)
    alarmo = H.device(ALARMO, "Alarmo", HAL, "@nielsfaber", "Alarmo", sw="1.10.12", identifiers=[("alarmo", ALARMO)])
    H.entity("alarm_control_panel", "alarmo", f"{ALARMO}", alarmo, name=None, state="disarmed", object_id="alarmo",
             expose=(False, False, False), attrs={
                 "code_format": None, "changed_by": None, "code_arm_required": False, "supported_features": 47,
                 "arm_mode": None, "next_state": None, "bypassed_sensors": None, "delay": None})

    # Hue ---------------------------------------------------------------------------------------------------------
    M("hue", "Philips Hue", "local_push", "hub", ["aiohue==4.8.0"], ["@marcelveldt"], quality_scale="platinum",
      loggers=["aiohue"])
    HUE = H.entry("hue", "Hue Bridge", key="001788fffe4a1b2c", remove_device=True)
    bridge_id = "001788fffe4a1b2c"
    bridge = H.device(HUE, "Hue Bridge", LIV, "Signify Netherlands B.V.", "Hue Bridge", "BSB002",
                      sw="1.72.1972054020", identifiers=[("hue", uuid("hue-bridge"))],
                      connections=[("mac", "00:17:88:4a:1b:2c")])
    H.update("hue", f"{uuid('hue-bridge-fw')}", bridge, "1.72.1972054020", "1.72.1972054020", tk="firmware")
    hue_lights = [
        ("Living Room Ceiling", LIV, "Hue White and Color Ambiance A19", "LCA001", True),
        ("Sofa Lamp", LIV, "Hue Go", "LLC020", True),
        ("Kitchen Pendant", KIT, "Hue White Ambiance A19", "LTA001", False),
        ("Hallway Light", HAL, "Hue White Ambiance A19", "LTA001", False),
        ("Bedroom Lamp", MBR, "Hue Iris", "LCF002", True),
        ("Lena's Night Light", KID, "Hue Go", "LLC020", True),
        ("Office Desk Lamp", OFF, "Hue White Ambiance A19", "LTA001", False),
    ]
    for i, (name, area, model, mid, color) in enumerate(hue_lights):
        d = H.device(HUE, name, area, "Signify Netherlands B.V.", model, mid, sw="1.122.2",
                     identifiers=[("hue", uuid("hue-dev", name))], via=bridge)
        on = name in ("Living Room Ceiling", "Sofa Lamp", "Lena's Night Light")
        H.light("hue", uuid("hue-light", name), d, on=on, brightness=(40 if "Night" in name else 204), color=color)
    motion = H.device(HUE, "Hallway Motion Sensor", HAL, "Signify Netherlands B.V.", "Hue motion sensor", "SML001",
                      sw="2.53.6", identifiers=[("hue", uuid("hue-dev", "motion"))], via=bridge)
    H.binary("hue", uuid("hue-motion"), motion, "motion", name="Motion", expose=(True, False, False))
    H.temp("hue", uuid("hue-temp"), motion, 19.4)
    H.entity("sensor", "hue", uuid("hue-lux"), motion, name="Illuminance", state="12",
             attrs={"state_class": "measurement", "unit_of_measurement": "lx", "device_class": "illuminance"})
    H.battery("hue", uuid("hue-batt"), motion, 71)

    # Zigbee: ZHA on a Home Assistant Connect ZBT-1 -------------------------------------------------------------
    M("homeassistant_sky_connect", "Home Assistant Connect ZBT-1", None, "hardware",
      ["universal-silabs-flasher==0.0.37", "ha-silabs-firmware-client==0.3.0"], ["@home-assistant/core"],
      dependencies=["hardware", "usb", "homeassistant_hardware"])
    M("zha", "Zigbee Home Automation", "local_polling", "hub", ["zha==0.0.78"], ["@dmulcahey", "@adminiuga", "@puddly",
      "@TheJulianJES"], dependencies=["file_upload"], after_dependencies=["hassio", "onboarding", "usb"],
      loggers=["aiosqlite", "bellows", "zha", "zigpy"])
    ZBT = H.entry("homeassistant_sky_connect", "Home Assistant Connect ZBT-1", source="usb", key="zbt1",
                  options=True)
    zbt = H.device(ZBT, "Home Assistant Connect ZBT-1", None, "Nabu Casa", "Home Assistant Connect ZBT-1",
                   serial="9e2adbd75b8beb119fe564a0f320645d",
                   identifiers=[("homeassistant_sky_connect", "9e2adbd75b8beb119fe564a0f320645d")])
    H.update("homeassistant_sky_connect", "9e2adbd75b8beb119fe564a0f320645d_firmware", zbt, "7.4.4.0 build 0",
             "7.4.4.0 build 0", tk="firmware", features=21)
    ZHA = H.entry("zha", "/dev/serial/by-id/usb-Nabu_Casa_Home_Assistant_Connect_ZBT-1_9e2adbd75b8beb11-if00-port0",
                  key="zha")
    coord_ieee = ieee("coordinator", prefix="e0:79:8d")
    coord = H.device(ZHA, "Nabu Casa Home Assistant Connect ZBT-1", None, "Nabu Casa",
                     "Home Assistant Connect ZBT-1", identifiers=[("zha", coord_ieee)],
                     connections=[("zigbee", coord_ieee)])

    def zha_dev(name, area, manu, model, battery=None, sw=None, key=None, prefix="00:15:8d"):
        ie = ieee(key or name, prefix=prefix)
        d = H.device(ZHA, name, area, manu, model, sw=sw, identifiers=[("zha", ie)], connections=[("zigbee", ie)],
                     via=coord)
        if battery is not None:
            H.battery("zha", f"{ie}-1-1", d, battery, tk=None)
        H.entity("sensor", "zha", f"{ie}-1-0-rssi", d, name="RSSI", state="-61", category="diagnostic",
                 translation_key="rssi", disabled_by="integration")
        return d, ie

    d, ie = zha_dev("Front Door Contact", HAL, "LUMI", "lumi.sensor_magnet.aq2", battery=89, sw="0x0000000a")
    H.binary("zha", f"{ie}-1-6", d, "opening", name="Opening", tk=None, expose=(True, False, False))
    # A smoke detector whose battery is nearly empty (8 %).
    smoke, ie = zha_dev("Kitchen Smoke Detector", KIT, "HEIMAN", "SmokeSensor-EF-3.0", battery=8, sw="0x00000031", key="smoke",
                        prefix="00:0d:6f")
    H.binary("zha", f"{ie}-1-1280", smoke, "smoke", name="Smoke")
    leak_bath, ie = zha_dev("Bathroom Leak Sensor", BAT, "LUMI", "lumi.sensor_wleak.aq1", battery=None)
    bath_leak = H.binary("zha", f"{ie}-1-1280", leak_bath, "moisture", name="Moisture", state="unavailable")
    H.entity("sensor", "zha", f"{ie}-1-1", leak_bath, name="Battery", state="unavailable", category="diagnostic",
             attrs={"state_class": "measurement", "unit_of_measurement": "%", "device_class": "battery"})
    leak_kit, ie = zha_dev("Kitchen Sink Leak Sensor", KIT, "LUMI", "lumi.sensor_wleak.aq1", battery=94)
    kit_leak = H.binary("zha", f"{ie}-1-1280", leak_kit, "moisture", name="Moisture")
    bath_th, ie = zha_dev("Bathroom Climate", BAT, "LUMI", "lumi.weather", battery=77, sw="0x00000003")
    H.temp("zha", f"{ie}-1-1026", bath_th, 22.8)
    H.humidity("zha", f"{ie}-1-1029", bath_th, 64)
    kt, ie = zha_dev("Küchenthermometer", KIT, "_TZ3000_fllyghyj", "TS0201", battery=63, sw="0x00000043", prefix="a4:c1:38")
    H.temp("zha", f"{ie}-1-1026", kt, 21.2)
    H.humidity("zha", f"{ie}-1-1029", kt, 48)
    plug, ie = zha_dev("Office Plug", OFF, "IKEA of Sweden", "TRETAKT Smart plug", sw="0x02040045", prefix="84:2e:14")
    H.entity("switch", "zha", f"{ie}-1-6", plug, name=None, state="on", expose=(True, True, False),
             attrs={"device_class": "outlet"})
    gm, ie = zha_dev("Garage Motion", GAR, "eWeLink", "SNZB-03P", battery=96, sw="0x00002200", prefix="a4:c1:38")
    H.binary("zha", f"{ie}-1-1280", gm, "motion", name="Motion")

    # Z-Wave JS ---------------------------------------------------------------------------------------------------
    M("zwave_js", "Z-Wave", "local_push", "hub", ["pyserial==3.5", "zwave-js-server-python==0.67.1"],
      ["@home-assistant/z-wave"], dependencies=["http", "repairs", "usb", "websocket_api"],
      after_dependencies=["hassio"], loggers=["zwave_js_server"], quality_scale="platinum")
    ZW = H.entry("zwave_js", "Z-Wave JS", key="zwave_js", source="hassio", remove_device=True)
    home_id = 3967834615
    zw_nodes = []

    def zw(node, name, area, manu, model, mid, sw, ids, security, status=4, secure=True, fw_cc=True, routing=True):
        d = H.device(ZW, name, area, manu, model, mid, sw=sw,
                     identifiers=[("zwave_js", f"{home_id}-{node}"), ("zwave_js", f"{home_id}-{node}-{ids}")],
                     via=None if node == 1 else zw_ctrl_holder[0])
        zw_nodes.append({"node_id": node, "is_routing": routing, "status": status, "is_secure": secure,
                         "ready": True, "zwave_plus_version": 2 if node == 1 else 1,
                         "highest_security_class": security, "is_controller_node": node == 1,
                         "has_firmware_update_cc": fw_cc})
        H.entity("sensor", "zwave_js", f"{home_id}.{node}.node_status", d, name="Node status",
                 state={4: "alive", 1: "asleep", 2: "awake", 3: "dead"}.get(status, "unknown"),
                 category="diagnostic", translation_key="node_status", attrs={"device_class": "enum", "options": [
                     "alive", "dead", "unknown", "asleep", "awake"]}, icon="mdi:heart-pulse")
        return d

    zw_ctrl_holder = [None]
    ctrl = zw(1, "Z-Wave Controller", None, "Zooz", "ZST39 800 Long Range USB Stick", "ZST39", "1.60",
              "634:4:1", 2, fw_cc=False)
    zw_ctrl_holder[0] = ctrl
    front = zw(2, "Front Door Lock", HAL, "Yale", "Assure Lock 2 Touchscreen Deadbolt", "YRD450-F-ZW3", "4.1.9",
               "297:32770:1536", 7)
    FRONT_LOCK = H.entity("lock", "zwave_js", f"{home_id}.2-98-0-currentMode", front, name=None, state="locked",
                          expose=(True, True, False), attrs={"supported_features": 0})
    H.battery("zwave_js", f"{home_id}.2-128-0-level", front, 54, name="Battery level", category=None)
    H.update("zwave_js", f"{home_id}.2.firmware_update", front, "4.1.9", "4.3.2", tk=None, features=23,
             summary="Security fix for BLE pairing; improved battery reporting.")
    back = zw(3, "Back Door Lock", GDN, "Schlage", "BE469ZP Connect Smart Deadbolt", "BE469ZP", "0.11.0",
              "59:1:1129", 2)
    H.entity("lock", "zwave_js", f"{home_id}.3-98-0-currentMode", back, name=None, state="locked",
             expose=(False, False, False), attrs={"supported_features": 0})
    H.battery("zwave_js", f"{home_id}.3-128-0-level", back, 81, name="Battery level", category=None)
    valve_d = zw(4, "Water Main Shut-off", UTL, "Zooz", "Titan Water Valve", "ZAC36", "1.20", "634:257:36", 1)
    VALVE = H.entity("valve", "zwave_js", f"{home_id}.4-37-0-targetValue", valve_d, name=None, state="open",
                     expose=(False, False, False), attrs={"device_class": "water", "supported_features": 3})
    zco = zw(5, "Bedroom Smoke & CO Alarm", MBR, "First Alert (BRK Brands, Inc.)", "ZCOMBO Smoke and CO Alarm",
             "ZCOMBO", "1.5", "312:1:3", -1, status=1, secure=False, fw_cc=False, routing=False)
    H.binary("zwave_js", f"{home_id}.5-113-0-Smoke Alarm-Sensor status.2", zco, "smoke", name="Smoke detected",
             tk=None)
    H.binary("zwave_js", f"{home_id}.5-113-0-CO Alarm-Sensor status.2", zco, "carbon_monoxide",
             name="Carbon monoxide detected")
    H.battery("zwave_js", f"{home_id}.5-128-0-level", zco, 90, name="Battery level", category=None)
    zwave_status = {
        "client": {"ws_server_url": "ws://core-zwave-js:3000", "state": "connected", "driver_version": "15.15.2",
                   "server_version": "3.4.0", "server_logging_enabled": False},
        "controller": {
            "home_id": home_id, "sdk_version": "7.23.1", "type": 1, "own_node_id": 1, "is_primary": True,
            "is_using_home_id_from_other_network": False, "is_sis_present": True, "was_real_primary": True,
            "is_suc": True, "node_type": 0, "firmware_version": "1.60", "manufacturer_id": 634, "product_id": 1,
            "product_type": 4, "supported_function_types": [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 19, 20, 21, 22, 32, 65,
                                                            66, 68, 70, 71, 72, 74, 75, 76, 77, 78, 80, 81, 84],
            "suc_node_id": 1, "supports_timers": False, "supports_long_range": True, "is_rebuilding_routes": False,
            "inclusion_state": 0, "rf_region": 1, "status": 0, "nodes": zw_nodes,
        },
    }

    # MQTT: Mosquitto add-on with Zigbee2MQTT and one hand-made device -----------------------------------------
    M("mqtt", "MQTT", "local_push", "hub", ["paho-mqtt==2.1.0"], ["@emontnemery", "@jbouwh", "@bdraco"],
      dependencies=["file_upload", "http"], quality_scale="platinum", single=True)
    MQ = H.entry("mqtt", "core-mosquitto", source="hassio", reconfigure=True,
                 subentry_types={"device": {"supports_reconfigure": True}})
    z2m_bridge_ieee = "0x00124b0029d1a2b3"
    z2m = H.device(MQ, "Zigbee2MQTT Bridge", None, "Zigbee2MQTT", "Bridge", sw="2.6.0", hw="EmberZNet 7.4.4 [GA]",
                   identifiers=[("mqtt", f"zigbee2mqtt_bridge_{z2m_bridge_ieee}")])
    H.entity("binary_sensor", "mqtt", f"bridge_{z2m_bridge_ieee}_connection_state_zigbee2mqtt", z2m,
             name="Connection state", state="on", category="diagnostic", attrs={"device_class": "connectivity"})
    H.entity("switch", "mqtt", f"bridge_{z2m_bridge_ieee}_permit_join_zigbee2mqtt", z2m, name="Permit join",
             state="off", category="config", icon="mdi:human-greeting-proximity")

    def z2m_dev(name, area, addr, manu, model, mid, sw=None):
        return H.device(MQ, name, area, manu, model, mid, sw=sw, identifiers=[("mqtt", f"zigbee2mqtt_{addr}")],
                        via=z2m)

    trv_a = "0xa4c1383c96f0e123"
    trv = z2m_dev("Kids' Room Radiator", KID, trv_a, "Moes", "Thermostatic radiator valve", "BRT-100-TRV")
    H.entity("climate", "mqtt", f"{trv_a}_climate_zigbee2mqtt", trv, name=None, state="heat",
             expose=(True, True, False), attrs={
                 "hvac_modes": ["off", "heat"], "min_temp": 5, "max_temp": 35, "target_temp_step": 1,
                 "preset_modes": ["programming", "manual", "temporary_manual", "holiday"],
                 "current_temperature": 20.5, "temperature": 21, "preset_mode": "manual", "hvac_action": "heating",
                 "supported_features": 401})
    H.entity("switch", "mqtt", f"{trv_a}_child_lock_zigbee2mqtt", trv, name="Child lock", state="off",
             category="config", icon="mdi:account-lock")
    H.entity("switch", "mqtt", f"{trv_a}_window_detection_zigbee2mqtt", trv, name="Window detection", state="on",
             category="config")
    H.battery("mqtt", f"{trv_a}_battery_zigbee2mqtt", trv, 67)
    kp_a = "0xa4c138d2b1e40f77"
    kp = z2m_dev("Kettle Plug", KIT, kp_a, "Tuya", "Smart plug (with power monitoring)", "TS011F_plug_1",
                 sw="1.0.5")
    H.entity("switch", "mqtt", f"{kp_a}_switch_zigbee2mqtt", kp, name=None, state="off", expose=(True, True, False),
             attrs={"device_class": "outlet"})
    H.entity("switch", "mqtt", f"{kp_a}_child_lock_zigbee2mqtt", kp, name="Child lock", state="off",
             category="config", icon="mdi:account-lock")
    H.power("mqtt", f"{kp_a}_power_zigbee2mqtt", kp, 0)
    H.energy("mqtt", f"{kp_a}_energy_zigbee2mqtt", kp, 48.21)
    rm_a = "0x84fd27fffe9a3c11"
    rm = z2m_dev("Living Room Remote", LIV, rm_a, "IKEA", "STYRBAR remote control", "E2001/E2002", sw="2.4.11")
    H.entity("event", "mqtt", f"{rm_a}_action_zigbee2mqtt", rm, name="Action", state="2026-11-20T17:21:45.118211+00:00",
             attrs={"event_types": ["on", "off", "brightness_move_up", "brightness_stop", "arrow_left_click",
                                    "arrow_right_click"], "event_type": "on", "device_class": "button"})
    H.battery("mqtt", f"{rm_a}_battery_zigbee2mqtt", rm, 82)
    gt_a = "0x00124b002c6e1f90"
    gt = z2m_dev("Garden Temperature", GDN, gt_a, "SONOFF", "Temperature and humidity sensor", "SNZB-02D",
                 sw="1.2.0")
    H.temp("mqtt", f"{gt_a}_temperature_zigbee2mqtt", gt, 6.1)
    H.humidity("mqtt", f"{gt_a}_humidity_zigbee2mqtt", gt, 81)
    H.battery("mqtt", f"{gt_a}_battery_zigbee2mqtt", gt, 58)
    # A hand-made MQTT discovery device: nobody filled in manufacturer or model.
    mb = H.device(MQ, "Mailbox", GDN, None, None, identifiers=[("mqtt", "mailbox_esp01")])
    H.binary("mqtt", "mailbox_esp01_flap", mb, "opening", name="Flap", state="off")

    # ESPHome -------------------------------------------------------------------------------------------------------
    M("esphome", "ESPHome", "local_push", "device", ["aioesphomeapi==42.7.0", "esphome-dashboard-api==1.3.0",
      "bleak-esphome==3.4.0"], ["@jesserockz", "@kbx81", "@bdraco"], dependencies=["assist_pipeline", "bluetooth",
      "intent", "ffmpeg", "http"], after_dependencies=["hassio", "zeroconf", "tag"], quality_scale="platinum",
      loggers=["aioesphomeapi", "noiseprotocol", "bleak_esphome"])

    def esp(name, area, manu, model, sw, node):
        m = mac("esp", node, prefix="a0:b7:65")
        e = H.entry("esphome", node, source="zeroconf", key=node, reconfigure=True)
        d = H.device(e, name, area, manu, model, sw=sw, connections=[("mac", m)])
        return d, m

    gd, m = esp("Garage Door Opener", GAR, "ratgdo", "ratgdo32", "2026.10.0 (ESPHome 2026.10.2)", "ratgdo32-garage")
    GARAGE = H.entity("cover", "esphome", f"{m}-cover-door", gd, name="Door", state="closed",
                      object_id="garage_door", user_name="Garage Door", expose=(True, True, False),
                      attrs={"device_class": "garage", "supported_features": 11})
    H.binary("esphome", f"{m}-binary_sensor-obstruction", gd, "problem", name="Obstruction")
    H.entity("light", "esphome", f"{m}-light-light", gd, name="Light", state="off",
             attrs={"supported_color_modes": ["onoff"], "color_mode": None, "supported_features": 0},
             expose=(True, False, False))
    H.update("esphome", f"{m}-update-firmware", gd, "2026.10.0", "2026.10.0", tk=None)
    vpe, m = esp("Home Assistant Voice Living Room", LIV, "Nabu Casa", "Home Assistant Voice PE",
                 "25.11.0 (ESPHome 2026.10.2)", "home-assistant-voice-0a1b2c")
    H.entity("assist_satellite", "esphome", f"{m}-assist_satellite-assist_satellite", vpe, name="Assist satellite",
             state="idle", attrs={"supported_features": 3}, translation_key="assist_satellite")
    H.entity("media_player", "esphome", f"{m}-media_player-media_player", vpe, name="Media Player", state="idle",
             attrs={"device_class": "speaker", "volume_level": 0.4, "is_volume_muted": False,
                    "supported_features": 1838357})
    H.entity("switch", "esphome", f"{m}-switch-mute", vpe, name="Mute", state="off", category="config",
             icon="mdi:microphone-off")
    H.update("esphome", f"{m}-update-firmware", vpe, "25.11.0", "25.11.0", tk=None)
    air, m = esp("Office Air Quality", OFF, "ApolloAutomation", "AIR-1", "25.9.17.1 (ESPHome 2026.10.2)",
                 "apollo-air-1-5f3e21")
    H.entity("sensor", "esphome", f"{m}-sensor-co2", air, name="CO2", state="812",
             attrs={"state_class": "measurement", "unit_of_measurement": "ppm", "device_class": "carbon_dioxide"})
    H.temp("esphome", f"{m}-sensor-sen55_temperature", air, 21.9, name="SEN55 Temperature")
    H.entity("sensor", "esphome", f"{m}-sensor-pm_2_5", air, name="PM2.5", state="3",
             attrs={"state_class": "measurement", "unit_of_measurement": "µg/m³", "device_class": "pm25"})

    # Shelly ----------------------------------------------------------------------------------------------------------
    M("shelly", "Shelly", "local_push", "device", ["aioshelly==13.14.0"], ["@bieniu", "@thecode", "@chemelli74",
      "@bdraco"], dependencies=["bluetooth", "http", "network"], quality_scale="platinum", loggers=["aioshelly"])

    def shelly(name, area, model, mid, ip, sw, gen):
        mm = mac("shelly", name, prefix="c4:5b:be")
        e = H.entry("shelly", name, source="zeroconf", key=mm, reconfigure=True)
        d = H.device(e, name, area, "Shelly", model, mid, sw=sw, hw=f"gen{gen} ({mid})",
                     connections=[("mac", mm)], url=f"http://{ip}")
        return d, mm.replace(":", "")

    gl, m = shelly("Garden Lights", GDN, "Shelly Plus 1", "SNSW-001X16EU", "192.168.1.61", "1.4.4", 2)
    H.entity("switch", "shelly", f"{m}-switch:0", gl, name=None, state="off", expose=(True, True, False))
    H.update("shelly", f"{m}-sys-fwupdate", gl, "1.4.4", "1.4.4", tk="fwupdate", features=5)
    fan, m = shelly("Bathroom Fan", BAT, "Shelly 1PM Mini Gen3", "S3SW-001P8EU", "192.168.1.64", "1.6.2", 3)
    H.entity("switch", "shelly", f"{m}-switch:0", fan, name=None, state="off", expose=(True, False, False))
    H.power("shelly", f"{m}-switch:0-power", fan, 0)
    H.update("shelly", f"{m}-sys-fwupdate", fan, "1.6.2", "1.6.2", tk="fwupdate", features=5)

    # Tuya (cloud) ---------------------------------------------------------------------------------------------------
    M("tuya", "Tuya", "cloud_push", "hub", ["tuya-device-sharing-sdk==0.2.4"], ["@Tuya", "@zlinoliver"],
      loggers=["tuya_sharing"])
    TUYA = H.entry("tuya", "alex.morgan@example.com", key="tuya", options=False)
    tid = "bf3e2d1c0a9b8e7f6d5c4b"
    fr = H.device(TUYA, "Garage Freezer Plug", GAR, "Tuya", "Smart Plug (unsupported)", "xenxir4a0tn0p1qcqe",
                  identifiers=[("tuya", tid)])
    H.entity("switch", "tuya", f"tuya.{tid}switch_1", fr, name="Socket 1", state="on", translation_key="socket",
             attrs={"device_class": "outlet"})
    H.entity("switch", "tuya", f"tuya.{tid}child_lock", fr, name="Child lock", state="off", category="config",
             translation_key="child_lock", icon="mdi:account-lock")
    H.power("tuya", f"tuya.{tid}cur_power", fr, 92.4)
    tid2 = "eb7a6c5d4e3f2a1b0c9d8e"
    pur = H.device(TUYA, "Bedroom Air Purifier", MBR, "Tuya", "Air Purifier", "kj0u3aq6ttjfhbwq",
                   identifiers=[("tuya", tid2)])
    H.entity("fan", "tuya", f"tuya.{tid2}switch", pur, name=None, state="on", expose=(True, True, False),
             attrs={"percentage": 33, "percentage_step": 33.333333333333336, "preset_mode": "sleep",
                    "preset_modes": ["auto", "sleep", "manual"], "supported_features": 57})

    # Home Connect (cloud) oven ----------------------------------------------------------------------------------
    M("home_connect", "Home Connect", "cloud_push", "hub", ["aiohomeconnect==0.23.1"], ["@DavidMStraub",
      "@Diegorro98", "@MartinHjelmare"], dependencies=["application_credentials", "repairs"],
      quality_scale="platinum", loggers=["aiohomeconnect"])
    HC = H.entry("home_connect", "Home Connect", key="hc", options=False)
    ha_id = "BOSCH-HBG7764B1-68A40E2B3C4D"
    oven = H.device(HC, "Oven", KIT, "BOSCH", "HBG7764B1", identifiers=[("home_connect", ha_id)])
    H.entity("switch", "home_connect", f"{ha_id}-BSH.Common.Setting.PowerState", oven, name="Power", state="off",
             translation_key="power")
    H.entity("switch", "home_connect", f"{ha_id}-BSH.Common.Setting.ChildLock", oven, name="Child lock",
             state="on", translation_key="child_lock", category="config")
    H.binary("home_connect", f"{ha_id}-BSH.Common.Status.DoorState", oven, "door", name="Door", tk="door")
    H.entity("sensor", "home_connect", f"{ha_id}-BSH.Common.Status.OperationState", oven, name="Operation state",
             state="ready", translation_key="operation_state",
             attrs={"device_class": "enum", "options": ["inactive", "ready", "delayedstart", "run", "pause",
                                                        "actionrequired", "finished", "error", "aborting"]})

    # Ring doorbell (cloud) ----------------------------------------------------------------------------------------
    M("ring", "Ring", "cloud_polling", "hub", ["ring-doorbell==0.9.14"], ["@sdb9696"], dependencies=["ffmpeg"],
      quality_scale="silver", loggers=["ring_doorbell"])
    RING = H.entry("ring", "alex.morgan@example.com", key="ring", reconfigure=True)
    rid = "684092431"
    bell = H.device(RING, "Front Door", HAL, "Ring", "Video Doorbell 4", "lpd_v4", sw="Up to date",
                    identifiers=[("ring", "0cae8c2b8e3f")])
    H.entity("camera", "ring", f"{rid}-live_view", bell, name="Live view", state="idle", translation_key="live_view",
             attrs={"access_token": h("tok", "ring"), "entity_picture":
                    f"/api/camera_proxy/camera.front_door_live_view?token={h('tok', 'ring')}",
                    "frontend_stream_type": "web_rtc", "attribution": "Data provided by Ring.com",
                    "supported_features": 2})
    H.entity("event", "ring", f"{rid}-ding", bell, name="Ding", state="2026-11-20T15:02:31.004122+00:00",
             translation_key="ding", attrs={"event_types": ["ding"], "event_type": "ding",
                                            "device_class": "doorbell"})
    H.entity("event", "ring", f"{rid}-motion", bell, name="Motion", state="2026-11-20T17:40:12.551908+00:00",
             translation_key="motion", attrs={"event_types": ["motion"], "event_type": "motion",
                                              "device_class": "motion"})
    H.battery("ring", f"{rid}-battery", bell, 76)

    # Google Nest (cloud) --------------------------------------------------------------------------------------------
    M("nest", "Google Nest", "cloud_push", "hub", ["google-nest-sdm==9.1.1"], ["@allenporter"],
      dependencies=["ffmpeg", "http", "application_credentials"], after_dependencies=["media_source"],
      loggers=["google_nest_sdm"])
    NEST = H.entry("nest", "Maple Street", key="nest", reconfigure=False)
    proj = "enterprises/5d5f3f49-2b7a-4c1e-9f6a-8c1d3e2f4a5b/devices"
    th = H.device(NEST, "Hallway Thermostat", HAL, "Google Nest", "Thermostat", identifiers=[("nest", f"{proj}/AVPHwEvTq9kx4R2m")])
    H.entity("climate", "nest", f"{proj}/AVPHwEvTq9kx4R2m-thermostat", th, name=None, state="heat",
             expose=(True, True, False), attrs={
                 "hvac_modes": ["heat", "cool", "heat_cool", "off"], "min_temp": 9, "max_temp": 32,
                 "preset_modes": ["none", "eco"], "fan_modes": ["on", "off"], "current_temperature": 20.2,
                 "temperature": 20.5, "hvac_action": "idle", "preset_mode": "none", "fan_mode": "off",
                 "supported_features": 411})
    H.humidity("nest", f"{proj}/AVPHwEvTq9kx4R2m-humidity", th, 44)
    cam_k = H.device(NEST, "Lena's Room Camera", KID, "Google Nest", "Camera", identifiers=[("nest", f"{proj}/AVPHwEsR2kLm7Qx1")])
    H.entity("camera", "nest", f"{proj}/AVPHwEsR2kLm7Qx1-camera", cam_k, name=None, state="streaming",
             attrs={"access_token": h("tok", "nest"), "entity_picture":
                    f"/api/camera_proxy/camera.lena_s_room_camera?token={h('tok', 'nest')}",
                    "frontend_stream_type": "web_rtc", "supported_features": 2})
    H.entity("event", "nest", f"{proj}/AVPHwEsR2kLm7Qx1-EventType.CAMERA_MOTION", cam_k, name="Motion",
             state="2026-11-20T16:58:03.221004+00:00", translation_key="camera_motion",
             attrs={"event_types": ["camera_motion"], "event_type": "camera_motion", "device_class": "motion"})
    H.entity("event", "nest", f"{proj}/AVPHwEsR2kLm7Qx1-EventType.CAMERA_SOUND", cam_k, name="Sound",
             state="2026-11-20T02:14:47.906117+00:00", translation_key="camera_sound",
             attrs={"event_types": ["camera_sound"], "event_type": "camera_sound"})

    # Reolink (local) --------------------------------------------------------------------------------------------------
    M("reolink", "Reolink", "local_push", "hub", ["reolink-aio==0.17.2"], ["@starkillerOG"],
      dependencies=["http", "webhook"], quality_scale="platinum", loggers=["reolink_aio"])

    def reolink(name, area, model, uid, ip, sw, latest):
        e = H.entry("reolink", name, source="dhcp", key=uid, reconfigure=True)
        d = H.device(e, name, area, "Reolink", model, sw=sw, hw="IPC_523SD8", serial=uid,
                     identifiers=[("reolink", uid)], connections=[("mac", mac("reolink", uid, prefix="ec:71:db"))],
                     url=f"https://{ip}:443")
        H.entity("camera", "reolink", f"{uid}_0_sub", d, name="Fluent", state="idle", translation_key="sub",
                 attrs={"access_token": h("tok", uid), "entity_picture":
                        f"/api/camera_proxy/camera.{slugify(name)}_fluent?token={h('tok', uid)}",
                        "frontend_stream_type": "hls", "supported_features": 2})
        H.binary("reolink", f"{uid}_0_motion", d, "motion", name="Motion", tk="motion")
        H.binary("reolink", f"{uid}_0_person", d, None, name="Person", tk="person", state="off")
        H.update("reolink", f"{uid}_firmware", d, sw, latest, tk=None, features=21,
                 url="https://reolink.com/download-center/")
        return d

    reolink("Driveway Camera", DRV, "RLC-811A", "95270000YGAKNWKJ", "192.168.1.74",
            "v3.1.0.3747_2403153130", "v3.1.0.4417_2412122130")
    reolink("Garden Camera", GDN, "RLC-520A", "95270001KZ6QF8ZN", "192.168.1.75",
            "v3.1.0.4417_2412122130", "v3.1.0.4417_2412122130")

    # UniFi Protect (local) --------------------------------------------------------------------------------------------
    M("unifiprotect", "UniFi Protect", "local_push", "hub", ["uiprotect==7.33.1", "unifi-discovery==1.2.0"],
      ["@RaHehl"], dependencies=["http", "repairs"], loggers=["uiprotect", "unifi_discovery"])
    UP = H.entry("unifiprotect", "Cloud Key", source="dhcp", key="ucg", reconfigure=True)
    nvr_mac = mac("unifi-nvr", prefix="f4:e2:c6")
    nvr = H.device(UP, "Cloud Key", None, "Ubiquiti", "UniFi Cloud Key Gen2 Plus", "UCKP", sw="5.0.108",
                   connections=[("mac", nvr_mac)], identifiers=[("unifiprotect", nvr_mac.replace(":", "").upper())],
                   url="https://192.168.1.2/protect")
    lc_mac = mac("unifi-living", prefix="e4:38:83")
    lc_id = lc_mac.replace(":", "").upper()
    lc = H.device(UP, "Living Room Camera", LIV, "Ubiquiti", "G4 Instant", "UVC G4 Instant", sw="4.74.98",
                  connections=[("mac", lc_mac)], identifiers=[("unifiprotect", lc_id)], via=nvr,
                  url="https://192.168.1.2/protect/devices/" + h("up", "lc", n=24))
    H.entity("camera", "unifiprotect", f"{lc_id}_high", lc, name="High resolution channel", state="recording",
             attrs={"access_token": h("tok", "lc"), "entity_picture":
                    f"/api/camera_proxy/camera.living_room_camera_high_resolution_channel?token={h('tok', 'lc')}",
                    "frontend_stream_type": "web_rtc", "attribution": "Powered by UniFi Protect Server",
                    "supported_features": 2})
    H.entity("switch", "unifiprotect", f"{lc_id}_privacy_mode", lc, name="Privacy mode", state="off",
             category="config", translation_key="privacy_mode", icon="mdi:eye-settings")
    H.entity("switch", "unifiprotect", f"{lc_id}_record_audio", lc, name="Record audio", state="on",
             category="config", translation_key="record_audio", icon="mdi:microphone")
    H.binary("unifiprotect", f"{lc_id}_motion", lc, "motion", name="Motion", tk=None)
    H.binary("unifiprotect", f"{lc_id}_is_dark", lc, None, name="Is dark", state="off", category="diagnostic")

    # Sonos and Cast (media) ------------------------------------------------------------------------------------
    M("sonos", "Sonos", "local_push", "hub", ["soco==0.30.12", "sonos-websocket==0.1.3"], ["@jjlawren",
      "@peterager"], dependencies=["ssdp"], after_dependencies=["plex", "spotify", "zeroconf", "media_source"],
      loggers=["soco", "sonos_websocket"])
    SON = H.entry("sonos", "Sonos", source="zeroconf", key="sonos")

    def sonos(name, area, model, mid, rincon, mic):
        d = H.device(SON, name, area, "Sonos", model, mid, sw="85.0-66270", hw="1.8.1.2-2.1",
                     identifiers=[("sonos", rincon)], connections=[("mac", mac("sonos", rincon, prefix="48:a6:b8"))])
        H.entity("media_player", "sonos", rincon, d, name=None, state="paused", expose=(True, True, False),
                 attrs={"device_class": "speaker", "volume_level": 0.22, "is_volume_muted": False,
                        "media_content_type": "music", "shuffle": False, "repeat": "off",
                        "supported_features": 3961405})
        if mic:
            H.binary("sonos", f"{rincon}-microphone", d, None, name="Microphone", state="on", category="diagnostic",
                     tk="microphone")
        H.entity("switch", "sonos", f"{rincon}-crossfade", d, name="Crossfade", state="off", category="config",
                 translation_key="crossfade")
        return d

    sonos("Living Room Sonos", LIV, "Era 100", "S39", "RINCON_48A6B88A1B2C01400", True)
    sonos("Kitchen Sonos", KIT, "One SL", "S38", "RINCON_48A6B8C3D4E501400", False)
    M("cast", "Google Cast", "local_polling", "hub", ["PyChromecast==14.0.9"], ["@emontnemery"],
      dependencies=["http", "media_source"], after_dependencies=["cloud", "http", "media_source", "plex", "tts",
                                                                 "zeroconf"], single=True, loggers=["casttube",
                                                                                                    "pychromecast"])
    CAST = H.entry("cast", "Google Cast", source="zeroconf", key="cast")
    tv = H.device(CAST, "Living Room TV", LIV, "Google Inc.", "Chromecast", "Chromecast with Google TV",
                  identifiers=[("cast", uuid("cast", "tv"))])
    H.entity("media_player", "cast", uuid("cast", "tv"), tv, name=None, state="off", expose=(True, True, False),
             attrs={"device_class": "tv", "supported_features": 152463})
    mini = H.device(CAST, "Lena's Speaker", KID, "Google Inc.", "Google Nest Mini",
                    identifiers=[("cast", uuid("cast", "mini"))])
    H.entity("media_player", "cast", uuid("cast", "mini"), mini, name=None, state="idle", expose=(True, True, False),
             attrs={"device_class": "speaker", "volume_level": 0.35, "is_volume_muted": False,
                    "supported_features": 152461})

    # Matter -------------------------------------------------------------------------------------------------------
    M("matter", "Matter", "local_push", "hub", ["python-matter-server==8.1.0"], ["@home-assistant/matter"],
      dependencies=["websocket_api"], after_dependencies=["hassio"], loggers=["matter_server"])
    MAT = H.entry("matter", "Matter", source="hassio", key="matter")
    fabric = "0000000000000001"

    def matter(node, name, area, manu, model, sw, serial, mid=None):
        node_hex = f"{node:016X}"
        d = H.device(MAT, name, area, manu, model, mid, sw=sw, hw="1.1", serial=serial,
                     identifiers=[("matter", f"deviceid_{fabric}-{node_hex}-MatterNodeDevice"),
                                  ("matter", f"serial_{serial}")])
        return d, f"{fabric}-{node_hex}-MatterNodeDevice"

    eve, p = matter(7, "TV Plug", LIV, "Eve Systems", "Eve Energy", "3.5.0", "XJ2312AB45678", "Eve Energy 20EBO8301")
    H.entity("switch", "matter", f"{p}-1-MatterPlug-6-0", eve, name=None, state="on", expose=(True, True, False),
             attrs={"device_class": "outlet"})
    H.power("matter", f"{p}-2-ElectricalPowerMeasurementWatt-144-8", eve, 61.8)
    H.update("matter", f"{p}-0-MatterUpdate-42-0", eve, "3.5.0", "3.5.0", tk=None, features=7)
    nl, p = matter(9, "Office Ceiling", OFF, "Nanoleaf", "Essentials A19", "4.1.3", "N20AA1BC2D")
    H.light("matter", f"{p}-1-MatterLight-6-0", nl, on=False, color=True)

    # Phones (mobile_app) and persons ------------------------------------------------------------------------------
    M("mobile_app", "Mobile App", "local_push", "hub", ["PyNaCl==1.6.0"], ["@home-assistant/core"],
      dependencies=["http", "webhook", "person", "tag", "websocket_api"], after_dependencies=["cloud", "camera",
                                                                                           "notify"],
      quality_scale="internal")

    def phone(name, manu, model, os_ver, state, lat, lon, acc, key):
        e = H.entry("mobile_app", name, source="registration", key=key, options=False)
        dev_uuid = uuid("phone", key).upper()
        d = H.device(e, name, None, manu, model, sw=os_ver, identifiers=[("mobile_app", dev_uuid)])
        webhook = h("webhook", key, n=64)
        tracker = H.entity("device_tracker", "mobile_app", webhook, d, name=None, state=state,
                           object_id=slugify(name), attrs={
                               "source_type": "gps", "battery_level": 64, "latitude": lat, "longitude": lon,
                               "gps_accuracy": acc, "altitude": 21, "course": -1, "speed": -1,
                               "vertical_accuracy": 30})
        H.entity("sensor", "mobile_app", f"{webhook}_battery_level", d, name="Battery level", state="64",
                 attrs={"state_class": "measurement", "unit_of_measurement": "%", "device_class": "battery",
                        "icon": "mdi:battery-60"})
        H.entity("sensor", "mobile_app", f"{webhook}_geocoded_location", d, name="Geocoded location",
                 state="12 Maple Street, Cambridge, MA 02139, United States" if state == "home" else
                 "350 Main Street, Cambridge, MA 02142, United States",
                 attrs={"Location": [lat, lon], "Name": "12 Maple Street" if state == "home" else "350 Main Street",
                        "Locality": "Cambridge", "Postal Code": "02139", "Country": "United States",
                        "icon": "mdi:map"})
        H.entity("sensor", "mobile_app", f"{webhook}_activity", d, name="Activity",
                 state="Stationary" if state == "home" else "Walking",
                 attrs={"Confidence": "high", "Types": ["stationary"], "icon": "mdi:walk"})
        return tracker

    alex_tr = phone("Alex iPhone", "Apple", "iPhone16,1", "26.1", "home", HOME_LAT, HOME_LON, 12,
                    "alex")
    sam_tr = phone("Sam Pixel", "Google", "Pixel 8", "16", "not_home", 42.3625, -71.0843, 18,
                   "sam")
    for key, name, uid, tr, st, lat, lon in [("alex", "Alex", ALEX, alex_tr, "home", HOME_LAT, HOME_LON),
                                             ("sam", "Sam", SAM, sam_tr, "not_home", 42.3625, -71.0843),
                                             ("lena", "Lena", LENA, None, "unknown", None, None)]:
        attrs = {"editable": True, "id": key, "device_trackers": [tr] if tr else [], "user_id": uid}
        if tr:
            attrs.update({"latitude": lat, "longitude": lon, "gps_accuracy": 12, "source": tr})
        H.entity("person", "person", key, None, name=name, state=st, has_entity_name=False, attrs=attrs)

    # AdGuard Home (content filtering) ------------------------------------------------------------------------------
    M("adguard", "AdGuard Home", "local_polling", "service", ["adguardhome==0.8.1"], ["@frenck"],
      loggers=["adguardhome"])
    AG = H.entry("adguard", "AdGuard Home", source="hassio", key="adguard", options=False)
    ag_host, ag_port = "a0d7b954-adguard", 3000
    # AdGuard's identifier is a 4-tuple (domain, host, port, base path), as the integration registers it.
    ag = H.device(AG, "AdGuard Home", None, "AdGuard Team", "AdGuard Home", sw="v0.107.67", service=True,
                  identifiers=[("adguard", ag_host, ag_port, "/control")], url=f"http://{ag_host}:{ag_port}/")
    for key, name, state in [("protection", "Protection", "on"), ("filtering", "Filtering", "on"),
                             ("safesearch", "Safe search", "on"), ("safebrowsing", "Safe browsing", "on"),
                             ("parental", "Parental control", "off"), ("querylog", "Query log", "on")]:
        H.entity("switch", "adguard", f"adguard_{ag_host}_{ag_port}_switch_{key}", ag, name=name, state=state,
                 translation_key=key, icon="mdi:shield-check")
    H.entity("sensor", "adguard", f"adguard_{ag_host}_{ag_port}_sensor_dns_queries", ag, name="DNS queries",
             state="48211", translation_key="dns_queries", attrs={"state_class": "measurement",
                                                                  "unit_of_measurement": "queries"})
    H.entity("sensor", "adguard", f"adguard_{ag_host}_{ag_port}_sensor_blocked_percentage", ag,
             name="DNS queries blocked ratio", state="14.82", translation_key="dns_queries_blocked_ratio",
             attrs={"state_class": "measurement", "unit_of_measurement": "%"})

    # Helpers and state-only entities -------------------------------------------------------------------------------
    H.entity("input_boolean", "input_boolean", "guest_mode", None, name="Guest mode", state="off",
             has_entity_name=False, attrs={"editable": True, "icon": "mdi:account-multiple"})
    # zone.home comes from the core configuration and a YAML template sensor has no unique id: neither is in
    # the entity registry (state-only on purpose).
    H.entity("zone", "zone", None, None, name="Home", state="2", has_entity_name=False, registry=False,
             object_id="home", attrs={"latitude": HOME_LAT, "longitude": HOME_LON, "radius": 100,
                                      "passive": False, "persons": ["person.alex"], "editable": True,
                                      "icon": "mdi:home"})
    H.entity("sensor", "template", None, None, name="Outdoor Feels Like", state="3.9", has_entity_name=False,
             registry=False, attrs={"unit_of_measurement": "°C", "device_class": "temperature"})

    # Automations ------------------------------------------------------------------------------------------------------
    def automation(aid, alias, triggers, conditions, actions, mode="single", state="on", description=""):
        cfg = {"id": aid, "alias": alias, "description": description, "triggers": triggers,
               "conditions": conditions, "actions": actions, "mode": mode}
        H.automations.append({"config": cfg})
        last = iso(minutes_ago("auto" + aid, 30, 4000))
        H.entity("automation", "automation", aid, None, name=alias, state=state, has_entity_name=False,
                 attrs={"id": aid, "last_triggered": last, "mode": mode, "current": 0})

    automation("1731598800123", "Unlock front door when Alex arrives",
               [{"trigger": "zone", "entity_id": "person.alex", "zone": "zone.home", "event": "enter"}],
               [],
               [{"action": "lock.unlock", "target": {"entity_id": FRONT_LOCK}},
                {"action": "notify.mobile_app_alex_iphone", "data": {"message": "Welcome home, front door unlocked"}}],
               description="Hands-free entry")
    automation("1731602400456", "Hallway light on motion after dark",
               [{"trigger": "state", "entity_id": "binary_sensor.hallway_motion_sensor_motion", "to": "on"}],
               [{"condition": "state", "entity_id": "sun.sun", "state": "below_horizon"}],
               [{"action": "light.turn_on", "target": {"entity_id": "light.hallway_light"},
                 "data": {"brightness_pct": 40}},
                {"delay": {"minutes": 3}},
                {"action": "light.turn_off", "target": {"entity_id": "light.hallway_light"}}], mode="restart")
    automation("1731606000789", "Leak detected: close the water main",
               [{"trigger": "state", "entity_id": [kit_leak, bath_leak], "to": "on"}],
               [],
               [{"action": "valve.close_valve", "target": {"entity_id": VALVE}},
                {"action": "notify.notify", "data": {"title": "Water leak", "message": "Main valve closed."}}])
    automation("1731609600321", "Open garage from phone shortcut",
               [{"trigger": "webhook", "webhook_id": "garage-shortcut-" + h("wh", "garage", n=20),
                 "allowed_methods": ["POST"], "local_only": True}],
               [],
               [{"action": "cover.open_cover", "target": {"entity_id": GARAGE}}])
    automation("1731613200654", "Good night",
               [{"trigger": "time", "at": "22:30:00"}],
               [{"condition": "state", "entity_id": "input_boolean.guest_mode", "state": "off"}],
               [{"action": "lock.lock", "target": {"entity_id": ["lock.front_door_lock", "lock.back_door_lock"]}},
                {"action": "alarm_control_panel.alarm_arm_night", "target": {"entity_id": "alarm_control_panel.alarmo"}},
                {"action": "light.turn_off", "target": {"area_id": ["living_room", "kitchen"]}}])
    automation("1731616800987", "Kids' room lamp off at bedtime",
               [{"trigger": "time", "at": "20:00:00"}],
               [{"condition": "time", "weekday": ["sun", "mon", "tue", "wed", "thu"]}],
               [{"action": "light.turn_off", "target": {"entity_id": "light.lena_s_night_light"},
                 "data": {"transition": 600}}])

    # Replies that are not registries -------------------------------------------------------------------------------
    components = sorted(set(H.manifests) | {
        "api", "auth", "config", "default_config", "frontend", "http", "websocket_api", "onboarding", "repairs",
        "analytics", "assist_pipeline", "conversation", "energy", "history", "logbook", "recorder", "system_health",
        "webhook", "google_assistant", "homeassistant", "homeassistant_alerts", "update", "light", "switch",
        "sensor", "binary_sensor", "lock", "cover", "climate", "camera", "media_player", "valve",
        "alarm_control_panel", "event", "fan", "weather", "device_tracker", "stt", "tts", "assist_satellite",
        "persistent_notification", "notify", "script", "scene", "tag", "bluetooth", "usb", "zeroconf", "ssdp",
        "dhcp", "network", "go2rtc", "application_credentials", "ffmpeg", "lovelace", "panel_custom", "trace",
        "blueprint", "file_upload", "image_upload", "media_source", "hardware", "homeassistant_hardware"})
    get_config = {
        "allowlist_external_dirs": ["/config/www", "/media"], "allowlist_external_urls": [],
        "components": components, "config_dir": "/config", "config_source": "storage", "country": "US",
        "currency": "USD", "debug": False, "elevation": 12, "external_url": "http://maple-street.duckdns.org:8123",
        "internal_url": "http://192.168.1.20:8123", "language": "en", "latitude": HOME_LAT,
        "location_name": "Maple Street", "longitude": HOME_LON, "radius": 100, "recovery_mode": False,
        "safe_mode": False, "state": "RUNNING", "time_zone": "America/New_York",
        "unit_system": {"length": "km", "accumulated_precipitation": "mm", "area": "m²", "mass": "g",
                        "pressure": "Pa", "temperature": "°C", "volume": "L", "wind_speed": "m/s"},
        "version": HA_VERSION,
    }
    # The connected owner's sign-ins (auth/refresh_tokens; components/auth websocket_refresh_tokens).
    def refresh(key, client_id, client_name, kind, created, used, ip):
        return {"auth_provider_type": "homeassistant" if kind == "normal" else None, "client_icon": None,
                "client_id": client_id, "client_name": client_name, "created_at": iso(created),
                "expire_at": iso(used + dt.timedelta(days=90)) if kind == "normal" else None, "id": h("token", key),
                "is_current": key == "browser", "last_used_at": iso(used), "last_used_ip": ip, "type": kind}
    refresh_tokens = [
        refresh("browser", "http://homeassistant.local:8123/", None, "normal", SNAPSHOT - dt.timedelta(days=12),
                SNAPSHOT, "192.168.1.23"),
        refresh("iphone", "https://home-assistant.io/iOS", None, "normal", SNAPSHOT - dt.timedelta(days=300),
                minutes_ago("iphone", 5, 90), "192.168.1.31"),
        refresh("grafana", None, "Grafana", "long_lived_access_token", SNAPSHOT - dt.timedelta(days=160),
                minutes_ago("grafana", 1, 30), "192.168.1.40"),
        refresh("nodered", None, "Old Node-RED", "long_lived_access_token", SNAPSHOT - dt.timedelta(days=640),
                SNAPSHOT - dt.timedelta(days=171), "192.168.1.41"),
    ]
    lovelace_resources = [
        {"id": h("resource", "mushroom"), "type": "module", "url": "/hacsfiles/lovelace-mushroom/mushroom.js"},
        {"id": h("resource", "mini-graph"), "type": "module", "url": "/hacsfiles/mini-graph-card/mini-graph-card-bundle.js"},
        {"id": h("resource", "weather"), "type": "module",
         "url": "https://cdn.jsdelivr.net/gh/bramkragten/weather-card/dist/weather-card.js"},
    ]
    current_user = {"id": ALEX, "name": "Alex Morgan", "is_owner": True, "is_admin": True,
                    "credentials": [{"auth_provider_type": "homeassistant", "auth_provider_id": None}],
                    "mfa_modules": [{"id": "totp", "name": "Authenticator app", "enabled": True},
                                    {"id": "notify", "name": "Notify One-Time Password", "enabled": False}]}
    analytics = {"preferences": {"base": True, "diagnostics": True, "usage": True, "statistics": False},
                 "onboarded": True}
    empty_filter = {"include_domains": [], "include_entity_globs": [], "include_entities": [],
                    "exclude_domains": [], "exclude_entity_globs": [], "exclude_entities": []}
    cloud_status = {
        "alexa_entities": dict(empty_filter), "alexa_registered": False, "cloud": "connected",
        "cloud_last_disconnect_reason": None, "email": "alex.morgan@example.com",
        "google_entities": dict(empty_filter), "google_registered": True, "google_local_connected": True,
        "logged_in": True,
        "prefs": {"alexa_enabled": False, "alexa_report_state": False, "cloudhooks": {},
                  "cloud_ice_servers_enabled": True, "google_enabled": True, "google_report_state": True,
                  "google_secure_devices_pin": None, "remote_allow_remote_enable": True, "remote_enabled": False,
                  "tts_default_voice": ["en-US", "JennyNeural"]},
        "remote_certificate": None, "remote_certificate_status": None, "remote_connected": False,
        "remote_domain": "k3x9q2m7w4t8n1v5.ui.nabu.casa", "http_use_ssl": False, "active_subscription": True,
    }
    replies = {
        "config/area_registry/list": H.areas,
        "config/device_registry/list": H.devices,
        "config/entity_registry/list": H.entities,
        "config_entries/get": H.entries,
        "manifest/list": [H.manifests[d] for d in sorted(H.manifests)],
        "get_states": H.states,
        "get_config": get_config,
        "config/auth/list": H.users,
        "auth/current_user": current_user,
        "homeassistant/expose_entity/list": {"exposed_entities": dict(sorted(H.exposed.items()))},
        "homeassistant/expose_new_entities/get": {"expose_new": True},
        "analytics": analytics,
        "cloud/status": cloud_status,
        "zwave_js/network_status": zwave_status,
        "automation/config": H.automations,
        "auth/refresh_tokens": refresh_tokens,
        "lovelace/resources": lovelace_resources,
        "supervisor/api": H.apps,
    }
    return replies


# ---------------------------------------------------------------- output and checks

def file_name(command):
    return command.replace("/", "__") + ".json"


def render(value):
    return json.dumps(value, ensure_ascii=False, indent=1) + "\n"


def write(replies, out):
    os.makedirs(out, exist_ok=True)
    total = 0
    for cmd, value in replies.items():
        text = render(value)
        with open(os.path.join(out, file_name(cmd)), "w", encoding="utf-8") as f:
            f.write(text)
        total += len(text.encode())
    print(f"wrote {len(replies)} files, {total // 1024} KB, to {os.path.relpath(out, ROOT)}")


def check(out):
    """Verifies the files in `out`: they match a fresh run, and every reference resolves."""
    errors = []
    fresh = build()
    loaded = {}
    for cmd in fresh:
        path = os.path.join(out, file_name(cmd))
        if not os.path.exists(path):
            errors.append(f"{file_name(cmd)}: missing")
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        loaded[cmd] = json.loads(text)
        if text != render(fresh[cmd]):
            errors.append(f"{file_name(cmd)}: differs from a fresh run of manifests/demo/gen_demo.py (re-run it)")
    if len(loaded) != len(fresh):
        return report(errors, None)

    areas = {a["area_id"] for a in loaded["config/area_registry/list"]}
    entries = {e["entry_id"]: e for e in loaded["config_entries/get"]}
    manifests = {m["domain"]: m for m in loaded["manifest/list"]}
    devices = {d["id"]: d for d in loaded["config/device_registry/list"]}
    ents = loaded["config/entity_registry/list"]
    states = {s["entity_id"]: s for s in loaded["get_states"]}
    users = {u["id"]: u for u in loaded["config/auth/list"]}

    def uniq(items, what):
        seen = set()
        for i in items:
            if i in seen:
                errors.append(f"duplicate {what}: {i}")
            seen.add(i)

    uniq([a["area_id"] for a in loaded["config/area_registry/list"]], "area id")
    uniq([d["id"] for d in loaded["config/device_registry/list"]], "device id")
    uniq([e["entity_id"] for e in ents], "entity id")
    uniq([e["id"] for e in ents], "entity registry id")
    uniq([(e["platform"], e["unique_id"]) for e in ents], "(platform, unique_id)")
    uniq([s["entity_id"] for s in loaded["get_states"]], "state entity id")
    uniq([e["entry_id"] for e in loaded["config_entries/get"]], "config entry id")

    for e in entries.values():
        if e["domain"] not in manifests:
            errors.append(f"config entry {e['title']}: domain {e['domain']} has no manifest")
    for d in devices.values():
        tag = f"device {d['name']}"
        if d["area_id"] is not None and d["area_id"] not in areas:
            errors.append(f"{tag}: area {d['area_id']} does not exist")
        if d["config_entry_id"] not in entries:
            errors.append(f"{tag}: config entry {d['config_entry_id']} does not exist")
        if d["config_entries"] != [d["config_entry_id"]] or d["primary_config_entry"] != d["config_entry_id"]:
            errors.append(f"{tag}: deprecated config_entries/primary_config_entry disagree with config_entry_id")
        for ref in ("via_device_id", "parent_device_id"):
            if d[ref] is not None and d[ref] not in devices:
                errors.append(f"{tag}: {ref} {d[ref]} does not exist")
        if not d["identifiers"] and not d["connections"]:
            errors.append(f"{tag}: neither identifiers nor connections")
        if not d["name"]:
            errors.append(f"{tag}: no name")
    for e in ents:
        tag = f"entity {e['entity_id']}"
        if e["device_id"] is not None and e["device_id"] not in devices:
            errors.append(f"{tag}: device {e['device_id']} does not exist")
        if e["config_entry_id"] is not None:
            if e["config_entry_id"] not in entries:
                errors.append(f"{tag}: config entry {e['config_entry_id']} does not exist")
            elif entries[e["config_entry_id"]]["domain"] != e["platform"]:
                errors.append(f"{tag}: platform {e['platform']} differs from its entry's domain")
        if e["device_id"] and e["config_entry_id"] and devices.get(e["device_id"], {}).get("config_entry_id") != \
                e["config_entry_id"]:
            errors.append(f"{tag}: its device belongs to another config entry")
        if e["area_id"] is not None and e["area_id"] not in areas:
            errors.append(f"{tag}: area {e['area_id']} does not exist")
        if e["platform"] not in manifests:
            errors.append(f"{tag}: platform {e['platform']} has no manifest")
        if e["disabled_by"] is None and e["entity_id"] not in states:
            errors.append(f"{tag}: enabled but has no state")
        if e["disabled_by"] is not None and e["entity_id"] in states:
            errors.append(f"{tag}: disabled but has a state")
    registered = {e["entity_id"] for e in ents}
    state_only = sorted(set(states) - registered)
    for sid in state_only:
        if sid not in STATE_ONLY:
            errors.append(f"state {sid}: no registry entry and not listed as intentionally state-only")
    for eid, exp in loaded["homeassistant/expose_entity/list"]["exposed_entities"].items():
        if eid not in states:
            errors.append(f"exposure for {eid}: no such entity")
        reg = next((e for e in ents if e["entity_id"] == eid), None)
        if reg:
            for assistant, v in exp.items():
                if reg["options"].get(assistant, {}).get("should_expose") != v:
                    errors.append(f"exposure for {eid}: registry options disagree for {assistant}")
    known = set(states)
    for a in loaded["automation/config"]:
        for eid in referenced_entities(a["config"]):
            if eid not in known:
                errors.append(f"automation {a['config']['alias']}: references unknown {eid}")
    for s in loaded["get_states"]:
        for key in ("user_id",):
            uid = s["attributes"].get(key)
            if uid is not None and uid not in users:
                errors.append(f"state {s['entity_id']}: user {uid} does not exist")
        for tr in s["attributes"].get("device_trackers", []):
            if tr not in states:
                errors.append(f"state {s['entity_id']}: tracker {tr} does not exist")
    zw_entry_devices = {}
    for d in devices.values():
        for ident in d["identifiers"]:
            if ident[0] == "zwave_js" and ident[1].count("-") == 1:
                zw_entry_devices[int(ident[1].split("-")[1])] = d
    for n in loaded["zwave_js/network_status"]["controller"]["nodes"]:
        if n["node_id"] not in zw_entry_devices:
            errors.append(f"zwave node {n['node_id']}: no device with identifier <home_id>-{n['node_id']}")
    if loaded["auth/current_user"]["id"] not in users:
        errors.append("auth/current_user: not in config/auth/list")
    size = sum(len(render(v).encode()) for v in loaded.values())
    if size > 600 * 1024:
        errors.append(f"total size {size // 1024} KB exceeds 600 KB")

    domains = sorted({e["domain"] for e in entries.values()})
    summary = (f"{len(devices)} devices, {len(ents)} registry entities ({len(states)} states, "
               f"{len(state_only)} state-only), {len(entries)} config entries over {len(domains)} integrations, "
               f"{len(areas)} areas, {len(users)} users, {len(loaded['automation/config'])} automations, "
               f"{size // 1024} KB")
    return report(errors, summary)


STATE_ONLY = {"zone.home", "sensor.outdoor_feels_like"}


def referenced_entities(node):
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("entity_id", "zone"):
                out += [v] if isinstance(v, str) else [x for x in v if isinstance(x, str)]
            else:
                out += referenced_entities(v)
    elif isinstance(node, list):
        for x in node:
            out += referenced_entities(x)
    return out


def report(errors, summary):
    for e in errors:
        print("error:", e, file=sys.stderr)
    if summary:
        print(summary)
    print(f"demo check: {'FAILED' if errors else 'ok'} ({len(errors)} problems)")
    return 1 if errors else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="verify the written files instead of writing them")
    args = ap.parse_args()
    if args.check:
        return check(args.out)
    write(build(), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
