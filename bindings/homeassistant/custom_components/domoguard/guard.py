"""Modes that hold, inside Home Assistant (ISO/IEC 27403 7.1.5-7.1.7, 7.3.2).

After every audit refresh the coordinator runs (it follows registry, exposure and state changes),
the core compares the home with the settings in force (`domoguard/hold/check`): drift in a mode set
to "put it back" is put back as a journalled plan, drift in "tell me" is reported; either way the
household gets a persistent notification naming who changed it, where HA's event context says.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from homeassistant.components import persistent_notification
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from domoguard import DomoGuardError

from .const import LOGGER

if TYPE_CHECKING:
    from .coordinator import DomoGuardCoordinator

MAX_CHANGED_BY = 1000


class HoldGuard:
    """Remembers who changed which entity, and checks the modes after each refresh."""

    def __init__(self, hass: HomeAssistant, coordinator: DomoGuardCoordinator) -> None:
        self.hass = hass
        self.coordinator = coordinator
        self.changed_by: dict[str, str] = {}
        self._checking = False
        self._stopped = False
        self._task: asyncio.Task[Any] | None = None

    @callback
    def async_stop(self) -> None:
        """The entry unloads: no check starts any more, and one under way is cancelled (the core closes)."""
        self._stopped = True
        if self._task is not None and not self._task.done():
            self._task.cancel()

    @callback
    def async_record(self, event: Event) -> None:
        entity_id = event.data.get("entity_id")
        if not isinstance(entity_id, str):
            return
        user_id = event.context.user_id
        if user_id:
            if len(self.changed_by) < MAX_CHANGED_BY:
                self.changed_by[entity_id] = user_id
        else:
            self.changed_by.pop(entity_id, None)

    @callback
    def async_refreshed(self) -> None:
        if self.coordinator.data is None or self._checking or self._stopped:
            return
        self._task = self.hass.async_create_task(self.async_check(), eager_start=False)

    async def async_check(self) -> dict[str, Any] | None:
        if self._stopped:
            return None
        self._checking = True
        try:
            changed_by, self.changed_by = self.changed_by, {}
            reply = await self.coordinator.async_handle({"type": "domoguard/hold/check", "changed_by": changed_by})
        except DomoGuardError as err:
            # The entry unloaded (and closed the core) while the check waited for the executor.
            LOGGER.debug("mode check not done: %s", err)
            return None
        finally:
            self._checking = False
        if not reply.get("success"):
            LOGGER.debug("mode check failed: %s", (reply.get("error") or {}).get("message"))
            return None
        result: dict[str, Any] = reply["result"]
        for note in result.get("notifications") or []:
            persistent_notification.async_create(
                self.hass, str(note["message"]), title=str(note["title"]), notification_id=str(note["id"])
            )
        if result.get("restored"):
            # What was put back changed the home: audit again so every view agrees.
            await self.coordinator.async_request_refresh()
        return result


@callback
def async_setup_guard(hass: HomeAssistant, coordinator: DomoGuardCoordinator) -> Callable[[], None]:
    """Starts the guard; returns what stops it."""
    guard = HoldGuard(hass, coordinator)
    unsubs = [
        hass.bus.async_listen(EVENT_STATE_CHANGED, guard.async_record),
        hass.bus.async_listen(er.EVENT_ENTITY_REGISTRY_UPDATED, guard.async_record),
        coordinator.async_add_listener(guard.async_refreshed),
        coordinator.async_add_audited_listener(guard.async_refreshed),
    ]

    @callback
    def stop() -> None:
        for unsub in unsubs:
            unsub()
        guard.async_stop()

    return stop
