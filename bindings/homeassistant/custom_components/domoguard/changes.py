"""Changes to the home, all through the core's one apply path (`domoguard/apply`, `undo`,
`recover`, `settings/set`): the core journals each step before it is made and carries it out
through the hub port (port.py). After a change the home is audited again, so every view agrees.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.exceptions import HomeAssistantError

from .const import CONF_NOTIFY_NEW, DOMAIN, LOGGER
from .notify import async_notify_new_device, async_notify_recovered

if TYPE_CHECKING:
    from .coordinator import DomoGuardCoordinator

# Plan steps carried out on an entity's state (the others write HA's own stores, loaded at setup).
STATE_KINDS = frozenset({"switch", "lock", "select_option"})
NOT_REPORTING = frozenset({STATE_UNAVAILABLE, STATE_UNKNOWN})
# How long a roll-back at start waits for the devices of a cut-off plan to report.
DEVICE_WAIT = 120.0


def raise_if_failed(result: dict[str, Any]) -> None:
    if not result.get("ok", False):
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="plan_failed",
            translation_placeholders={"message": str(result.get("error") or "?")[:300]},
        )


class Changes:
    """Apply, undo, recovery and privacy by default for one entry's core."""

    def __init__(self, coordinator: DomoGuardCoordinator) -> None:
        self.coordinator = coordinator

    async def async_change(self, request: dict[str, Any], user: str | None) -> dict[str, Any]:
        """A plan applied or undone, in the name of `user`; the home is audited again whatever happened."""
        if user:
            request["user"] = user
        try:
            result = await self.coordinator.async_result(request)
        finally:
            await self.coordinator.async_refresh()
        raise_if_failed(result)
        return result

    async def async_recover(self) -> list[int]:
        """Rolls back plans cut off earlier (Home Assistant stopped in the middle of one), through the
        core's one apply path; at setup, before anything else can change the home. Says so."""
        coordinator = self.coordinator
        reply = await coordinator.async_handle({"type": "domoguard/recover"})
        if not reply.get("success"):
            LOGGER.warning(
                "Rolling back an interrupted plan failed: %s", (reply.get("error") or {}).get("message")
            )
            return []
        result = reply.get("result") or {}
        recovered = [int(i) for i in result.get("recovered") or []]
        if recovered:
            LOGGER.warning("%s", result.get("message"))
            async_notify_recovered(coordinator.hass, coordinator.messages, str(result.get("message") or ""))
            await coordinator.async_refresh()
        return recovered

    async def async_wait_for_devices(self, timeout: float = DEVICE_WAIT) -> None:
        """At Home Assistant's start a device reports its state a moment after its integration has
        loaded (an MQTT device is "unavailable" until the broker's retained state arrives). A plan cut
        off earlier is judged by what its devices hold now, and "unavailable" would read as someone
        else's change: wait (bounded) until the devices it changed report."""
        coordinator = self.coordinator
        journal = await coordinator.async_handle({"type": "domoguard/journal"})
        targets: set[str] = set()
        for entry in journal.get("result") or []:
            if not isinstance(entry, dict) or entry.get("state") != "applying":
                continue
            plan = await coordinator.async_handle({"type": "domoguard/plan", "journal_id": entry.get("journal_id")})
            for action in (plan.get("result") or {}).get("actions") or []:
                if action.get("kind") in STATE_KINDS and isinstance(action.get("target"), str):
                    targets.add(action["target"])
        hass = coordinator.hass
        deadline = hass.loop.time() + timeout
        while targets and hass.loop.time() < deadline:
            targets = {t for t in targets if (st := hass.states.get(t)) is None or st.state in NOT_REPORTING}
            if targets:
                await asyncio.sleep(1)
        if targets:
            LOGGER.warning("Rolling back with devices that do not report yet: %s", ", ".join(sorted(targets))[:300])

    async def async_set_privacy_default(self, on: bool, user: str | None = None) -> None:
        request: dict[str, Any] = {"type": "domoguard/settings/set", "privacy_default": on}
        if user:
            request["user"] = user
        await self.coordinator.async_result(request)
        await self.coordinator.async_refresh()

    async def async_new_device(self, device_id: str) -> None:
        """Privacy by default (7.3.2) for a newly paired device, then tell the household."""
        coordinator = self.coordinator
        reply = await coordinator.async_handle({"type": "domoguard/device", "device_id": device_id})
        if not reply.get("success"):
            return  # not a device the core audits (removed again, or a service)
        changes: list[str] = []
        settings = coordinator.data.settings if coordinator.data else None
        if settings and (settings.get("privacy_default") or {}).get("on"):
            applied = await coordinator.async_handle(
                {"type": "domoguard/apply", "selector": ["--privacy-default", "on", "--device", device_id]}
            )
            result = applied.get("result") or {}
            if applied.get("success") and result.get("ok"):
                # Only what was really changed, in the plan's own words (a value already private is not listed).
                words = {
                    (a.get("kind"), a.get("target"), a.get("param")): a.get("message", "")
                    for a in (result.get("plan") or {}).get("actions") or []
                }
                changes = [
                    str(words.get((s.get("kind"), s.get("target"), s.get("param"))) or s.get("kind", ""))
                    for s in result.get("steps") or []
                    if s.get("outcome") == "changed"
                ]
                LOGGER.info("Privacy by default: %d change(s) for new device %s", len(changes), device_id)
                await coordinator.async_refresh()
                reply = await coordinator.async_handle({"type": "domoguard/device", "device_id": device_id})
            else:
                LOGGER.warning(
                    "Privacy by default for new device %s failed: %s",
                    device_id,
                    result.get("error") or (applied.get("error") or {}).get("message"),
                )
        if not coordinator.config_entry.options.get(CONF_NOTIFY_NEW, True):
            return
        async_notify_new_device(coordinator.hass, coordinator.messages, device_id, reply.get("result") or {}, changes)
