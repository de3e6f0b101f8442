#!/usr/bin/env python3
"""A plain Python auditor over a folder of Home Assistant WebSocket replies, the peer that the
benchmark compares the `domoguard` CLI with (CPU time of the whole process, same files).

It is written the way a competent Python developer would write such a tool: the standard json
module, dictionaries for the joins, one pass per check. It does fourteen of DomoGuard's checks
(far fewer than DomoGuard), with no translations, no history and no report rendering beyond a
JSON list of findings.

    python3 tests/bench/python_peer.py REPLIES_DIR [--summary]
"""
import json
import os
import re
import sys

SENSITIVE_VOICE_DOMAINS = {"lock", "alarm_control_panel"}
SENSITIVE_COVER_CLASSES = {"garage", "door", "gate"}
PRIVATE_ROOM = re.compile(r"bed|kid|child|nursery|sleep|bath", re.IGNORECASE)
CHILD_LOCK = re.compile(r"child.?lock", re.IGNORECASE)
LOW_BATTERY = 20.0


def load(folder, command, default):
    """One reply, as written by the hub client: COMMAND with '/' as '__', .json; either the bare
    result or the whole {"type": "result", "success": ..., "result": ...} message."""
    path = os.path.join(folder, command.replace("/", "__") + ".json")
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except FileNotFoundError:
        return default
    if isinstance(doc, dict) and doc.get("type") == "result" and "success" in doc:
        return doc.get("result", default) if doc["success"] else default
    return doc


def audit(folder):
    devices = load(folder, "config/device_registry/list", [])
    entities = load(folder, "config/entity_registry/list", [])
    states = load(folder, "get_states", [])
    areas = {a["area_id"]: a.get("name") or "" for a in load(folder, "config/area_registry/list", [])}
    entries = load(folder, "config_entries/get", [])
    manifests = {m["domain"]: m for m in load(folder, "manifest/list", [])}
    exposed = load(folder, "homeassistant/expose_entity/list", {}).get("exposed_entities", {})
    users = load(folder, "config/auth/list", [])
    me = load(folder, "auth/current_user", {})
    analytics = load(folder, "analytics", {})
    cloud = load(folder, "cloud/status", {})
    automations = load(folder, "automation/config", [])

    state_by_id = {s["entity_id"]: s for s in states}
    device_by_id = {d["id"]: d for d in devices}
    entities_by_device = {}
    for e in entities:
        if e.get("device_id"):
            entities_by_device.setdefault(e["device_id"], []).append(e)

    findings = []

    def add(check, subject, **detail):
        findings.append({"check": check, "subject": subject, **detail})

    def area_of(entity):
        area = entity.get("area_id")
        if not area and entity.get("device_id") in device_by_id:
            area = device_by_id[entity["device_id"]].get("area_id")
        return area

    def attrs(entity_id):
        return state_by_id.get(entity_id, {}).get("attributes", {})

    # 1. Locks, alarm panels and garage doors a voice assistant can operate.
    # 2. Cameras in bedrooms, kids' rooms and bathrooms.
    # 3. Child locks switched off.
    # 4. Low batteries.
    # 5. Updates pending.
    for e in entities:
        if e.get("disabled_by"):
            continue
        eid = e["entity_id"]
        domain = eid.split(".", 1)[0]
        a = attrs(eid)
        device_class = a.get("device_class") or e.get("original_device_class") or e.get("device_class")
        if domain in SENSITIVE_VOICE_DOMAINS or (domain == "cover" and device_class in SENSITIVE_COVER_CLASSES):
            assistants = [k for k, v in exposed.get(eid, {}).items() if v]
            if assistants:
                add("voice_sensitive", eid, assistants=assistants)
        if domain == "camera":
            area = area_of(e)
            if area and PRIVATE_ROOM.search(areas.get(area, "")):
                add("camera_private_room", eid, area=areas[area])
        if domain == "switch" and (e.get("translation_key") == "child_lock"
                                   or CHILD_LOCK.search(e.get("name") or e.get("original_name") or "")):
            if state_by_id.get(eid, {}).get("state") == "off":
                add("child_lock_off", eid)
        if domain == "sensor" and device_class == "battery":
            try:
                if float(state_by_id[eid]["state"]) < LOW_BATTERY:
                    add("battery_low", eid, level=state_by_id[eid]["state"])
            except (KeyError, ValueError):
                pass
        if domain == "update" and state_by_id.get(eid, {}).get("state") == "on":
            add("update_pending", eid, installed=a.get("installed_version"), latest=a.get("latest_version"))

    # 6. Devices in no area (neither the device nor any of its entities).
    # 7. Devices whose firmware version is unknown.
    # 8. Device web pages over plain HTTP.
    for d in devices:
        if d.get("disabled_by") or d.get("entry_type") == "service":
            continue
        if not d.get("area_id") and not any(e.get("area_id") for e in entities_by_device.get(d["id"], [])):
            add("device_no_area", d["id"])
        if not d.get("sw_version"):
            add("firmware_unknown", d["id"])
        url = d.get("configuration_url") or ""
        if url.startswith("http://"):
            add("device_page_http", d["id"], url=url)

    # 9. Custom integrations (not reviewed by the Home Assistant project).
    # 10. Integrations that depend on a vendor's cloud.
    for entry in entries:
        if entry.get("disabled_by"):
            continue
        m = manifests.get(entry["domain"], {})
        if m.get("is_built_in") is False:
            add("custom_integration", entry["domain"], version=m.get("version"))
        if str(m.get("iot_class", "")).startswith("cloud"):
            add("cloud_dependent", entry["domain"], iot_class=m["iot_class"])

    # 11. Administrators without multi-factor authentication (only the current user is visible).
    mfa = any(m.get("enabled") for m in me.get("mfa_modules", []))
    for u in users:
        if u.get("is_active", True) and not u.get("system_generated") and "system-admin" in u.get("group_ids", []):
            if u.get("id") == me.get("id") and not mfa:
                add("admin_without_mfa", u.get("username") or u.get("name"))

    # 12. Analytics shared with the Home Assistant project.
    prefs = analytics.get("preferences", {})
    shared = [k for k in ("base", "usage", "statistics", "diagnostics") if prefs.get(k)]
    if shared:
        add("analytics_on", "hub", shared=shared)

    # 13. Remote access and voice assistants through Home Assistant Cloud.
    if cloud.get("logged_in"):
        cprefs = cloud.get("prefs", {})
        on = [k for k in ("remote_enabled", "alexa_enabled", "google_enabled") if cprefs.get(k)]
        if on:
            add("cloud_on", "hub", features=on)

    # 14. Automations a webhook from the internet can trigger.
    for item in automations:
        cfg = item.get("config", item)
        triggers = cfg.get("triggers", cfg.get("trigger", []))
        if isinstance(triggers, dict):
            triggers = [triggers]
        for t in triggers:
            kind = t.get("trigger", t.get("platform"))
            if kind == "webhook" and t.get("local_only") is False:
                add("webhook_from_internet", cfg.get("id") or cfg.get("alias"), webhook=t.get("webhook_id"))

    return findings


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    findings = audit(sys.argv[1])
    if "--summary" in sys.argv[2:]:
        counts = {}
        for f in findings:
            counts[f["check"]] = counts.get(f["check"], 0) + 1
        json.dump(counts, sys.stdout, indent=1, sort_keys=True)
    else:
        json.dump(findings, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
