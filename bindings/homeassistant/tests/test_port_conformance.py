"""Hub-port conformance for the integration's port (port.py) inside Home Assistant: the scenarios every
port runs (tests/fixtures/ports/conformance.json, the same as the in-memory and the live port): each
action kind set through the port, read back through HA, rolled back and read back; and the changes
every port must refuse. Targets are real template entities (optimistic, with unique ids), so HA's
own services, registry and exposure store do the work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from custom_components.domoguard.port import HaPort, PortError

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent
REPO = PACKAGE / "repo" if (PACKAGE / "repo").is_dir() else PACKAGE.parents[1]
SCENARIOS = json.loads((REPO / "tests/fixtures/ports/conformance.json").read_text(encoding="utf-8"))

TEMPLATES = {
    "template": [
        {
            "switch": [
                {"name": "Conformance plug", "unique_id": "conf_plug", "turn_on": [], "turn_off": []},
                {"name": "Conformance spare", "unique_id": "conf_spare", "turn_on": [], "turn_off": []},
            ],
            "lock": [{"name": "Conformance door", "unique_id": "conf_door", "lock": [], "unlock": []}],
            "select": [
                {
                    "name": "Conformance mode",
                    "unique_id": "conf_mode",
                    "options": "{{ ['first', 'second'] }}",
                    "select_option": [],
                    "optimistic": True,
                }
            ],
        }
    ]
}
TARGETS = {"hub": "hub", "lock": "lock.conformance_door", "switch": "switch.conformance_plug",
           "select": "select.conformance_mode", "missing": "switch.not_here"}


@pytest.fixture
async def port(hass: HomeAssistant) -> HaPort:
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "template", TEMPLATES)
    assert await async_setup_component(hass, "analytics", {})
    await hass.async_block_till_done()
    port = HaPort(hass)
    # Start from the rollback value of each scenario.
    for s in SCENARIOS["scenarios"]:
        action = _action(s)
        await hass.async_add_executor_job(port.write, action, s["values"][1])
        await hass.async_block_till_done()
    return port


def _action(s: dict[str, Any]) -> dict[str, str]:
    # Disabling a registry entity unloads it until its integration reloads: use one no other scenario needs.
    target = "switch.conformance_spare" if s["kind"] == "disable_entity" else TARGETS[s["role"]]
    return {"kind": s["kind"], "target": target, "param": s["param"], "before": "", "after": ""}


async def test_every_action_kind_set_read_back_and_rolled_back(hass: HomeAssistant, port: HaPort) -> None:
    done = 0
    for s in SCENARIOS["scenarios"]:
        action = _action(s)
        for value in s["values"]:  # set, then the rollback
            await hass.async_add_executor_job(port.write, action, value)
            await hass.async_block_till_done()
            assert await hass.async_add_executor_job(port.read, action) == value, (s, value)
        done += 1
    assert done == len(SCENARIOS["scenarios"]) == 8
    print(f"integration port conformance: {done} scenarios set, read back and rolled back")


async def test_changes_every_port_refuses(hass: HomeAssistant, port: HaPort) -> None:
    refused = 0
    for s in SCENARIOS["refused"]:
        with pytest.raises(PortError):
            await hass.async_add_executor_job(port.write, _action(s), s["value"])
        refused += 1
    print(f"integration port conformance: {refused} refused changes")
