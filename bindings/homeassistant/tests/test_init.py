"""Setup and unload: the core audits the home at start, the panel and card are served, unload cleans up."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import pytest
from domoguard import DomoGuardError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.components import frontend
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .conftest import DOMAIN, Home

BUNDLE = Path(__file__).resolve().parents[1] / "custom_components" / "domoguard" / "frontend" / "domoguard-panel.js"


async def test_setup_audits_the_home(hass: HomeAssistant, home: Home, entry: MockConfigEntry) -> None:
    assert entry.state is ConfigEntryState.LOADED
    data = entry.runtime_data.coordinator.data
    assert 0 <= data.score <= 100
    names = {d["name"] for d in data.audit["devices"]}
    assert {"Front door lock", "Kids room camera", "Desk plug"} <= names
    # The lock answers to voice: the core finds it through the exposure HA keeps in-process.
    rules = {(f["rule"], f["subject"]["id"]) for f in data.findings}
    assert ("DG-VOI-001", home.lock_device) in rules
    # One DomoGuard service device holds the entities.
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, entry.entry_id), entry.entry_id)
    assert device is not None and device.entry_type is dr.DeviceEntryType.SERVICE


async def test_panel_and_card_registered(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    panels = hass.data.get(frontend.DATA_PANELS, {})
    if not BUNDLE.is_file():
        assert "domoguard" not in panels  # nothing half-registered without the bundle
        return
    panel = panels["domoguard"]
    assert panel.require_admin is True
    assert panel.sidebar_title == "DomoGuard"
    custom = panel.config["_panel_custom"]
    assert custom["name"] == "domoguard-panel"
    assert custom["module_url"].startswith("/domoguard_static/domoguard-panel.js?v=")
    assert custom["module_url"] in hass.data[frontend.DATA_EXTRA_MODULE_URL].urls


async def test_unload_and_setup_again(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    core = entry.runtime_data.core
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    # The core (and its SQLite file) is closed at unload, not whenever the garbage collector runs.
    with pytest.raises(DomoGuardError):
        await hass.async_add_executor_job(core.handle, {"type": "domoguard/status"})
    assert "domoguard" not in hass.data.get(frontend.DATA_PANELS, {})
    assert hass.states.get("sensor.domoguard_home_score").state == "unavailable"
    # Static routes cannot be removed while HA runs; setting up again must not register them twice.
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.domoguard_home_score").state.isdigit()


async def test_history_survives_a_restart_of_the_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    coordinator = entry.runtime_data.coordinator
    first = (await coordinator.async_result({"type": "domoguard/history"}))
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    history = await entry.runtime_data.coordinator.async_result({"type": "domoguard/history"})
    assert len(history) > len(first) >= 1  # the same SQLite file, one more audit


async def test_a_plan_cut_off_is_rolled_back_at_the_next_setup(
    hass: HomeAssistant, home: Home, entry: MockConfigEntry
) -> None:
    """Home Assistant gone in the middle of a plan (every call to it fails from the second change on):
    the plan stays open in the journal; the next setup rolls it back through the core and says so."""
    from homeassistant.components.homeassistant.exposed_entities import async_should_expose  # noqa: PLC0415
    from homeassistant.components.persistent_notification import (  # noqa: PLC0415
        _async_get_or_create_notifications,
    )

    from custom_components.domoguard.port import HaPort  # noqa: PLC0415

    coordinator = entry.runtime_data.coordinator
    selector = ["--level", "strict"]
    plan = await coordinator.async_result({"type": "domoguard/plan", "selector": selector})
    assert len(plan["actions"]) >= 2, plan
    assert async_should_expose(hass, "conversation", home.lock)
    real_write = HaPort.write
    written: list[dict] = []

    def vanishing(self: HaPort, action: dict, value: str) -> None:
        if written:
            raise ConnectionError("Home Assistant went away")
        written.append(action)
        real_write(self, action, value)

    with patch.object(HaPort, "write", vanishing):
        reply = await coordinator.async_handle({"type": "domoguard/apply", "selector": selector})
    assert reply["success"] and reply["result"]["ok"] is False, reply
    cut = reply["result"]["journal_id"]
    journal = await coordinator.async_result({"type": "domoguard/journal"})
    assert next(j for j in journal if j["journal_id"] == cut)["state"] == "applying"

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    coordinator = entry.runtime_data.coordinator
    journal = await coordinator.async_result({"type": "domoguard/journal"})
    assert next(j for j in journal if j["journal_id"] == cut)["state"] == "rolled_back"
    # The change that got through is undone, read back from Home Assistant.
    first = next(a for a in plan["actions"] if (a["kind"], a["target"], a["param"]) ==
                 (written[0]["kind"], written[0]["target"], written[0]["param"]))
    assert await hass.async_add_executor_job(HaPort(hass).read, written[0]) == first["before"]
    assert async_should_expose(hass, "conversation", home.lock)
    notes = _async_get_or_create_notifications(hass)
    assert str(cut) in notes[f"{DOMAIN}_recovered"]["message"]
    settings = await coordinator.async_result({"type": "domoguard/settings"})
    assert all(c["level"] is None for c in settings["categories"])
