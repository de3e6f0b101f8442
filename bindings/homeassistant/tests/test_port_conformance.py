"""Hub-port conformance for the integration's port (port.py) inside Home Assistant: the scenarios every
port runs (tests/fixtures/ports/conformance.json, the same as the in-memory and the live port): each
action kind set through the port, read back through HA, rolled back and read back; and the changes
every port must refuse. Targets are real template entities (optimistic, with unique ids), so HA's
own services, registry and exposure store do the work; a long-lived token is made and revoked through
HA's own auth manager. An app's protection mode goes through the Supervisor client HA's `hassio`
helper hands out (aiohasupervisor: addons.addon_info / addons.set_addon_security); no Supervisor runs
here, so a stand-in with the same two calls answers for it."""

from __future__ import annotations

import json
from datetime import UTC, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import patch

import pytest

from homeassistant.auth.models import TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN
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
           "select": "select.conformance_mode", "missing": "switch.not_here", "app": "a0d7b954_ssh"}


class StandInSupervisor:
    """The two calls of aiohasupervisor's SupervisorClient.addons the port makes, over one app."""

    def __init__(self) -> None:
        self.protected = {"a0d7b954_ssh": False}
        self.addons = self

    async def addon_info(self, slug: str) -> SimpleNamespace:
        if slug not in self.protected:
            raise PortError(f"no app {slug}")
        return SimpleNamespace(slug=slug, protected=self.protected[slug])

    async def set_addon_security(self, slug: str, options: Any) -> None:
        if slug not in self.protected:
            raise PortError(f"no app {slug}")
        self.protected[slug] = bool(options.protected)


@pytest.fixture
def supervisor():
    # Only the port is told there is a Supervisor: the analytics integration, also loaded here,
    # would otherwise report its preferences to it.
    stand_in = StandInSupervisor()
    with (
        patch("custom_components.domoguard.port.is_hassio", return_value=True),
        patch("homeassistant.components.hassio.get_supervisor_client", return_value=stand_in),
    ):
        yield stand_in


@pytest.fixture
async def port(hass: HomeAssistant, supervisor: StandInSupervisor) -> HaPort:
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
    assert done == len(SCENARIOS["scenarios"]) == 9
    print(f"integration port conformance: {done} scenarios set, read back and rolled back")


def _token_key(user_id: str, created: Any) -> str:
    return f"{user_id}/{created.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}"


async def test_irreversible_kinds_set_and_never_taken_back(hass: HomeAssistant, port: HaPort, hass_admin_user) -> None:
    """A long-lived token revoked through the port is gone from HA's auth manager; the port refuses to
    write it back (the core never asks: undo leaves such steps alone)."""
    done = 0
    for s in SCENARIOS["irreversible"]:
        assert s["kind"] == "revoke_token"
        token = await hass.auth.async_create_refresh_token(
            hass_admin_user, client_name="Old script", token_type=TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN,
            access_token_expiration=timedelta(days=3650))
        action = {"kind": s["kind"], "target": _token_key(hass_admin_user.id, token.created_at), "param": ""}
        set_to, back_to = s["values"]
        assert await hass.async_add_executor_job(port.read, action) == back_to
        await hass.async_add_executor_job(port.write, action, set_to)
        assert await hass.async_add_executor_job(port.read, action) == set_to
        assert hass.auth.async_get_refresh_token(token.id) is None
        with pytest.raises(PortError):
            await hass.async_add_executor_job(port.write, action, back_to)
        done += 1
    assert done == len(SCENARIOS["irreversible"]) == 1


async def test_only_long_lived_tokens_are_revoked(hass: HomeAssistant, port: HaPort, hass_admin_user) -> None:
    """A sign-in (a person's phone or browser) is never revoked by a plan."""
    session = await hass.auth.async_create_refresh_token(hass_admin_user, client_id="https://home-assistant.io/iOS")
    action = {"kind": "revoke_token", "target": _token_key(hass_admin_user.id, session.created_at), "param": ""}
    assert await hass.async_add_executor_job(port.read, action) == "present"
    with pytest.raises(PortError):
        await hass.async_add_executor_job(port.write, action, "revoked")
    assert hass.auth.async_get_refresh_token(session.id) is not None


async def test_app_protection_needs_a_supervisor(hass: HomeAssistant) -> None:
    """Without the hassio integration the port says so instead of failing somewhere inside."""
    port = HaPort(hass)
    action = {"kind": "set_app_protection", "target": "a0d7b954_ssh", "param": ""}
    with pytest.raises(PortError, match="no Supervisor"):
        await hass.async_add_executor_job(port.read, action)
    with pytest.raises(PortError, match="slug"):
        await hass.async_add_executor_job(port.read, {**action, "target": "../core/restart"})


async def test_changes_every_port_refuses(hass: HomeAssistant, port: HaPort, hass_admin_user) -> None:
    refused = 0
    for s in SCENARIOS["refused"]:
        action = _action(s) if s["role"] != "missing_token" else \
            {"kind": s["kind"], "target": f"{hass_admin_user.id}/2020-01-01T00:00:00Z", "param": ""}
        with pytest.raises(PortError):
            await hass.async_add_executor_job(port.write, action, s["value"])
        refused += 1
    print(f"integration port conformance: {refused} refused changes")


async def test_missing_targets_and_misfit_values_name_the_cores_message(hass: HomeAssistant, port: HaPort) -> None:
    """So that the household reads them in their language (the core's error.port.* texts)."""
    gone = {"kind": "switch", "target": "switch.not_here", "param": ""}
    with pytest.raises(PortError) as err:
        await hass.async_add_executor_job(port.read, gone)
    assert err.value.domoguard_key == "error.port.no_entity"
    assert err.value.domoguard_placeholders == {"target": "switch.not_here"}
    hass.states.async_set("switch.here", "off")
    with pytest.raises(PortError) as err:
        await hass.async_add_executor_job(port.write, {**gone, "target": "switch.here"}, "maybe")
    assert err.value.domoguard_key == "error.port.bad_value"
    assert err.value.domoguard_placeholders == {"value": "maybe", "kind": "switch", "target": "switch.here"}
