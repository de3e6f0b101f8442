"""Live following: which of Home Assistant's changes reach the audit, and how.

The integration follows the facts the daemon follows (plugin/src/hub/ha/live_mirror.cpp):
- a state change of an entity a rule reads is applied to the core's home in place and only its
  device is audited again (coordinator.async_states_changed);
- registry changes (devices, entities, areas), automations and scripts reloaded, users added,
  changed or removed, the core configuration and config entries changed: the home is gathered whole
  again (debounced);
- facts HA fires no event for (exposure settings, "expose new entities", cloud, analytics, the
  owner's second factor) are gathered again on a short timer, and a difference means a full refresh.
This module only decides; the coordinator gathers, the core audits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SIGNAL_CONFIG_ENTRY_CHANGED
from homeassistant.const import EVENT_CORE_CONFIG_UPDATE, EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import async_call_later, async_track_time_interval

from .const import DOMAIN, NEW_DEVICE_DELAY
from .home import async_collect_replies

if TYPE_CHECKING:
    from .coordinator import DomoGuardCoordinator

# State changes that can change a finding: switches (child locks), locks, selects, updates,
# cameras, batteries. Meters and other sensors change every few seconds and change no finding.
STATE_DOMAINS = frozenset(
    {"switch", "lock", "select", "update", "camera", "binary_sensor", "alarm_control_panel",
     "cover", "media_player", "assist_satellite", "person", "device_tracker", "automation"}
)
# Events (besides the registries') after which the home is gathered whole again.
RELOAD_EVENTS = ("automation_reloaded", "script_reloaded", "user_added", "user_updated", "user_removed",
                 EVENT_CORE_CONFIG_UPDATE)
# Facts HA fires no event for: gathered again this often and compared (as the daemon polls them).
POLLED = ("homeassistant/expose_entity/list", "homeassistant/expose_new_entities/get", "cloud/status",
          "analytics", "config/auth/list", "auth/current_user")
POLL_INTERVAL = timedelta(seconds=10)


def state_matters(entity_id: str, event_data: Any) -> bool:
    """Whether a state change can change a finding (cheap: runs for every state change of the home)."""
    old, new = event_data.get("old_state"), event_data.get("new_state")
    if (
        entity_id.split(".", 1)[0] not in STATE_DOMAINS
        and not entity_id.endswith("_battery")
        # A battery sensor is one by its device class, whatever it is called.
        and (new or old) is not None
        and (new or old).attributes.get("device_class") != "battery"
    ):
        return False
    if old is not None and new is not None and old.state == new.state:
        return False
    return True


class Follower:
    """Listens to Home Assistant for one coordinator; stops with the entry."""

    def __init__(self, hass: HomeAssistant, coordinator: DomoGuardCoordinator) -> None:
        self.hass = hass
        self.coordinator = coordinator
        self._new_devices: set[str] = set()
        self._new_device_timer: Callable[[], None] | None = None
        self._polling = False

    @callback
    def async_start(self) -> Callable[[], None]:
        """Starts listening; returns what stops it."""
        bus = self.hass.bus
        unsubs = [
            bus.async_listen(dr.EVENT_DEVICE_REGISTRY_UPDATED, self._async_registry_event),
            bus.async_listen(er.EVENT_ENTITY_REGISTRY_UPDATED, self._async_registry_event),
            bus.async_listen(ar.EVENT_AREA_REGISTRY_UPDATED, self._async_registry_event),
            bus.async_listen(EVENT_STATE_CHANGED, self._async_state_event, event_filter=self._state_filter),
            *(bus.async_listen(event_type, self._async_reload_event) for event_type in RELOAD_EVENTS),
            async_dispatcher_connect(self.hass, SIGNAL_CONFIG_ENTRY_CHANGED, self._async_entry_changed),
            async_track_time_interval(self.hass, self._async_poll, POLL_INTERVAL, name="domoguard poll"),
        ]

        @callback
        def stop() -> None:
            for unsub in unsubs:
                unsub()
            if self._new_device_timer is not None:
                self._new_device_timer()
                self._new_device_timer = None

        return stop

    # ---- states: applied in place ----------------------------------------------------------------
    @callback
    def _state_filter(self, event_data: Any) -> bool:
        entity_id: str = event_data["entity_id"]
        return state_matters(entity_id, event_data) and not self._is_ours(entity_id)

    @callback
    def _async_state_event(self, event: Event) -> None:
        self.coordinator.async_state_changed(event.data["entity_id"], event.data.get("new_state"))

    # ---- everything else: gathered whole ---------------------------------------------------------
    @callback
    def _async_registry_event(self, event: Event) -> None:
        data = event.data
        if event.event_type == dr.EVENT_DEVICE_REGISTRY_UPDATED and data.get("action") == "create":
            device_id = data.get("device_id")
            device = dr.async_get(self.hass).async_get(device_id) if device_id else None
            if device is not None and DOMAIN not in {i[0] for i in device.identifiers}:
                self._new_devices.add(device_id)
                # One timer, started again by each new device: every device gets its full delay for
                # its entities to arrive, and a bridge pairing hundreds adds no callback per device.
                if self._new_device_timer is not None:
                    self._new_device_timer()
                self._new_device_timer = async_call_later(self.hass, NEW_DEVICE_DELAY, self._async_new_device_due)
        if event.event_type == er.EVENT_ENTITY_REGISTRY_UPDATED and self._is_ours(data.get("entity_id")):
            return
        self.coordinator.async_schedule_full_refresh()

    @callback
    def _async_reload_event(self, event: Event) -> None:
        self.coordinator.async_schedule_full_refresh()

    @callback
    def _async_entry_changed(self, change: Any, entry: Any) -> None:
        if getattr(entry, "domain", None) != DOMAIN:
            self.coordinator.async_schedule_full_refresh()

    async def _async_poll(self, _now: Any = None) -> None:
        """Gathers what HA fires no event for; a difference from the last poll means a full refresh."""
        if self._polling:
            return
        self._polling = True
        try:
            polled = await async_collect_replies(self.hass, POLLED)
        finally:
            self._polling = False
        if polled != self.coordinator.polled_replies:
            # Settings, not names: the audit answer is read whole when a finding opens or resolves.
            self.coordinator.async_schedule_full_refresh(names_may_change=False)

    def _is_ours(self, entity_id: str | None) -> bool:
        if not entity_id:
            return False
        entry = er.async_get(self.hass).async_get(entity_id)
        return entry is not None and entry.platform == DOMAIN

    async def _async_new_device_due(self, _now: Any) -> None:
        self._new_device_timer = None
        devices, self._new_devices = self._new_devices, set()
        if not devices:
            return
        await self.coordinator.async_refresh()
        for device_id in sorted(devices):
            await self.coordinator.changes.async_new_device(device_id)
