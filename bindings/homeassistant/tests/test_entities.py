"""Entities on a populated home: score and findings sensors, level/scenario selects, mode switches, button."""

from __future__ import annotations

import probatio
import pytest

from homeassistant.auth.const import GROUP_ID_USER
from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.exceptions import HomeAssistantError, Unauthorized
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er

from pytest_homeassistant_custom_component.common import MockConfigEntry

from .conftest import DOMAIN, Home, entity_id_of


async def test_sensors_show_the_audit(hass: HomeAssistant, home: Home, entry: MockConfigEntry) -> None:
    data = entry.runtime_data.coordinator.data
    score = hass.states.get(entity_id_of(hass, "sensor", "home_score"))
    assert score.state == str(data.score)
    assert score.attributes["friendly_name"] == "DomoGuard Home score"
    findings = hass.states.get(entity_id_of(hass, "sensor", "open_findings"))
    assert int(findings.state) == len(data.findings) > 0
    assert sum(findings.attributes[s] for s in ("critical", "high", "medium", "low", "info")) == len(data.findings)


async def test_every_entity_is_named_by_translation(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entries = [e for e in er.async_get(hass).entities.values() if e.platform == DOMAIN]
    assert len(entries) == 2 + 7 + 1 + 2 + 1  # sensors, level selects, scenario, switches, button
    for e in entries:
        assert e.translation_key and e.has_entity_name
    level = hass.states.get(entity_id_of(hass, "select", "level_voice_microphones"))
    assert level.attributes["friendly_name"] == "DomoGuard Security level: Voice assistants and microphones"
    assert level.attributes["options"] == ["basic", "recommended", "strict"]


async def test_level_select_applies_the_plan(hass: HomeAssistant, home: Home, entry: MockConfigEntry) -> None:
    select = entity_id_of(hass, "select", "level_access_locks")
    assert hass.states.get(select).state == "unknown"  # nothing applied yet
    assert async_should_expose(hass, "conversation", home.lock)
    score_before = entry.runtime_data.coordinator.data.score
    await hass.services.async_call(
        "select", "select_option", {"entity_id": select, "option": "recommended"}, blocking=True
    )
    await hass.async_block_till_done()
    # The plan went through HA's own exposure settings: the lock no longer answers to voice.
    assert not async_should_expose(hass, "conversation", home.lock)
    assert hass.states.get(select).state == "recommended"
    assert entry.runtime_data.coordinator.data.score > score_before
    rules = {(f["rule"], f["subject"]["id"]) for f in entry.runtime_data.coordinator.data.findings}
    assert ("DG-VOI-001", home.lock_device) not in rules


async def test_apply_recommended_button_and_undo_service(
    hass: HomeAssistant, home: Home, entry: MockConfigEntry
) -> None:
    button = entity_id_of(hass, "button", "apply_recommended")
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await hass.async_block_till_done()
    assert not async_should_expose(hass, "conversation", home.lock)
    for category in ("access_locks", "cameras_video", "hub"):
        assert hass.states.get(entity_id_of(hass, "select", f"level_{category}")).state == "recommended"
    response = await hass.services.async_call(DOMAIN, "undo", {}, blocking=True, return_response=True)
    assert response["ok"] is True and response["changed"] >= 1
    await hass.async_block_till_done()
    assert async_should_expose(hass, "conversation", home.lock)  # put back exactly
    assert hass.states.get(entity_id_of(hass, "select", "level_access_locks")).state == "unknown"


async def test_child_safe_switch_on_and_off(hass: HomeAssistant, home: Home, entry: MockConfigEntry) -> None:
    switch = entity_id_of(hass, "switch", "child_safe")
    assert hass.states.get(switch).state == "off"
    await hass.services.async_call("switch", "turn_on", {"entity_id": switch}, blocking=True)
    await hass.async_block_till_done()
    assert hass.states.get(switch).state == "on"
    # Child-safe mode takes locks off voice assistants.
    assert not async_should_expose(hass, "conversation", home.lock)
    await hass.services.async_call("switch", "turn_off", {"entity_id": switch}, blocking=True)
    await hass.async_block_till_done()
    assert hass.states.get(switch).state == "off"
    assert async_should_expose(hass, "conversation", home.lock)


async def test_privacy_default_switch(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    switch = entity_id_of(hass, "switch", "privacy_default")
    initial = hass.states.get(switch).state
    assert initial in ("on", "off")
    target = "off" if initial == "on" else "on"
    await hass.services.async_call("switch", f"turn_{target}", {"entity_id": switch}, blocking=True)
    await hass.async_block_till_done()
    assert hass.states.get(switch).state == target
    settings = await entry.runtime_data.coordinator.async_result({"type": "domoguard/settings"})
    assert settings["privacy_default"]["on"] is (target == "on")


async def test_scenario_select(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    select = entity_id_of(hass, "select", "scenario")
    await hass.services.async_call("select", "select_option", {"entity_id": select, "option": "guests"}, blocking=True)
    await hass.async_block_till_done()
    assert hass.states.get(select).state == "guests"


async def test_apply_service_validates_and_reports(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    with pytest.raises(probatio.Invalid):  # a category alone says nothing to apply
        await hass.services.async_call(DOMAIN, "apply", {"category": "hub"}, blocking=True)
    with pytest.raises(probatio.Invalid):  # two things at once
        await hass.services.async_call(DOMAIN, "apply", {"level": "basic", "scenario": "away"}, blocking=True)
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(DOMAIN, "apply", {"fix": "DG-NOPE-001|device:none"}, blocking=True)
    response = await hass.services.async_call(
        DOMAIN, "apply", {"level": "basic", "category": "hub"}, blocking=True, return_response=True
    )
    # Either it changed something (journalled, undoable) or it says nothing needed changing.
    assert response["ok"] is True
    assert (response["journal_id"] >= 1) != response["nothing_to_change"], response
    assert response["nothing_to_change"] == (response["changed"] == 0)
    audit = await hass.services.async_call(DOMAIN, "audit", {}, blocking=True, return_response=True)
    assert audit["score"] == entry.runtime_data.coordinator.data.score


async def test_only_admins_change_the_home_through_entities(
    hass: HomeAssistant, hass_admin_user, home: Home, entry: MockConfigEntry
) -> None:
    """A non-admin account (a child's; HA lets ordinary users control every entity) may not turn child-safe mode off or lower a level; an admin may,
    and it is journalled. Automations (no user) still may (the other tests)."""
    child_safe = entity_id_of(hass, "switch", "child_safe")
    await hass.services.async_call("switch", "turn_on", {"entity_id": child_safe}, blocking=True)
    await hass.async_block_till_done()
    assert hass.states.get(child_safe).state == "on"
    child = Context(user_id=(await hass.auth.async_create_user("Child", group_ids=[GROUP_ID_USER])).id)
    for domain, service, data in (
        ("switch", "turn_off", {"entity_id": child_safe}),
        ("switch", "turn_off", {"entity_id": entity_id_of(hass, "switch", "privacy_default")}),
        ("select", "select_option", {"entity_id": entity_id_of(hass, "select", "level_access_locks"),
                                     "option": "basic"}),
        ("select", "select_option", {"entity_id": entity_id_of(hass, "select", "scenario"), "option": "home"}),
        ("button", "press", {"entity_id": entity_id_of(hass, "button", "apply_recommended")}),
    ):
        with pytest.raises(Unauthorized):
            await hass.services.async_call(domain, service, data, blocking=True, context=child)
    await hass.async_block_till_done()
    assert hass.states.get(child_safe).state == "on"
    assert not async_should_expose(hass, "conversation", home.lock)
    journal = await entry.runtime_data.coordinator.async_result({"type": "domoguard/journal"})
    count = len(journal)

    admin = Context(user_id=hass_admin_user.id)
    await hass.services.async_call("switch", "turn_off", {"entity_id": child_safe}, blocking=True, context=admin)
    await hass.async_block_till_done()
    assert hass.states.get(child_safe).state == "off"
    journal = await entry.runtime_data.coordinator.async_result({"type": "domoguard/journal"})
    assert len(journal) == count + 1


async def test_actions_are_for_admins(hass: HomeAssistant, hass_owner_user, entry: MockConfigEntry) -> None:
    """The audit action answers with finding keys (what newly fails, on which device): admins only,
    like apply and undo."""
    user = await hass.auth.async_create_user("Guest", group_ids=[GROUP_ID_USER])
    assert not user.is_admin  # (the first account would be the owner)
    for service, data in (("audit", {}), ("apply", {"level": "basic"}), ("undo", {})):
        with pytest.raises(Unauthorized):
            await hass.services.async_call(
                DOMAIN, service, data, blocking=True, return_response=True, context=Context(user_id=user.id)
            )
