"""Shared fixtures: a home built through HA's real registries, and the integration set up on it.

The home: a front-door lock and an indoor camera (both exposed to Assist), a smart plug, a kids'
room, the owner account. Everything is created with HA's own registries and state machine; the
DomoGuard core (the built wheel) audits it in-process exactly as in a running Home Assistant.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component

DOMAIN = "domoguard"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Loads custom_components/domoguard from the test folder."""


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """A fresh config folder per test: the core's SQLite file lives in its .storage/."""
    return hass_tmp_config_dir


@dataclass
class Home:
    source: MockConfigEntry
    lock_device: str
    camera_device: str
    plug_device: str
    lock: str
    camera: str
    plug: str


async def add_device(
    hass: HomeAssistant, source: MockConfigEntry, uid: str, name: str, manufacturer: str, model: str,
    area_id: str | None, entities: list[tuple[str, str, str, str | None]],
) -> tuple[str, list[str]]:
    """A device and its entities: (domain, unique id suffix, state, device class)."""
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=source.entry_id,
        identifiers={("test", uid)},
        connections={(dr.CONNECTION_NETWORK_MAC, "02:00:00:00:00:" + uid[-2:])},
        name=name,
        manufacturer=manufacturer,
        model=model,
        sw_version="1.0.0",
    )
    if area_id:
        dr.async_get(hass).async_update_device(device.id, area_id=area_id)
    ids = []
    for domain, suffix, state, device_class in entities:
        entry = er.async_get(hass).async_get_or_create(
            domain, "test", f"{uid}_{suffix}", device_id=device.id, config_entry=source,
            original_device_class=device_class, original_name=suffix.replace("_", " ").title(),
            has_entity_name=True,
        )
        attrs = {"device_class": device_class} if device_class else {}
        hass.states.async_set(entry.entity_id, state, attrs)
        ids.append(entry.entity_id)
    return device.id, ids


@pytest.fixture
async def home(hass: HomeAssistant) -> Home:
    assert await async_setup_component(hass, "homeassistant", {})
    source = MockConfigEntry(domain="test", title="Test devices")
    source.add_to_hass(hass)
    areas = ar.async_get(hass)
    hall = areas.async_create("Hall")
    kids = areas.async_create("Kids room")
    lock_dev, (lock,) = await add_device(
        hass, source, "lock01", "Front door lock", "Acme", "Deadbolt 2", hall.id, [("lock", "lock", "locked", None)]
    )
    cam_dev, (camera,) = await add_device(
        hass, source, "cam02", "Kids room camera", "Acme", "IndoorCam", kids.id, [("camera", "camera", "idle", None)]
    )
    plug_dev, (plug,) = await add_device(
        hass, source, "plug03", "Desk plug", "Acme", "Plug S", None, [("switch", "power", "on", "outlet")]
    )
    # Opening the front door by voice, and a camera in a child's room reachable by voice.
    async_expose_entity(hass, "conversation", lock, True)
    async_expose_entity(hass, "conversation", camera, True)
    await hass.async_block_till_done()
    return Home(source, lock_dev, cam_dev, plug_dev, lock, camera, plug)


@pytest.fixture
async def entry(hass: HomeAssistant, home: Home) -> AsyncGenerator[MockConfigEntry]:
    """DomoGuard set up on the home (the panel bundle is served when package.sh has copied it)."""
    config_entry = MockConfigEntry(domain=DOMAIN, title="DomoGuard", data={}, options={"debounce_seconds": 1})
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    yield config_entry
    if config_entry.state.recoverable:
        await hass.config_entries.async_unload(config_entry.entry_id)
        await hass.async_block_till_done()


def entity_id_of(hass: HomeAssistant, platform_domain: str, key: str) -> str:
    """Our entity's id from its unique id (entry id + key)."""
    registry = er.async_get(hass)
    for e in registry.entities.values():
        if e.platform == DOMAIN and e.domain == platform_domain and e.unique_id.endswith("_" + key):
            return e.entity_id
    raise AssertionError(f"no {platform_domain} entity {key}")
