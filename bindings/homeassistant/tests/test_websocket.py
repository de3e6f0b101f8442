"""The domoguard/* commands over HA's WebSocket API: forwarded to the core, admins only for changes."""

from __future__ import annotations

from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.core import HomeAssistant

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.domoguard.coordinator import finding_key
from custom_components.domoguard.websocket_api import VERBS

from .conftest import Home


async def _call(ws, type_: str, **fields):
    await ws.send_json_auto_id({"type": type_, **fields})
    return await ws.receive_json()


async def test_every_verb_is_registered(hass: HomeAssistant, hass_ws_client, entry: MockConfigEntry) -> None:
    ws = await hass_ws_client(hass)
    for verb in VERBS:
        reply = await _call(ws, f"domoguard/{verb}")
        # A verb missing its fields is refused by its schema, never "unknown command".
        assert reply.get("error", {}).get("code") != "unknown_command", verb


async def test_status_and_audit_match_the_entities(
    hass: HomeAssistant, hass_ws_client, entry: MockConfigEntry
) -> None:
    ws = await hass_ws_client(hass)
    status = await _call(ws, "domoguard/status")
    assert status["success"] and status["result"]["ready"] is True
    assert status["result"]["score"] == int(hass.states.get("sensor.domoguard_home_score").state)
    audit = await _call(ws, "domoguard/audit", lang="fr")
    assert audit["success"] and audit["result"]["score"] == status["result"]["score"]
    catalog = await _call(ws, "domoguard/catalog")
    assert len(catalog["result"]["rules"]) > 10
    bad = await _call(ws, "domoguard/device", device_id="no-such-device")
    assert bad["success"] is False and bad["error"]["code"] == "not_found"
    assert bad["error"]["translation_key"].startswith("error.")  # the core's key, for the panel's language


async def test_plan_apply_undo_with_the_callers_name(
    hass: HomeAssistant, hass_ws_client, hass_admin_user, home: Home, entry: MockConfigEntry
) -> None:
    ws = await hass_ws_client(hass)
    key = next(
        finding_key(f) for f in entry.runtime_data.coordinator.data.findings
        if f["rule"] == "DG-VOI-001" and f["subject"]["id"] == home.lock_device
    )
    plan = await _call(ws, "domoguard/plan", selector=["--fix", key])
    assert plan["success"] and plan["result"]["actions"][0]["target"] == home.lock
    applied = await _call(ws, "domoguard/apply", selector=["--fix", key])
    assert applied["success"] and applied["result"]["ok"] is True, applied
    assert not async_should_expose(hass, "conversation", home.lock)
    status = await _call(ws, "domoguard/status")
    assert status["result"]["score"] == entry.runtime_data.coordinator.data.score  # audited again
    undone = await _call(ws, "domoguard/undo", journal_id=applied["result"]["journal_id"])
    assert undone["success"] and undone["result"]["ok"] is True
    assert async_should_expose(hass, "conversation", home.lock)
    ack_notice = await _call(ws, "domoguard/notice")
    version = ack_notice["result"]["version"]
    acked = await _call(ws, "domoguard/notice/ack", version=version)
    assert acked["success"], acked
    assert acked["result"]["acknowledgement"]["user"] == hass_admin_user.name


async def test_apply_takes_the_reviewed_plan_and_undo_a_plan_id(
    hass: HomeAssistant, hass_ws_client, home: Home, entry: MockConfigEntry
) -> None:
    ws = await hass_ws_client(hass)
    key = next(
        finding_key(f) for f in entry.runtime_data.coordinator.data.findings
        if f["rule"] == "DG-VOI-001" and f["subject"]["id"] == home.lock_device
    )
    reviewed = (await _call(ws, "domoguard/plan", selector=["--fix", key]))["result"]
    # Altered after review: refused on its merits, and nothing changes.
    altered = {**reviewed, "actions": [{**reviewed["actions"][0], "after": "true"}]}
    reply = await _call(ws, "domoguard/apply", plan=altered)
    assert reply["success"] is False and reply["error"]["code"] == "conflict", reply
    assert async_should_expose(hass, "conversation", home.lock)
    reply = await _call(ws, "domoguard/apply", plan=reviewed, selector=["--fix", key])
    assert reply["success"] is False and reply["error"]["code"] == "invalid_format"
    # The plan reviewed is applied as it is, then undone by its plan id.
    applied = await _call(ws, "domoguard/apply", plan=reviewed, verify_timeout_ms=5000)
    assert applied["success"] and applied["result"]["ok"] is True, applied
    assert applied["result"]["plan"]["id"] == reviewed["id"]
    assert not async_should_expose(hass, "conversation", home.lock)
    undone = await _call(ws, "domoguard/undo", plan_id=reviewed["id"])
    assert undone["success"] and undone["result"]["ok"] is True, undone
    assert async_should_expose(hass, "conversation", home.lock)
    reply = await _call(ws, "domoguard/apply", selector=["--fix", key], verify_timeout_ms=10**7)
    assert reply["success"] is False and reply["error"]["code"] == "invalid_format"


async def test_changes_and_the_audit_need_an_admin(
    hass: HomeAssistant, hass_ws_client, hass_read_only_access_token, home: Home, entry: MockConfigEntry
) -> None:
    ws = await hass_ws_client(hass, hass_read_only_access_token)
    for verb, fields in (
        ("apply", {"selector": ["--level", "strict"]}),
        ("undo", {}),
        ("settings/set", {"privacy_default": False}),
        ("audit", {}),
        ("device", {"device_id": home.lock_device}),
        ("history", {}),
        ("journal", {}),
        ("plan", {"selector": ["--level", "strict"]}),
    ):
        reply = await _call(ws, f"domoguard/{verb}", **fields)
        assert reply["success"] is False and reply["error"]["code"] == "unauthorized", verb
    assert async_should_expose(hass, "conversation", home.lock)
    for verb in ("status", "notice", "settings", "catalog"):  # what the dashboard card and notices need
        reply = await _call(ws, f"domoguard/{verb}")
        assert reply["success"], verb
    # Anyone may acknowledge a notice they read; a stale version is refused on its merits, not for rights.
    notice = (await _call(ws, "domoguard/notice"))["result"]
    reply = await _call(ws, "domoguard/notice/ack", version="stale")
    assert reply["success"] is False and reply["error"]["code"] == "conflict"
    acked = await _call(ws, "domoguard/notice/ack", version=notice["version"])
    assert acked["success"] and acked["result"]["acknowledgement"]["needs_ack"] is False


async def test_bad_input_is_refused_by_the_schema(hass: HomeAssistant, hass_ws_client, entry: MockConfigEntry) -> None:
    ws = await hass_ws_client(hass)
    reply = await _call(ws, "domoguard/plan", selector=["x" * 1000])
    assert reply["success"] is False and reply["error"]["code"] == "invalid_format"
    reply = await _call(ws, "domoguard/apply", selector=["--level", "nonsense"])
    assert reply["success"] is False and reply["error"]["code"] == "invalid_format"
