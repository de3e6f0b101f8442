"""Diagnostics pass only allow-listed keys: no names, ids, MACs, URLs or entity ids of the home."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import get_diagnostics_for_config_entry

from .conftest import Home


async def test_diagnostics_are_redacted(
    hass: HomeAssistant, hass_client, home: Home, entry: MockConfigEntry
) -> None:
    diag = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diag["status"]["score"] == entry.runtime_data.coordinator.data.score
    assert diag["findings"] and all(set(f) <= {"rule", "severity", "clauses", "remediation"} for f in diag["findings"])
    assert "get_states" in diag["replies"]
    text = json.dumps(diag)
    for secret in (
        "Front door lock", "Kids room camera", "Desk plug", home.lock, home.camera, home.lock_device,
        "02:00:00:00:00", "Acme", home.source.entry_id,
    ):
        assert secret not in text, secret
