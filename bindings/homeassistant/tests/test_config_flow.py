"""Config flow (one instance only) and options flow."""

from __future__ import annotations

from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .conftest import DOMAIN, Home


async def test_user_flow_creates_the_entry(hass: HomeAssistant, home: Home) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "DomoGuard"
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert entry.runtime_data.coordinator.data.score is not None


async def test_single_instance(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "single_instance_allowed"


async def test_options_flow_changes_language_and_reloads(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"language": "de", "debounce_seconds": 2, "notify_new_devices": False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options["language"] == "de"
    assert entry.runtime_data.lang == "de"
    coordinator = entry.runtime_data.coordinator
    assert coordinator._debounced_refresh.cooldown == 2  # noqa: SLF001
    # Reports come in the chosen language: what the entities show is the core's German audit.
    def title(audit: dict) -> str:
        return next(f["title"] for f in audit["findings"] if f["rule"] == "DG-VOI-001")

    german = (await coordinator.async_handle({"type": "domoguard/audit", "lang": "de"}))["result"]
    assert title(coordinator.data.audit) == title(german)
