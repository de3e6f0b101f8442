"""A newly paired device: audited, made private (privacy by default), and announced."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.components.homeassistant.exposed_entities import async_expose_entity, async_should_expose
from homeassistant.components.persistent_notification import _async_get_or_create_notifications
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from .conftest import Home, add_device


async def _pair_camera(hass: HomeAssistant, home: Home) -> tuple[str, str]:
    device_id, (camera,) = await add_device(
        hass, home.source, "cam09", "Nursery camera", "Acme", "IndoorCam", None,
        [("camera", "camera", "idle", None)],
    )
    async_expose_entity(hass, "conversation", camera, True)
    await hass.async_block_till_done()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=10))
    await hass.async_block_till_done(wait_background_tasks=True)
    return device_id, camera


async def test_new_device_audited_private_and_notified(
    hass: HomeAssistant, home: Home, entry: MockConfigEntry
) -> None:
    coordinator = entry.runtime_data.coordinator
    await coordinator.async_set_privacy_default(True)
    device_id, camera = await _pair_camera(hass, home)
    assert device_id in {d["id"] for d in coordinator.data.audit["devices"]}
    # Privacy by default took the new camera off Assist, journalled.
    assert not async_should_expose(hass, "conversation", camera)
    journal = await coordinator.async_result({"type": "domoguard/journal"})
    assert journal[0]["kind"] == "privacy_default"
    note = _async_get_or_create_notifications(hass)[f"domoguard_new_device_{device_id}"]
    assert "Nursery camera" in note["message"] and "private" in note["message"]
    # Opting in is one undo.
    await coordinator.async_undo(journal[0]["journal_id"])
    assert async_should_expose(hass, "conversation", camera)


async def test_new_device_left_alone_when_privacy_default_is_off(
    hass: HomeAssistant, home: Home, entry: MockConfigEntry
) -> None:
    coordinator = entry.runtime_data.coordinator
    await coordinator.async_set_privacy_default(False)
    device_id, camera = await _pair_camera(hass, home)
    assert device_id in {d["id"] for d in coordinator.data.audit["devices"]}
    assert async_should_expose(hass, "conversation", camera)
    note = _async_get_or_create_notifications(hass)[f"domoguard_new_device_{device_id}"]
    assert "Nursery camera" in note["message"] and "private" not in note["message"]
