"""Modes that hold inside Home Assistant: child-safe mode puts back a lock given back to Assist."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.auth.models import User
from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.components.persistent_notification import _async_get_or_create_notifications
from homeassistant.core import Context, HomeAssistant, ServiceCall
from homeassistant.util import dt as dt_util

from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from .conftest import Home, add_device


async def _settle(hass: HomeAssistant) -> None:
    for _ in range(3):  # the debounced audit, the check it starts, the audit after a put-back
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=10))
        await hass.async_block_till_done(wait_background_tasks=True)


async def test_child_safe_puts_back_a_lock_given_back_to_assist(
    hass: HomeAssistant, home: Home, entry: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    coordinator = entry.runtime_data.coordinator
    applied = await coordinator.async_apply(["--child-safe", "on"])
    assert applied["ok"] is True
    assert not async_should_expose(hass, "conversation", home.lock)
    await _settle(hass)
    status = await coordinator.async_result({"type": "domoguard/hold"})
    assert status["modes"][0]["mode"] == "child_safe" and status["modes"][0]["holding"] is True

    # Someone gives the front door back to Assist through HA's own WebSocket API.
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "homeassistant/expose_entity", "assistants": ["conversation"],
                                    "entity_ids": [home.lock], "should_expose": True})
    assert (await client.receive_json())["success"]
    await _settle(hass)

    assert not async_should_expose(hass, "conversation", home.lock)
    note = _async_get_or_create_notifications(hass)["domoguard_hold_child_safe"]
    # HA's exposure store updates the registry without the caller's context: the note says so.
    assert "Front door lock" in note["message"] and "did not say by whom" in note["message"], note["message"]
    journal = await coordinator.async_result({"type": "domoguard/journal"})
    assert journal[0]["kind"] == "hold" and journal[0]["state"] == "applied"

    # Paused through the integration's WebSocket command: the change stands.
    await client.send_json_auto_id({"type": "domoguard/hold/pause", "mode": "child_safe", "seconds": 3600})
    reply = await client.receive_json()
    assert reply["success"] and reply["result"]["paused_until"]
    await client.send_json_auto_id({"type": "homeassistant/expose_entity", "assistants": ["conversation"],
                                    "entity_ids": [home.lock], "should_expose": True})
    assert (await client.receive_json())["success"]
    await _settle(hass)
    assert async_should_expose(hass, "conversation", home.lock)


async def test_a_child_lock_turned_off_by_a_user_is_put_back_and_the_user_named(
    hass: HomeAssistant, home: Home, entry: MockConfigEntry, hass_admin_user: User
) -> None:
    # A switch platform that does what it is told, as a device answering its commands.
    async def turn(call: ServiceCall) -> None:
        ids = call.data["entity_id"]
        for entity_id in [ids] if isinstance(ids, str) else ids:
            hass.states.async_set(entity_id, "on" if call.service == "turn_on" else "off", context=call.context)

    hass.services.async_register("switch", "turn_on", turn)
    hass.services.async_register("switch", "turn_off", turn)
    _, (child_lock,) = await add_device(
        hass, home.source, "kettle04", "Kettle", "Acme", "Kettle K", None, [("switch", "child_lock", "off", None)]
    )
    coordinator = entry.runtime_data.coordinator
    await coordinator.async_refresh()
    applied = await coordinator.async_apply(["--child-safe", "on"])
    assert applied["ok"] is True
    assert hass.states.get(child_lock).state == "on"
    await _settle(hass)

    hass.states.async_set(child_lock, "off", context=Context(user_id=hass_admin_user.id))
    await _settle(hass)
    assert hass.states.get(child_lock).state == "on"
    note = _async_get_or_create_notifications(hass)["domoguard_hold_child_safe"]
    assert hass_admin_user.name in note["message"], note["message"]
    status = await coordinator.async_result({"type": "domoguard/hold"})
    assert status["last_restore"]["items"][0]["target"] == child_lock
    assert status["last_restore"]["items"][0]["changed_by"] == hass_admin_user.name
