"""Base entity: every DomoGuard entity belongs to one "DomoGuard" service device."""

from __future__ import annotations

from homeassistant.auth.permissions.const import POLICY_CONTROL
from homeassistant.exceptions import Unauthorized
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import DomoGuardCoordinator


class DomoGuardEntity(CoordinatorEntity[DomoGuardCoordinator]):
    _attr_has_entity_name = True

    def __init__(self, coordinator: DomoGuardCoordinator, key: str) -> None:
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name="DomoGuard",
            manufacturer="DomoGuard",
            model="ISO/IEC 27403 auditor",
            entry_type=DeviceEntryType.SERVICE,
            sw_version=str(coordinator.data.status.get("version", "")) if coordinator.data else None,
        )

    async def async_admin_name(self) -> str | None:
        """Changing the home is for admins, as with the actions and the panel: a non-admin account (a
        child's, a guest's) may not turn child-safe mode off or lower a level. Automations and scripts
        (no user) may. Returns the person's name for the journal."""
        context = self._context
        if context is None or context.user_id is None:
            return None
        user = await self.hass.auth.async_get_user(context.user_id)
        if user is None or not user.is_admin:
            raise Unauthorized(context=context, entity_id=self.entity_id, permission=POLICY_CONTROL)
        return user.name
