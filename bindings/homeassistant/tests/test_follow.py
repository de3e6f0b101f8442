"""The integration follows Home Assistant while it runs: a state change a rule reads is applied to the
core's home in place (no gathering of the whole home), and what HA changes elsewhere (automations
reloaded, "expose new entities", which fires no event) reaches the findings without a manual refresh."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

# Imported at collection, so that `custom_components` is this folder's package (as in the other tests).
from custom_components.domoguard.follow import POLL_INTERVAL

from homeassistant.components.homeassistant.const import DATA_EXPOSED_ENTITIES
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .conftest import DOMAIN, Home, add_device

AUTOMATION_ID = "dg_follow_presence_unlock"


async def _set_up(hass: HomeAssistant) -> MockConfigEntry:
    config_entry = MockConfigEntry(domain=DOMAIN, title="DomoGuard", data={}, options={"debounce_seconds": 1})
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


async def _settle(hass: HomeAssistant, seconds: float = POLL_INTERVAL.total_seconds() + 1) -> None:
    """Lets the debounced refresh (and the poll timer) run."""
    for _ in range(2):
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
        await hass.async_block_till_done(wait_background_tasks=True)


def _count_full_refreshes(coordinator) -> list[int]:
    calls = [0]
    gather = coordinator._async_update_data  # noqa: SLF001

    async def counted():
        calls[0] += 1
        return await gather()

    coordinator._async_update_data = counted  # noqa: SLF001
    return calls


async def test_a_state_change_is_applied_in_place(hass: HomeAssistant, home: Home) -> None:
    device_id, (update,) = await add_device(
        hass, home.source, "fw04", "Hall sensor", "Acme", "Sensor 3", None, [("update", "firmware", "off", None)]
    )
    hass.states.async_set(update, "off", {"installed_version": "1.0", "latest_version": "1.0"})
    await hass.async_block_till_done()
    entry = await _set_up(hass)
    await _settle(hass)  # the refresh our own device's registration asked for
    coordinator = entry.runtime_data.coordinator
    full = _count_full_refreshes(coordinator)

    def pending() -> list[dict]:
        return [f for f in coordinator.data.findings
                if f["rule"] == "DG-UPD-001" and (f.get("subject") or {}).get("id") == device_id]

    assert not pending()
    hass.states.async_set(update, "on", {"installed_version": "1.0", "latest_version": "1.1"})
    await _settle(hass, 1)
    assert pending(), "the update that appeared is a finding"
    # The finding came from the state applied in place: the home was not gathered again.
    assert full[0] == 0
    hass.states.async_set(update, "off", {"installed_version": "1.1", "latest_version": "1.1"})
    await _settle(hass, 1)
    assert not pending() and full[0] == 0
    status = await coordinator.async_result({"type": "domoguard/status"})
    assert status["score"] == coordinator.data.score


async def test_a_battery_is_an_input_whatever_it_is_called(hass: HomeAssistant, home: Home) -> None:
    device_id, (_smoke, charge) = await add_device(
        hass, home.source, "smk05", "Hall smoke", "Acme", "Smoke 1", None,
        [("binary_sensor", "smoke", "off", "smoke"), ("sensor", "charge", "80", "battery")],
    )
    assert not charge.endswith("_battery")
    entry = await _set_up(hass)
    await _settle(hass)
    coordinator = entry.runtime_data.coordinator
    full = _count_full_refreshes(coordinator)
    hass.states.async_set(charge, "5", {"device_class": "battery", "unit_of_measurement": "%"})
    await _settle(hass, 1)
    assert [f for f in coordinator.data.findings
            if f["rule"] == "DG-FS-003" and (f.get("subject") or {}).get("id") == device_id]
    assert full[0] == 0


async def test_a_state_the_home_does_not_know_gathers_it_whole(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await _settle(hass)
    coordinator = entry.runtime_data.coordinator
    full = _count_full_refreshes(coordinator)
    # A switch without registry entry (no unique id): not in the core's home, so it is gathered whole.
    hass.states.async_set("switch.unregistered_heater", "on", {})
    await _settle(hass, 1)
    assert full[0] == 1
    audit = await coordinator.async_result({"type": "domoguard/audit"})
    assert audit["summary"]


async def test_a_presence_only_unlock_automation_is_followed(
    hass: HomeAssistant, home: Home, entry: MockConfigEntry
) -> None:
    """Saved through HA's own automation editor (which writes automations.yaml and reloads): the
    finding comes and goes without a manual refresh, as with the daemon (tests/live/test_live_follow.py)."""
    config_dir = Path(hass.config.config_dir)
    (config_dir / "configuration.yaml").write_text("automation: !include automations.yaml\n")
    automations = config_dir / "automations.yaml"
    automations.write_text("[]\n")
    assert await async_setup_component(hass, "automation", {"automation": []})
    await _settle(hass)
    coordinator = entry.runtime_data.coordinator

    def ours() -> list[dict]:
        return [f for f in coordinator.data.findings
                if f["rule"] == "DG-AUT-001" and (f.get("subject") or {}).get("id") == AUTOMATION_ID]

    def save(conditions: str) -> None:
        automations.write_text(
            f"- id: {AUTOMATION_ID}\n"
            "  alias: Unlock when Alex arrives\n"
            "  triggers:\n"
            "    - trigger: zone\n"
            "      entity_id: person.alex\n"
            "      zone: zone.home\n"
            "      event: enter\n"
            f"  conditions: {conditions}\n"
            "  actions:\n"
            f"    - action: lock.unlock\n"
            f"      target:\n"
            f"        entity_id: {home.lock}\n"
        )

    assert not ours()
    save("[]")
    await hass.services.async_call("automation", "reload", blocking=True)
    await _settle(hass)
    assert ours(), "the new presence-only unlock is a finding"

    # Fixed by a real confirmation: the finding goes.
    save('[{"condition": "state", "entity_id": "input_boolean.guest_mode", "state": "on"}]')
    await hass.services.async_call("automation", "reload", blocking=True)
    await _settle(hass)
    assert not ours()


async def test_expose_new_entities_is_polled(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """HA fires no event when "expose new entities" changes: the integration re-reads it on a timer."""
    coordinator = entry.runtime_data.coordinator

    def flagged() -> bool:
        return any(f["rule"] == "DG-VOI-003" and "conversation" in str(f.get("evidence"))
                   for f in coordinator.data.findings)

    exposed = hass.data[DATA_EXPOSED_ENTITIES]
    exposed.async_set_expose_new_entities("conversation", True)
    await _settle(hass)
    assert flagged()
    exposed.async_set_expose_new_entities("conversation", False)
    await _settle(hass)
    assert not flagged()
    exposed.async_set_expose_new_entities("conversation", True)
    await _settle(hass)
    assert flagged()
