"""A newly paired device: audited, made private (privacy by default), and announced."""

from __future__ import annotations

import re
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory

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
    # It lists what was really changed, one line each, and the count agrees ("1 setting", not "1 settings").
    listed = [line for line in note["message"].splitlines() if line.startswith("- ")]
    counted = re.search(r"(\d+) settings? changed", note["message"])
    assert counted and int(counted.group(1)) == len(listed) >= 1
    assert ("1 setting changed" in note["message"]) == (len(listed) == 1)
    assert any("Assist" in line or "voice" in line for line in listed)
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


async def test_each_new_device_gets_its_full_delay(
    hass: HomeAssistant, home: Home, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """A bridge pairs one device, then another 2 s later whose camera entity arrives 1.5 s after it: the
    second device is still made private (its entities were waited for), and both are announced."""
    coordinator = entry.runtime_data.coordinator
    await coordinator.async_set_privacy_default(True)

    async def tick(seconds: float) -> None:
        freezer.tick(timedelta(seconds=seconds))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)

    first, _ = await add_device(hass, home.source, "plug10", "Hall plug", "Acme", "Plug S", None, [])
    await tick(2)
    second, _ = await add_device(hass, home.source, "cam11", "Nursery camera", "Acme", "IndoorCam", None, [])
    await tick(1.5)
    # The camera entity arrives now: 1.5 s after its device, after the first device's 3 s.
    _, (camera,) = await add_device(
        hass, home.source, "cam11", "Nursery camera", "Acme", "IndoorCam", None, [("camera", "camera", "idle", None)]
    )
    async_expose_entity(hass, "conversation", camera, True)
    await tick(10)
    assert not async_should_expose(hass, "conversation", camera)
    notes = _async_get_or_create_notifications(hass)
    assert f"domoguard_new_device_{first}" in notes and f"domoguard_new_device_{second}" in notes


async def test_a_hostile_device_name_is_text_in_the_notification(
    hass: HomeAssistant, home: Home, entry: MockConfigEntry
) -> None:
    """A device names itself; the notification (markdown) shows that name as text: no HTML, no link."""
    name = "<img src=x onerror=alert(1)> [Update](javascript:alert(1)) https://2130706433/login **now**"
    device_id, _ = await add_device(hass, home.source, "evil12", name, "Acme", "Cam", None, [])
    await hass.async_block_till_done()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=10))
    await hass.async_block_till_done(wait_background_tasks=True)
    message = _async_get_or_create_notifications(hass)[f"domoguard_new_device_{device_id}"]["message"]
    assert "img src" in message  # the name is there, as text (markdown escapes: \\< shows as <)
    shown = message[message.index("img src") - 3 : message.index("now") + 8]  # the name, not the text's own link
    for markup in ("<img", "](", "**now", "https://", "javascript:"):
        assert re.search(r"(?<!\\)" + re.escape(markup), shown) is None, markup
